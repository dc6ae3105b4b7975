/**
 * What migration 018's notifications cost writers (decision 0031): POST feed-elements on
 * PostgreSQL with the change triggers enabled and disabled, in one server process, rounds
 * alternating so both see the same load from other work. Each post writes `user_activity`, whose
 * trigger notifies; a notifying commit takes PostgreSQL's notification-queue lock. The server runs
 * in this process; autocannon runs as a child process. Reports req/s and this process's CPU per
 * request.
 *
 *   node --import tsx bench/notify-ab.ts [--database-url postgres://…] [--seconds 5] [--rounds 3]
 */
import { sql } from 'kysely';
import { abFlags, abRounds } from './lib/ab-rounds.js';

const flags = abFlags();
const { createHarness } = await import('../test/helpers/harness.js');
const { rawDatabase } = await import('../src/store/raw-database.js');

const TABLES = ['sessions', 'users', 'user_activity', 'group_members', 'subscriptions', 'groups'];
const h = await createHarness({ dailyLimit: 1_000_000_000, hourlyLimit: 1_000_000_000 });
const db = rawDatabase(h.services.store);
try {
  const url = await h.listen();
  const token = await h.login('alice@acme.example');
  const body = JSON.stringify({
    feedElementType: 'FeedItem',
    subjectId: 'me',
    body: { messageSegments: [{ type: 'Text', text: 'notify cost' }] },
  });
  const results = await abRounds({
    modes: ['silent', 'notifying'] as const,
    ...flags,
    prepare: async (mode) => {
      for (const table of TABLES)
        await sql
          .raw(`alter table ${table} ${mode === 'notifying' ? 'enable' : 'disable'} trigger user`)
          .execute(db);
    },
    request: {
      method: 'POST',
      url: `${url}/services/data/v36.0/chatter/feed-elements`,
      headers: [`authorization=Bearer ${token}`, 'content-type=application/json'],
      body,
    },
  });
  process.stdout.write(`${JSON.stringify(results)}\n`);
} finally {
  await h.close();
}
