/**
 * What one quota take costs on PostgreSQL, before (migration 004: the org's advisory lock taken
 * exclusively, a logged table) and after (migration 013: shared lock far from the limit, an
 * unlogged table), measured back to back in one process, alternating rounds so both see the same
 * load from other work:
 *   - statements per take (the store's query counter; load-independent);
 *   - WAL records and bytes per take (`EXPLAIN (ANALYZE, WAL)` of the call; load-independent);
 *   - takes per second for one org, and for `--orgs` orgs, from `--connections` concurrent callers
 *     (load-dependent: compare the two rows of one run only).
 *
 *   node --import tsx bench/quota-costs.ts [--database-url postgres://…] [--takes 3000] [--rounds 3]
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { StoreUsageCounters } from '../src/limits/store-usage.js';
import { dropPostgresSchema } from '../src/store/dialects/postgres.js';
import { migrate, openStore } from '../src/store/open-store.js';
import { rawDatabase } from '../src/store/raw-database.js';

const { values } = parseArgs({
  options: {
    'database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
    takes: { type: 'string', default: '3000' },
    connections: { type: 'string', default: '16' },
    orgs: { type: 'string', default: '16' },
    rounds: { type: 'string', default: '3' },
  },
});
const url = values['database-url'] as string;
const takes = Number(values.takes);
const connections = Number(values.connections);
const manyOrgs = Number(values.orgs);
const LIMIT = 1_000_000_000;
const schemas = ['before', 'after'].map((m) => `qcost_${m}_${process.pid}_${randomBytes(3).toString('hex')}`);
const stores = await Promise.all(
  schemas.map((pgSchema) =>
    openStore({ sqlitePath: ':memory:', databaseUrl: url, pgSchema, idInstance: 'Cb' }),
  ),
);
type Mode = 'before' | 'after';
const [before, after] = stores as [(typeof stores)[0], (typeof stores)[0]];

/** The raw call of one mode's function for one take of org `org`, user `user`. */
function call(mode: Mode, org: number, user: number, explain = false) {
  const hour = Math.floor(Date.now() / 3_600_000);
  const keys = Array.from({ length: 24 }, (_, i) => `d:00D${org}:${hour - 23 + i}`);
  const args = sql`${`d-lock:00D${org}`}, ${keys}::text[], ${LIMIT}::bigint, ${(hour + 24) * 3_600_000}::bigint,
    ${`h:005${user}:app:${hour}`}::text, ${LIMIT}::bigint, ${(hour + 1) * 3_600_000}::bigint`;
  const fn =
    mode === 'before'
      ? sql`select * from chatterbox_take_quota(${args})`
      : sql`select * from chatterbox_take_quota_2(${args}, false)`;
  const db = rawDatabase(mode === 'before' ? before : after);
  return (explain ? sql<{ 'QUERY PLAN': string }>`explain (analyze, wal, format text) ${fn}` : fn).execute(
    db,
  );
}

async function throughput(mode: Mode, orgs: number): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < takes) {
        const i = next++;
        await call(mode, i % orgs, i % 50);
      }
    }),
  );
  return Math.round((takes / (performance.now() - t0)) * 1000);
}

