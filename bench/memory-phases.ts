/**
 * Where the server's memory goes, phase by phase: starts `chatterbox serve --demo` as the bench
 * does (the built bin, default flags), then runs the bench's request mixes one after the other and
 * prints VmRSS (now) and VmHWM (peak since start) of the server process after each, from /proc.
 *
 *   node --import tsx bench/memory-phases.ts [--store sqlite|postgres|postgres+redis]
 *     [--database-url postgres://…] [--redis-url redis://…] [--posts N] [--duration S]
 *     [--warmup S] [--repeat N] [--generator wrk|autocannon] [--node-flags='--require x.cjs']
 *
 * `--warmup 3 --repeat 3 --duration 10 --generator wrk` runs each phase as the full bench does.
 * `--node-flags` starts the server with those Node flags (e.g. a debug preload); none by default.
 * `--maps` prints, after each phase, every mapping with 1 MB or more resident, by address: glibc's
 * arenas (one per thread, 64 MB reserved each) show as separate mappings, so the scrypt thread's
 * 16 MB or the main thread's heap (SQLite's page cache) can be told apart.
 *
 * With --posts, the store is first filled by `chatterbox seed --posts N` (its own process, as in
 * (f)) and the feed pages of (f) are run too.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  type BenchStore,
  BUILT_CLI,
  login,
  postgresStore,
  seedPosts,
  sqliteStore,
  startChatterbox,
} from './lib/chatterbox.js';
import {
  batchOf25,
  feedPage,
  oneByOne,
  passwordLogin,
  postFeedElement,
  twentyFiveGets,
  usersMe,
} from './lib/chatterbox-scenarios.js';
import { type GeneratorName, type LoadSettings, measure } from './lib/load.js';
import type { ScenarioDef } from './lib/scenarios.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    store: { type: 'string', default: 'sqlite' },
    'database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
    'redis-url': { type: 'string', default: 'redis://127.0.0.1:6379' },
    posts: { type: 'string' },
    duration: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '0' },
    repeat: { type: 'string', default: '1' },
    generator: { type: 'string', default: 'autocannon' },
    'node-flags': { type: 'string', default: '' },
    maps: { type: 'boolean', default: false },
  },
});
const settings: LoadSettings = {
  connections: 10,
  durationS: Number(args.duration),
  warmupS: Number(args.warmup),
  repeat: Number(args.repeat),
  generator: args.generator as GeneratorName,
};
const [node, ...bin] = BUILT_CLI;
const cli = [node as string, ...(args['node-flags'] as string).split(' ').filter(Boolean), ...bin];

function memory(pid: number): string {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const mb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0) / 1024;
  return `RSS ${mb('VmRSS').toFixed(0)} MB, peak ${mb('VmHWM').toFixed(0)} MB, threads ${/^Threads:\s+(\d+)/m.exec(status)?.[1]}`;
}

/** Resident kB by mapping (anonymous mappings by size class), largest first. */
function residentByMapping(pid: number): [string, number][] {
  const totals = new Map<string, number>();
  let name = '';
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const header = /^[0-9a-f]+-[0-9a-f]+ (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (header) {
      const [start, end] = line
        .split(' ')[0]
        ?.split('-')
        .map((x) => Number.parseInt(x, 16)) ?? [0, 0];
      const mb = ((end ?? 0) - (start ?? 0)) / 1048576;
      name = header[2] || (mb >= 1 ? `[anon ${header[1]} ${mb.toFixed(1)} MB]` : '[anon < 1 MB]');
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) totals.set(name, (totals.get(name) ?? 0) + Number(rss[1]));
  }
  return [...totals].sort((a, b) => b[1] - a[1]);
}

/** Mappings with at least 1 MB resident, in address order, as [address range, perms, name]. */
function residentMappings(pid: number): [string, number][] {
  const rows: [string, number][] = [];
  let where = '';
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const header = /^([0-9a-f]+-[0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (header) where = `${header[1]} ${header[2]} ${header[3] || '[anon]'}`;
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss && Number(rss[1]) >= 1024) rows.push([where, Number(rss[1])]);
  }
  return rows;
}

const makeStore: () => BenchStore =
  args.store === 'sqlite'
    ? sqliteStore
    : () =>
        postgresStore(
          args['database-url'] as string,
          args.store === 'postgres+redis' ? args['redis-url'] : undefined,
        );
const store = makeStore();
const posts = args.posts === undefined ? undefined : Number(args.posts);
let seeded: Awaited<ReturnType<typeof seedPosts>> | undefined;
if (posts !== undefined) {
  seeded = await seedPosts(BUILT_CLI, store, posts, root);
  console.log(`seeded ${posts} posts: ${seeded.status}`);
}
const server = await startChatterbox(cli, store, { cwd: root });
console.log(
  `load ${loadavg()[0]?.toFixed(1)}; ${args.store}; started in ${server.startupMs.toFixed(0)} ms: ${memory(server.pid)}`,
);
try {
  const token = await login(server, 'alice@acme.example');
  console.log(`after one login: ${memory(server.pid)}`);
  const list = await fetch(`${server.url}/services/data/v36.0/chatter/users?pageSize=25`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const ids = ((await list.json()) as { users: { id: string }[] }).users.map((u) => u.id);
  const kind = store.kind;
  const phases: [string, ScenarioDef][] = [];
  if (seeded?.status === 'seeded') {
    phases.push(['f news', feedPage(kind, token, posts ?? 0, 'f')]);
    for (const feed of ['record', 'topic', 'stream'] as const) {
      const id = { record: seeded.recordId, topic: seeded.topicId, stream: seeded.streamId }[feed];
      if (id) phases.push([`f ${feed}`, feedPage(kind, token, posts ?? 0, 'f', { kind: feed, id })]);
    }
  } else {
    phases.push(
      ['a users/me', usersMe(kind, token)],
      ['d batch', batchOf25(kind, token, twentyFiveGets(ids))],
      ['d single', oneByOne(kind, token, twentyFiveGets(ids))],
      ['c post', postFeedElement(kind, token)],
      ['e login', passwordLogin(kind)],
      ['a users/me again', usersMe(kind, token)],
    );
  }
  for (const [name, def] of phases) {
    const m = await measure(server, def.load, settings);
    console.log(
      `${name}: ${m.requestsPerSecond.toFixed(0)} req/s, server CPU ${m.serverCpuUsPerRequest?.toFixed(0)} µs/req, non-2xx ${m.non2xx}, sampled peak ${m.rssPeakMb.toFixed(0)} MB; ${memory(server.pid)}`,
    );
    if (args.maps)
      for (const [where, kb] of residentMappings(server.pid))
        console.log(`  ${(kb / 1024).toFixed(1).padStart(7)} MB  ${where}`);
  }
  console.log(`where the resident memory is (/proc/${server.pid}/smaps):`);
  for (const [name, kb] of residentByMapping(server.pid).slice(0, 25))
    console.log(`  ${(kb / 1024).toFixed(1).padStart(7)} MB  ${name}`);
  if (process.env.MEMPROBE_HOLD_S) {
    console.log(`holding ${server.pid}`);
    await new Promise((resolve) => setTimeout(resolve, Number(process.env.MEMPROBE_HOLD_S) * 1000));
  }
} finally {
  await server.stop();
  await store.dispose();
}
