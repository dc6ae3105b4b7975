/**
 * users/me on PostgreSQL (no Redis: the store counts the quotas), with the quota function of
 * migration 004 (exclusive org lock, logged table) and of migration 013 (decision 0029), in one
 * server process, rounds alternating, so both see the same load from other work. The server runs
 * in this process (in-process app on a loopback port); autocannon runs as a child process.
 * Reports req/s and this process's CPU per request (user + system, process.cpuUsage).
 *
 *   node --import tsx bench/quota-ab.ts [--database-url postgres://…] [--seconds 5] [--rounds 3]
 */
import { sql } from 'kysely';
import { abFlags, abRounds } from './lib/ab-rounds.js';

const flags = abFlags();
const { createHarness } = await import('../test/helpers/harness.js');
const { rawDatabase } = await import('../src/store/raw-database.js');
const { postgresDialect } = await import('../src/store/dialects/postgres.js');

const h = await createHarness({ dailyLimit: 1_000_000_000, hourlyLimit: 1_000_000_000 });
const db = rawDatabase(h.services.store);
const after = postgresDialect.takeQuotas;
type Take = NonNullable<typeof after>;
/** Migration 004's function, called as the dialect called it before decision 0029. */
const before: Take = async (conn, { lock, daily, hourly }) => {
  const { rows } = await sql<{
    daily_ok: boolean | null;
    daily_used: number | null;
    hourly_ok: boolean | null;
    hourly_used: number | null;
  }>`select * from chatterbox_take_quota(${lock}, ${daily?.keys ?? null}::text[], ${daily?.limit ?? null}::bigint, ${daily?.expiresAt ?? null}::bigint, ${hourly?.key ?? null}::text, ${hourly?.limit ?? null}::bigint, ${hourly?.expiresAt ?? null}::bigint)`.execute(
    conn,
  );
  const row = rows[0];
  return {
    ...(row?.daily_ok != null ? { daily: { ok: row.daily_ok, used: Number(row.daily_used) } } : {}),
    ...(row?.hourly_ok != null ? { hourly: { ok: row.hourly_ok, used: Number(row.hourly_used) } } : {}),
  };
};
const dialect = postgresDialect as { takeQuotas: Take | undefined };
try {
  const url = await h.listen();
  const token = await h.login('alice@acme.example');
  const results = await abRounds({
    modes: ['before', 'after'] as const,
    ...flags,
    prepare: async (mode) => {
      dialect.takeQuotas = mode === 'before' ? before : after;
      await sql
        .raw(`alter table usage_counters set ${mode === 'before' ? 'logged' : 'unlogged'}`)
        .execute(db);
    },
    request: {
      url: `${url}/services/data/v36.0/chatter/users/me`,
      headers: [`authorization=Bearer ${token}`],
    },
  });
  process.stdout.write(`${JSON.stringify(results)}\n`);
} finally {
  dialect.takeQuotas = after;
  await h.close();
}