try {
  for (const store of stores) await migrate(store);
  // Before: the table as migration 004 left it.
  await sql`alter table usage_counters set logged`.execute(rawDatabase(before));
  const q0 = after.queries.count;
  const usage = new StoreUsageCounters(after);
  const now = Date.now();
  for (let i = 0; i < 100; i++)
    await usage.take({
      orgId: '00D0',
      userId: '0050',
      appId: 'app',
      now,
      dailyLimit: LIMIT,
      hourlyLimit: LIMIT,
    });
  const statements = (after.queries.count - q0 - 1) / 100; // minus the hourly sweep of expired buckets
  const rows: Record<string, unknown>[] = [];
  for (const mode of ['before', 'after'] as Mode[]) {
    await call(mode, 0, 0);
    const plan = await call(mode, 0, 0, true);
    const lines = (plan.rows as { 'QUERY PLAN': string }[]).map((r) => r['QUERY PLAN']);
    const wal = lines.find((l) => l.includes('WAL:')) ?? 'WAL: none';
    rows.push({ mode, wal: wal.trim(), oneOrg: [] as number[], [`${manyOrgs}Orgs`]: [] as number[] });
  }
  // PostgreSQL's own CPU per call: one pinned connection, its backend's utime + stime from /proc
  // (this machine runs PostgreSQL locally), over `takes` calls; `select 1` is the round-trip floor.
  for (const row of rows) {
    const mode = row.mode as Mode;
    row.backendCpuUsPerCall = await rawDatabase(mode === 'before' ? before : after)
      .connection()
      .execute(async (conn) => {
        const pid = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(conn)).rows[0]?.pid;
        const cpu = () => {
          const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
          return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100; // clock ticks of 10 ms
        };
        const hour = Math.floor(Date.now() / 3_600_000);
        const keys = Array.from({ length: 24 }, (_, i) => `d:00D9:${hour - 23 + i}`);
        const args = sql`${'d-lock:00D9'}, ${keys}::text[], ${LIMIT}::bigint, ${(hour + 24) * 3_600_000}::bigint,
          ${`h:0059:app:${hour}`}::text, ${LIMIT}::bigint, ${(hour + 1) * 3_600_000}::bigint`;
        const fn =
          mode === 'before'
            ? sql`select * from chatterbox_take_quota(${args})`
            : sql`select * from chatterbox_take_quota_2(${args}, false)`;
        const c0 = cpu();
        for (let i = 0; i < takes; i++) await fn.execute(conn);
        const c1 = cpu();
        for (let i = 0; i < takes; i++) await sql`select 1`.execute(conn);
        const c2 = cpu();
        return { take: Math.round((c1 - c0) / takes), select1: Math.round((c2 - c1) / takes) };
      });
  }
  // The same for `chatterbox_take_quotas` (migration 019, decision 0037): PostgreSQL CPU per take
  // when k takes go in one call (k = 1 is a lone request's call), against migration 013's call
  // (`single`), on one connection, rounds alternating.
  const coalesced: Record<string, number[]> = { single: [], k1: [], k4: [], k8: [], k16: [] };
  await rawDatabase(after)
    .connection()
    .execute(async (conn) => {
      const pid = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(conn)).rows[0]?.pid;
      const cpu = () => {
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
        return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100;
      };
      const hour = Math.floor(Date.now() / 3_600_000);
      const keys = Array.from({ length: 24 }, (_, i) => `d:00D8:${hour - 23 + i}`);
      const single = sql`select * from chatterbox_take_quota_2(${'d-lock:00D8'}, ${keys}::text[], ${LIMIT}::bigint,
        ${(hour + 24) * 3_600_000}::bigint, ${`h:0050:app:${hour}`}::text, ${LIMIT}::bigint,
        ${(hour + 1) * 3_600_000}::bigint, false)`;
      for (let round = 0; round < Number(values.rounds); round++) {
        for (const k of [0, 1, 4, 8, 16]) {
          const users = Array.from({ length: Math.max(k, 1) }, (_, i) => `h:005${i}:app:${hour}`);
          const fn =
            k === 0
              ? single
              : sql`select * from chatterbox_take_quotas(${'d-lock:00D8'}, ${keys}::text[],
                ${(hour + 24) * 3_600_000}::bigint, ${users.map(() => LIMIT)}::bigint[], ${users}::text[],
                ${users.map(() => LIMIT)}::bigint[], ${(hour + 1) * 3_600_000}::bigint, false)`;
          const calls = Math.ceil(takes / Math.max(k, 1));
          const c0 = cpu();
          for (let i = 0; i < calls; i++) await fn.execute(conn);
          coalesced[k === 0 ? 'single' : `k${k}`]?.push(Math.round((cpu() - c0) / (calls * Math.max(k, 1))));
        }
      }
    });
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const row of rows) {
      (row.oneOrg as number[]).push(await throughput(row.mode as Mode, 1));
      (row[`${manyOrgs}Orgs`] as number[]).push(await throughput(row.mode as Mode, manyOrgs));
    }
  }
  process.stdout.write(
    `${JSON.stringify({ statementsPerTakeAfter: statements, connections, takesPerRound: takes, rows, coalescedBackendCpuUsPerTake: coalesced }, null, 1)}\n`,
  );
} finally {
  for (const store of stores) await store.close();
  for (const schema of schemas) await dropPostgresSchema(url, schema);
}
