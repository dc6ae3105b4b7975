/**
 * users/me without Redis, in one process, rounds alternating so every mode sees the same load
 * from other work (issue 14, target 1: PostgreSQL at least half of SQLite):
 *   - `sqlite`: the same request on a SQLite store (the quotas in memory);
 *   - `pg-single`: PostgreSQL, one `chatterbox_take_quota_2` statement per request (migration 013,
 *     decision 0029: what the server did before decision 0037);
 *   - `pg-coalesced`: PostgreSQL, the takes that queue while an org's statement runs go together in
 *     the next `chatterbox_take_quotas` call (migration 019, decision 0037).
 * The servers run in this process (in-process apps on loopback ports); autocannon runs as a child
 * process. Reports req/s, this process's CPU per request, PostgreSQL's (the deployment's backends,
 * from /proc: PostgreSQL must run on this machine) and, for the PostgreSQL modes, requests per
 * quota statement.
 *
 *   node --import tsx bench/quota-ab.ts [--database-url postgres://…] [--seconds 5] [--rounds 3]
 */
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { abFlags, abRounds } from './lib/ab-rounds.js';

const flags = abFlags();
const { createHarness } = await import('../test/helpers/harness.js');
const { rawDatabase } = await import('../src/store/raw-database.js');
const { postgresDialect } = await import('../src/store/dialects/postgres.js');
const { hourOf, windowHours } = await import('../src/limits/usage.js');
type TakeRequest = import('../src/limits/usage.js').TakeRequest;
type Takes = import('../src/limits/usage.js').Takes;

const limits = { dailyLimit: 1_000_000_000, hourlyLimit: 1_000_000_000 };
const pg = await createHarness(limits);
const lite = await createHarness({ ...limits, databaseUrl: undefined });
const db = rawDatabase(pg.services.store);
const usage = pg.services.usage;
const coalesced = usage.take.bind(usage);

/** One request's takes as the server counted them before decision 0037: its own statement. */
async function single(request: TakeRequest): Promise<Takes> {
  const hour = hourOf(request.now);
  const keys = windowHours(hour).map((h) => `d:${request.orgId}:${h}`);
  const call = (exclusive: boolean) =>
    sql<{
      daily_ok: boolean | null;
      daily_used: number;
      hourly_ok: boolean | null;
      hourly_used: number;
      retry: boolean;
    }>`
      select * from chatterbox_take_quota_2(${`d-lock:${request.orgId}`}, ${keys}::text[], ${request.dailyLimit ?? null}::bigint,
      ${(hour + 24) * 3_600_000}::bigint, ${`h:${request.userId}:${request.appId}:${hour}`}::text,
      ${request.hourlyLimit ?? null}::bigint, ${(hour + 1) * 3_600_000}::bigint, ${exclusive})`.execute(db);
  let row = (await call(false)).rows[0];
  if (row?.retry) row = (await call(true)).rows[0];
  const takes: Takes = {};
  // The bench's limits are never reached: no Retry-After to compute.
  if (row?.daily_ok != null)
    takes.daily = { ok: row.daily_ok, used: Number(row.daily_used), retryAfterMs: 0 };
  if (row?.hourly_ok != null)
    takes.hourly = { ok: row.hourly_ok, used: Number(row.hourly_used), retryAfterMs: 0 };
  return takes;
}

// Requests per quota statement: the dialect's call, counted.
const dialect = postgresDialect as { takeQuotas: typeof postgresDialect.takeQuotas };
const takeQuotas = dialect.takeQuotas;
const batches = { calls: 0, takes: 0 };
dialect.takeQuotas =
  takeQuotas &&
  ((conn, batch) => {
    batches.calls++;
    batches.takes += batch.takes.length;
    return takeQuotas(conn, batch);
  });

/** CPU so far of each PostgreSQL backend of the deployment's schema, in µs (ticks of 10 ms). */
async function backendsCpuUs(): Promise<Map<number, number>> {
  const { rows } = await sql<{ pid: number }>`select pid from pg_stat_activity
    where application_name = ${`chatterbox/${pg.config.pgSchema}`.slice(0, 63)}`.execute(db);
  const cpu = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      cpu.set(pid, ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100);
    } catch {
      // The backend ended meanwhile.
    }
  }
  return cpu;
}

/** pg-coalesced, round by round (pg-single makes one statement per request). */
const perStatement: number[] = [];
try {
  const urls = { pg: await pg.listen(), lite: await lite.listen() };
  const tokens = { pg: await pg.login('alice@acme.example'), lite: await lite.login('alice@acme.example') };
  let counting: { mode: string; calls: number; takes: number } | undefined;
  const settle = () => {
    if (counting?.mode !== 'pg-coalesced') return;
    const takes = batches.takes - counting.takes;
    perStatement.push(Math.round((takes / Math.max(batches.calls - counting.calls, 1)) * 100) / 100);
  };
  const results = await abRounds({
    modes: ['sqlite', 'pg-single', 'pg-coalesced'] as const,
    ...flags,
    otherCpuUs: backendsCpuUs,
    prepare: (mode) => {
      settle();
      usage.take = mode === 'pg-single' ? single : coalesced;
      counting = { mode, ...batches };
    },
    request: (mode) => {
      const at = mode === 'sqlite' ? 'lite' : 'pg';
      return {
        url: `${urls[at]}/services/data/v36.0/chatter/users/me`,
        headers: [`authorization=Bearer ${tokens[at]}`],
      };
    },
  });
  settle();
  process.stdout.write(
    `${JSON.stringify({ ...results, coalescedRequestsPerQuotaStatement: perStatement })}\n`,
  );
} finally {
  usage.take = coalesced;
  dialect.takeQuotas = takeQuotas;
  await pg.close();
  await lite.close();
}
