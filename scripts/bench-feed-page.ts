/**
 * Feed page time with few and with many stored posts, on SQLite and PostgreSQL, and the plans of
 * the page queries (do they walk the keyset indexes?). Not a test: run it by hand and read it.
 *
 *   node --import tsx scripts/bench-feed-page.ts [--posts 1000,1000000] [--stores sqlite,postgres]
 *        [--database-url postgres://postgres@127.0.0.1:5432/cbbench] [--runs 30]
 *
 * Each store starts empty, gets the demo org, then `seedPosts` (the `chatterbox seed` command) adds
 * the posts; requests go through the whole app in-process (pipeline, domain, store, presenters).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { CompiledQuery, Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { type Config, defaults } from '../src/config.js';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PASSWORD } from '../src/demo/demo-org.js';
import { seedPosts } from '../src/demo/seed-posts.js';
import { FeedViews } from '../src/domain/feed-views.js';
import { FeedService } from '../src/domain/feeds.js';
import { UserService } from '../src/domain/users.js';
import { buildApp } from '../src/http/app.js';
import { createRuntime } from '../src/main.js';
import { dropPostgresSchema, postgresDialect } from '../src/store/dialects/postgres.js';
import { sqliteDialect } from '../src/store/dialects/sqlite.js';
import type { Database } from '../src/store/schema.js';
import { Store } from '../src/store/store.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] as string) : fallback;
};
const sizes = arg('posts', '1000,1000000').split(',').map(Number);
const stores = arg('stores', 'sqlite,postgres').split(',') as ('sqlite' | 'postgres')[];
const databaseUrl = arg('database-url', 'postgres://postgres@127.0.0.1:5432/cbbench');
const runs = Number(arg('runs', '30'));

const out = (line = '') => process.stdout.write(`${line}\n`);

for (const kind of stores) {
  for (const posts of sizes) await bench(kind, posts);
}

async function bench(kind: 'sqlite' | 'postgres', posts: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cb-bench-'));
  const schema = `bench_${process.pid}_${posts}`;
  const config: Config = {
    ...defaults,
    db: join(dir, 'bench.db'),
    databaseUrl: kind === 'postgres' ? databaseUrl : undefined,
    pgSchema: schema,
    demo: true,
    adminToken: 'bench',
    adminTokenGenerated: false,
    logLevel: 'silent',
    hourlyLimit: 1_000_000,
    dailyLimit: 1_000_000,
  };
  const runtime = await createRuntime(config);
  const { store, clock } = runtime.services;
  const started = performance.now();
  await seedPosts(store, clock, { posts });
  const seedSeconds = (performance.now() - started) / 1000;
  if (kind === 'postgres') await store.db.executeQuery(CompiledQuery.raw('analyze'));
  else await store.db.executeQuery(CompiledQuery.raw('analyze'));
  const app = await buildApp(runtime.services, { logger: false, reset: runtime.reset });
  await app.ready();
  const login = await app.inject({
    method: 'POST',
    url: '/services/oauth2/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({
      grant_type: 'password',
      client_id: DEMO_CLIENT_ID,
      client_secret: DEMO_CLIENT_SECRET,
      username: 'alice@acme.example',
      password: DEMO_PASSWORD,
    }).toString(),
  });
  const token = login.json().access_token as string;
  const get = async (url: string) => {
    const response = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
    if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode} ${response.body}`);
    return response.json();
  };
  const allAcme = (
    await store.db.selectFrom('groups').select('id').where('name', '=', 'All Acme').executeTakeFirstOrThrow()
  ).id;
  const base = '/services/data/v36.0/chatter';
  // A deep page: follow nextPageUrl twenty times first.
  let deep = `${base}/feeds/news/me/feed-elements`;
  for (let i = 0; i < 20; i++) {
    const next = (await get(deep)).nextPageUrl as string | null;
    if (!next) break;
    deep = next;
  }
  const cases: [string, string][] = [
    ['news, first page', `${base}/feeds/news/me/feed-elements`],
    ['news, 21st page', deep],
    ['news, LastModifiedDateDesc', `${base}/feeds/news/me/feed-elements?sort=LastModifiedDateDesc`],
    ['company', `${base}/feeds/company/feed-elements`],
    ['record (All Acme)', `${base}/feeds/record/${allAcme}/feed-elements`],
    ['user-profile/me', `${base}/feeds/user-profile/me/feed-elements`],
    ['to/me', `${base}/feeds/to/me/feed-elements`],
  ];
  out(`\n## ${kind}, ${posts.toLocaleString('en')} seeded posts (seeded in ${seedSeconds.toFixed(1)} s)\n`);
  out('| request (25 elements, 3 comments each) | median ms | p95 ms |');
  out('|---|---|---|');
  for (const [label, url] of cases) {
    for (let i = 0; i < 3; i++) await get(url);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await get(url);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const at = (q: number) =>
      (times[Math.min(times.length - 1, Math.floor(q * times.length))] as number).toFixed(1);
    out(`| ${label} | ${at(0.5)} | ${at(0.95)} |`);
  }
  await explain(kind, config, store.kind === 'postgres' ? schema : join(dir, 'bench.db'), deep);
  await app.close();
  await runtime.close();
  if (kind === 'postgres') await dropPostgresSchema(databaseUrl, schema);
  rmSync(dir, { recursive: true, force: true });
}

/** The plans of the page queries, captured from a second store on the same data that logs its SQL. */
async function explain(kind: 'sqlite' | 'postgres', config: Config, where: string, deepUrl: string) {
  const captured: { sql: string; parameters: readonly unknown[] }[] = [];
  const log = (event: { level: string; query: { sql: string; parameters: readonly unknown[] } }) => {
    if (event.level === 'query') captured.push(event.query);
  };
  const db =
    kind === 'postgres'
      ? new Kysely<Database>({
          dialect: new PostgresDialect({
            pool: new pg.Pool({
              connectionString: databaseUrl,
              max: 2,
              options: `-c search_path="${where}"`,
            }),
          }),
          log,
        })
      : new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(where) }), log });
  const store = new Store(db, kind === 'postgres' ? postgresDialect : sqliteDialect, config.idInstance);
  const users = new UserService(store, { now: () => Date.now() } as never);
  const feeds = new FeedService(
    store,
    users,
    new FeedViews(store, { now: () => Date.now() } as never, users),
  );
  const alice = await store.users.findByUsername('alice@acme.example');
  if (!alice) throw new Error('no alice');
  const viewer = { user: alice, orgId: alice.orgId, appId: null, isGuest: false, tokenHash: null };
  const page = new URL(deepUrl, 'http://x').searchParams.get('page') ?? undefined;
  for (const [label, type, subject, sort, token] of [
    ['news, first page', 'news', 'me', 'CreatedDateDesc', undefined],
    ['news, 21st page', 'news', 'me', 'CreatedDateDesc', page],
    ['news, LastModifiedDateDesc', 'news', 'me', 'LastModifiedDateDesc', undefined],
    ['company', 'company', null, 'CreatedDateDesc', undefined],
    ['to/me', 'to', 'me', 'CreatedDateDesc', undefined],
    ['user-profile/me', 'user-profile', 'me', 'CreatedDateDesc', undefined],
  ] as const) {
    captured.length = 0;
    await feeds.elements(viewer, { community: null }, type, subject, {
      sort,
      page: token,
      pageSize: 25,
      recentCommentCount: 3,
    });
    const query = captured.find((q) => /from "?feed_elements"? as "?fe"?/.test(q.sql) && /limit/.test(q.sql));
    if (!query) continue;
    out(`\n### plan: ${label} (${kind})\n`);
    out('```');
    const plan = await db.executeQuery<Record<string, unknown>>(
      CompiledQuery.raw(
        kind === 'postgres'
          ? `explain (analyze, costs off, buffers off, summary on) ${query.sql}`
          : `explain query plan ${query.sql}`,
        [...query.parameters],
      ),
    );
    for (const row of plan.rows) out(String(row['QUERY PLAN'] ?? row.detail));
    out('```');
  }
  await db.destroy();
}
