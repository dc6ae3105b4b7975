/**
 * A/B of builds, flags and stores on users/me: one `chatterbox serve --demo` per target (SQLite
 * unless the target names another store), wrk with 10 connections against each in turn, the
 * order reversed every other round; server CPU µs per request (utime + stime from /proc) per
 * round, and each target's median of its per-round ratios to the first target, by CPU and by
 * req/s (rounds close in time see about the same load from other work, so the ratio is steadier
 * than either figure on a shared machine).
 *
 * A target is `dir;node flags;serve flags`: a directory holding a build (bin/, dist/ and a
 * node_modules), then optional Node flags and `chatterbox serve` flags. Targets are separated by `|`:
 *
 *   node --import tsx bench/users-me-ab.ts --targets '/tmp/base|.|.;--heap-growing-percent=0;--log-level warn' [--rounds 6] [--seconds 3]
 *
 * `--connections N` (10 by default) sets how many connections wrk keeps open; each round prints
 * its req/s and p50.
 *
 * `--posts N` seeds each target's store with `chatterbox seed --posts N` (the target's own build)
 * before it starts, and `--path` names another GET than users/me, e.g. bench (b)'s news page:
 *
 *   … --posts 100000 --path '/services/data/v36.0/chatter/feeds/news/me/feed-elements?pageSize=25'
 *
 * `--batch` sends bench (d)'s batch of 25 GETs instead (POST connect/batch; CPU per batch).
 *
 * A fourth field names the target's store: `sqlite` (the default), `postgres` or `postgres+redis`,
 * on `--database-url` (and `--redis-url`), each target in a fresh schema of its own:
 *
 *   … --database-url postgres://postgres@127.0.0.1:5432/test --targets '.|.;;;postgres'
 */
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { login, postgresStore, seedPosts, sqliteStore, startChatterbox } from './lib/chatterbox.js';
import { batchOf25, twentyFiveGets } from './lib/chatterbox-scenarios.js';
import { prepareLoad } from './lib/load.js';

const { values } = parseArgs({
  options: {
    /** `dir;node flags;serve flags` per server, separated by `|` */
    targets: { type: 'string', default: '.' },
    rounds: { type: 'string', default: '6' },
    seconds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '10' },
    path: { type: 'string', default: '/services/data/v36.0/chatter/users/me' },
    posts: { type: 'string', default: '0' },
    batch: { type: 'boolean', default: false },
    'database-url': { type: 'string' },
    'redis-url': { type: 'string' },
  },
});
const specs = (values.targets as string).split('|').map((t) => t.split(';'));
const targets = [];
for (const [dir = '.', node = '', serve = '', kind = 'sqlite'] of specs) {
  const store = storeOf(kind);
  const cli = [process.execPath, ...node.split(' ').filter(Boolean), 'bin/chatterbox.js'];
  const posts = Number(values.posts);
  if (posts > 0) {
    const seeded = await seedPosts(cli, store, posts, resolve(dir));
    if (seeded.status !== 'seeded') throw new Error(`${dir}: seeding failed (${JSON.stringify(seeded)})`);
  }
  const server = await startChatterbox(cli, store, {
    cwd: resolve(dir),
    extraArgs: serve.split(' ').filter(Boolean),
  });
  const token = await login(server, 'alice@acme.example');
  targets.push({ name: `${dir} ${node} ${serve} ${kind}`.trim(), store, server, token });
}
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
console.log(`load ${load()}`);
const settings = {
  connections: Number(values.connections),
  durationS: Number(values.seconds),
  warmupS: 1,
  generator: 'wrk' as const,
};
try {
  const loads = [];
  for (const t of targets) {
    const headers = { authorization: `Bearer ${t.token}` };
    const spec = values.batch
      ? batchOf25(t.store.kind, t.token, twentyFiveGets(await userIds(t.server.url, headers))).load
      : { path: values.path as string, headers };
    loads.push(prepareLoad(t.server, spec, settings));
  }
  for (const l of loads) await l.warmUp();
  const rows = targets.map(() => ({
    cpu: [] as number[],
    rps: [] as number[],
    p50: [] as number[],
    rss: 0,
    non2xx: 0,
  }));
  for (let round = 0; round < Number(values.rounds); round++) {
    const order = round % 2 === 0 ? loads.map((_, i) => i) : loads.map((_, i) => loads.length - 1 - i);
    for (const i of order) {
      const m = await (loads[i] as (typeof loads)[number]).runOnce();
      const row = rows[i] as (typeof rows)[number];
      row.cpu.push(m.serverCpuUsPerRequest ?? Number.NaN);
      row.rps.push(m.requestsPerSecond);
      row.p50.push(m.latencyP50Ms);
      row.rss = Math.max(row.rss, m.rssPeakMb);
      row.non2xx += m.non2xx;
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
  for (const [i, row] of rows.entries())
    console.log(
      `${targets[i]?.name}: CPU µs/req median ${median(row.cpu).toFixed(0)} [${row.cpu.map((x) => x.toFixed(0)).join(', ')}]; req/s ${row.rps.map((x) => x.toFixed(0)).join(', ')}; p50 ms ${row.p50.map((x) => x.toFixed(2)).join(', ')}; peak RSS ${row.rss.toFixed(0)} MB; non-2xx ${row.non2xx}`,
    );
  const base = rows[0] as (typeof rows)[number];
  for (const [i, row] of rows.entries())
    if (i > 0)
      console.log(
        `${targets[i]?.name} ÷ ${targets[0]?.name}: CPU per request, median of the per-round ratios ${median(row.cpu.map((x, r) => x / (base.cpu[r] ?? Number.NaN))).toFixed(3)}; req/s ${median(row.rps.map((x, r) => x / (base.rps[r] ?? Number.NaN))).toFixed(3)}`,
      );
  console.log(`load ${load()}`);
} finally {
  for (const t of targets) {
    await t.server.stop();
    await t.store.dispose();
  }
}

function storeOf(kind: string) {
  if (kind === 'sqlite') return sqliteStore();
  const url = values['database-url'];
  if (!url || (kind !== 'postgres' && kind !== 'postgres+redis'))
    throw new Error(`${kind}: a store needs sqlite, or postgres or postgres+redis with --database-url`);
  const redis = kind === 'postgres+redis' ? values['redis-url'] : undefined;
  if (kind === 'postgres+redis' && !redis) throw new Error('postgres+redis needs --redis-url');
  return postgresStore(url, redis);
}

async function userIds(url: string, headers: Record<string, string>): Promise<string[]> {
  const list = await fetch(`${url}/services/data/v36.0/chatter/users?pageSize=25`, { headers });
  return ((await list.json()) as { users: { id: string }[] }).users.map((u) => u.id);
}
