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
import { execFile } from 'node:child_process';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';

const { values } = parseArgs({
  options: {
    'database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '10' },
  },
});
process.env.CHATTERBOX_TEST_DATABASE_URL = values['database-url'];
process.env.CHATTERBOX_TEST_STORE = 'postgres';
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
  const results: Record<string, { rps: number[]; cpuUsPerRequest: number[] }> = {
    notifying: { rps: [], cpuUsPerRequest: [] },
    silent: { rps: [], cpuUsPerRequest: [] },
  };
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const mode of ['silent', 'notifying'] as const) {
      for (const table of TABLES)
        await sql
          .raw(`alter table ${table} ${mode === 'notifying' ? 'enable' : 'disable'} trigger user`)
          .execute(db);
      const cpu0 = process.cpuUsage();
      const run = await new Promise<string>((resolve) => {
        execFile(
          'node_modules/.bin/autocannon',
          [
            '-j',
            '-c',
            values.connections as string,
            '-d',
            values.seconds as string,
            '-m',
            'POST',
            '-H',
            `authorization=Bearer ${token}`,
            '-H',
            'content-type=application/json',
            '-b',
            body,
            `${url}/services/data/v36.0/chatter/feed-elements`,
          ],
          { maxBuffer: 1 << 24 },
          (_e, stdout) => resolve(stdout),
        );
      });
      const cpu = process.cpuUsage(cpu0);
      const report = JSON.parse(run) as { requests: { total: number; average: number }; non2xx: number };
      results[mode]?.rps.push(Math.round(report.requests.average));
      results[mode]?.cpuUsPerRequest.push(Math.round((cpu.user + cpu.system) / report.requests.total));
      if (report.non2xx) process.stderr.write(`${mode}: ${report.non2xx} non-2xx\n`);
    }
  }
  process.stdout.write(`${JSON.stringify(results)}\n`);
} finally {
  await h.close();
}
