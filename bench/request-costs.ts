/**
 * What one request costs the shared services, independent of machine load: store statements
 * (round trips; the store's query counter), Redis commands (INFO's total_commands_processed, the
 * lowest of three tries so other clients of the Redis barely count) and, on PostgreSQL, rows
 * written and WAL bytes (pg_current_wal_insert_lsn, lowest of three tries: other databases' work
 * adds to it). In-process (Fastify inject), one server, the demo org.
 *
 *   node --import tsx bench/request-costs.ts [--database-url postgres://…] [--redis-url redis://…]
 */
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { sql } from 'kysely';

const { values } = parseArgs({
  options: {
    'database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
    'redis-url': { type: 'string', default: 'redis://127.0.0.1:6379' },
    requests: { type: 'string', default: '200' },
  },
});
const N = Number(values.requests);
process.env.CHATTERBOX_TEST_DATABASE_URL = values['database-url'];
process.env.CHATTERBOX_TEST_STORE = 'postgres';
const { createHarness } = await import('../test/helpers/harness.js');
const { rawDatabase } = await import('../src/store/raw-database.js');
const V = '/services/data/v36.0';

const redis = new Redis(values['redis-url'] as string);
const commands = async () =>
  Number(/total_commands_processed:(\d+)/.exec(await redis.info('stats'))?.[1] ?? Number.NaN);

for (const withRedis of [false, true]) {
  const h = await createHarness(withRedis ? { redisUrl: values['redis-url'] } : {});
  try {
    const db = rawDatabase(h.services.store);
    const token = await h.login('alice@acme.example');
    const me = await h.request({ method: 'GET', url: `${V}/chatter/users/me`, token });
    const ids = [(me.json() as { id: string }).id];
    const routes: [string, () => Promise<unknown>][] = [
      ['GET chatter/users/me', () => h.request({ method: 'GET', url: `${V}/chatter/users/me`, token })],
      [
        'GET news feed page of 25',
        () =>
          h.request({ method: 'GET', url: `${V}/chatter/feeds/news/me/feed-elements?pageSize=25`, token }),
      ],
      [
        'POST connect/batch of 25 users/me',
        () =>
          h.request({
            method: 'POST',
            url: `${V}/connect/batch`,
            token,
            payload: {
              batchRequests: Array.from({ length: 25 }, () => ({
                method: 'GET',
                url: `v36.0/chatter/users/${ids[0]}`,
              })),
            },
          }),
      ],
    ];
    for (const [name, call] of routes) {
      for (let i = 0; i < 5; i++) await call();
      const statements: number[] = [];
      const redisCommands: number[] = [];
      const walBytes: number[] = [];
      for (let attempt = 0; attempt < 3; attempt++) {
        const lsn0 = (await sql<{ l: string }>`select pg_current_wal_insert_lsn()::text as l`.execute(db))
          .rows[0]?.l;
        const c0 = await commands();
        const q = await h.countQueries(async () => {
          for (let i = 0; i < N; i++) await call();
        });
        const c1 = await commands();
        const wal = await sql<{
          b: string;
        }>`select pg_wal_lsn_diff(pg_current_wal_insert_lsn(), ${lsn0}::pg_lsn) as b`.execute(db);
        statements.push(q / N);
        redisCommands.push((c1 - c0 - 1) / N);
        walBytes.push(Number(wal.rows[0]?.b) / N);
      }
      process.stdout.write(
        `${JSON.stringify({
          store: withRedis ? 'postgres+redis' : 'postgres',
          request: name,
          statementsPerRequest: Math.min(...statements),
          redisCommandsPerRequest: withRedis ? Math.min(...redisCommands) : 0,
          walBytesPerRequestUpperBound: Math.round(Math.min(...walBytes)),
        })}\n`,
      );
    }
  } finally {
    await h.close();
  }
}
await redis.quit();
