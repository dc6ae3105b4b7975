// `npm run bench [-- --quick] [-- --database-url postgres://…] [-- --scenarios a,e] [-- --no-baselines]
// [-- --repeat N] [-- --duration S] [-- --connections N]`:
// builds (the npm script), then measures Chatterbox and the baselines and writes the report.
import { execSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { baselines } from './lib/baselines.js';
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
import type { LoadSettings } from './lib/load.js';
import type { ServerProcess } from './lib/processes.js';
import { renderChart, renderReport } from './lib/report.js';
import type { BenchResults, SeedResult, StartupResult } from './lib/results.js';
import {
  NOT_AVAILABLE,
  notRun,
  runScenario,
  type ScenarioKey,
  type ScenarioResult,
} from './lib/scenarios.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'database-url': { type: 'string' },
    scenarios: { type: 'string', default: 'a,b,c,d,e,f' },
    'no-baselines': { type: 'boolean', default: false },
    duration: { type: 'string' },
    connections: { type: 'string' },
    repeat: { type: 'string' },
  },
});

const quick = args.quick as boolean;
const settings: LoadSettings = {
  connections: Number(args.connections ?? 10),
  durationS: Number(args.duration ?? (quick ? 2 : 10)),
  warmupS: quick ? 1 : 3,
  repeat: Number(args.repeat ?? (quick ? 1 : 3)),
};
/** Store sizes of the curve (f); (b) is the feed page at FEED_POSTS. */
const CURVE_POSTS = quick ? [1_000, 10_000] : [1_000, 100_000, 1_000_000];
const FEED_POSTS = quick ? 10_000 : 100_000;
const wanted = new Set((args.scenarios as string).split(',').map((s) => s.trim()) as ScenarioKey[]);

const results: BenchResults = {
  meta: {
    startedAt: new Date().toISOString(),
    finishedAt: '',
    mode: quick ? 'quick' : 'full',
    commit: commitLabel(),
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown CPU',
    memoryGb: totalmem() / 1024 ** 3,
    loadAverage: loadavg(),
    versions: versionsOf(['autocannon', 'fastify', 'json-server', '@stoplight/prism-cli']),
    feedPosts: FEED_POSTS,
    curvePosts: CURVE_POSTS,
  },
  settings,
  startups: [],
  seeds: [],
  scenarios: [],
};
const workDir = mkdtempSync(join(tmpdir(), 'chatterbox-bench-work-'));

function log(message: string): void {
  process.stdout.write(`[bench] ${message}\n`);
}

function record(result: ScenarioResult): void {
  results.scenarios.push(result);
  const m = result.measurement;
  const where = result.target === 'chatterbox' ? `chatterbox/${result.store}` : result.target;
  log(
    m
      ? `${where} ${result.id}: ${m.requestsPerSecond.toFixed(0)} req/s, p50 ${m.latencyP50Ms} ms, p99 ${m.latencyP99Ms} ms, ` +
          `non-2xx ${m.non2xx}, errors ${m.errors + m.timeouts}, RSS peak ${m.rssPeakMb.toFixed(0)} MB, ` +
          `server CPU ${m.serverCpuUsPerRequest?.toFixed(0)} µs/req, others ${m.cpu?.othersPct.toFixed(0)} %`
      : `${where} ${result.id}: ${result.reason}`,
  );
}

function startup(server: ServerProcess, target: string, condition: string, store?: BenchStore['kind']) {
  const entry: StartupResult = {
    target,
    store,
    condition,
    ms: server.startupMs,
    idleRssMb: server.idleRssMb,
  };
  results.startups.push(entry);
  log(`${target}${store ? `/${store}` : ''} up in ${server.startupMs.toFixed(0)} ms (${condition})`);
}

/** Scenarios (a), (c), (d), (e) on one demo store; returns the users/me body for the baselines. */
async function demoStoreScenarios(makeStore: () => BenchStore): Promise<Record<string, unknown> | undefined> {
  const store = makeStore();
  let usersMeBody: Record<string, unknown> | undefined;
  try {
    let server = await startChatterbox(BUILT_CLI, store, { cwd: root });
    startup(server, 'chatterbox', 'empty store, `--demo` (migrate, seed the demo org)', store.kind);
    try {
      const token = await login(server, 'alice@acme.example');
      if (wanted.has('a')) {
        const { result, probeBody } = await runScenario(server, usersMe(store.kind, token), settings);
        record(result);
        if (result.status === 'measured') usersMeBody = probeBody as Record<string, unknown>;
      }
      if (wanted.has('d')) {
        const list = await fetch(`${server.url}/services/data/v36.0/chatter/users?pageSize=25`, {
          headers: { authorization: `Bearer ${token}` },
        });
        const ids = ((await list.json()) as { users: { id: string; isActive: boolean }[] }).users
          .filter((u) => u.isActive)
          .map((u) => u.id);
        const gets = twentyFiveGets(ids);
        record((await runScenario(server, batchOf25(store.kind, token, gets), settings)).result);
        record((await runScenario(server, oneByOne(store.kind, token, gets), settings)).result);
      }
      if (wanted.has('c'))
        record((await runScenario(server, postFeedElement(store.kind, token), settings)).result);
      if (wanted.has('e')) record((await runScenario(server, passwordLogin(store.kind), settings)).result);
    } finally {
      await server.stop();
    }
    // The same store again: start-up without the first-run work.
    server = await startChatterbox(BUILT_CLI, store, { cwd: root });
    startup(server, 'chatterbox', 'existing store', store.kind);
    await server.stop();
  } finally {
    await store.dispose();
  }
  return usersMeBody;
}

/** (b) and (f): the news-feed page on stores of growing size, each seeded by `chatterbox seed`. */
async function feedScenarios(makeStore: () => BenchStore, kind: BenchStore['kind']): Promise<void> {
  let unavailable = false;
  for (const posts of CURVE_POSTS) {
    const isB = posts === FEED_POSTS && wanted.has('b');
    const rows = [
      ...(wanted.has('f') ? [feedPage(kind, '', posts, 'f').row] : []),
      ...(isB ? [feedPage(kind, '', posts, 'b').row] : []),
    ];
    if (rows.length === 0) continue;
    const seedRow: SeedResult = { store: kind, posts, status: 'skipped' };
    results.seeds.push(seedRow);
    if (unavailable) {
      seedRow.reason = NOT_AVAILABLE;
      for (const row of rows) record(notRun(row, 'skipped', NOT_AVAILABLE));
      continue;
    }
    const store = makeStore();
    try {
      log(`seeding ${posts} posts (${kind})…`);
      const seeded = await seedPosts(BUILT_CLI, store, posts, root);
      if (seeded.status !== 'seeded') {
        unavailable = seeded.status === 'unavailable';
        const reason =
          seeded.status === 'failed' ? `failed: chatterbox seed: ${seeded.detail}` : NOT_AVAILABLE;
        Object.assign(seedRow, { status: unavailable ? 'skipped' : 'failed', reason });
        for (const row of rows) record(notRun(row, unavailable ? 'skipped' : 'failed', reason));
        continue;
      }
      Object.assign(seedRow, { status: 'seeded', ms: seeded.ms });
      const server = await startChatterbox(BUILT_CLI, store, { cwd: root });
      startup(server, 'chatterbox', `${posts.toLocaleString('en-US')} posts`, kind);
      try {
        const token = await login(server, 'alice@acme.example');
        const { result, probeBody } = await runScenario(server, feedPage(kind, token, posts, 'f'), settings);
        const elements = (probeBody as { elements?: unknown[] }).elements;
        if (result.status === 'measured' && elements?.length !== 25) {
          result.notes = [`the page had ${elements?.length ?? 'no'} elements, not 25`];
        }
        // (b) is the same measurement as the curve's point at FEED_POSTS: run once, reported in both.
        if (wanted.has('f')) record(result);
        if (isB)
          record({
            ...result,
            scenario: 'b',
            id: `b-${posts}`,
            title: feedPage(kind, '', posts, 'b').row.title,
          });
      } finally {
        await server.stop();
      }
    } finally {
      await store.dispose();
    }
  }
}

async function baselineScenarios(body: Record<string, unknown>): Promise<void> {
  const versions = results.meta.versions;
  for (const baseline of baselines(root, workDir, versions)) {
    const { server, path } = await baseline.start(body);
    startup(server, baseline.id, 'serving the users/me body');
    try {
      const def = {
        row: {
          scenario: 'a' as const,
          id: 'a',
          title: `GET users/me-shaped JSON (${baseline.title})`,
          target: baseline.id,
        },
        probe: { method: 'GET' as const, path, expect: 200 },
        load: { path },
      };
      record((await runScenario(server, def, settings)).result);
    } finally {
      await server.stop();
    }
  }
}

function commitLabel(): string {
  try {
    const sha = execSync('git rev-parse --short HEAD', { cwd: root }).toString().trim();
    const dirty = execSync('git status --porcelain --untracked-files=no', { cwd: root }).toString().trim();
    return dirty ? `${sha} + uncommitted changes` : sha;
  } catch {
    return 'unknown';
  }
}

function versionsOf(packages: string[]): Record<string, string> {
  return Object.fromEntries(
    packages.map((name) => {
      const file = join(root, 'node_modules', name, 'package.json');
      return [name, (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version];
    }),
  );
}

async function main(): Promise<void> {
  log(
    `${results.meta.mode} run: ${settings.repeat} × ${settings.durationS} s per scenario after ${settings.warmupS} s warm-up`,
  );
  const stores: [BenchStore['kind'], () => BenchStore][] = [['sqlite', sqliteStore]];
  const databaseUrl = args['database-url'];
  if (databaseUrl) stores.push(['postgres', () => postgresStore(databaseUrl)]);
  let body: Record<string, unknown> | undefined;
  for (const [kind, makeStore] of stores) {
    body = (await demoStoreScenarios(makeStore)) ?? body;
    if (wanted.has('b') || wanted.has('f')) await feedScenarios(makeStore, kind);
  }
  if (!args['no-baselines']) {
    if (body) await baselineScenarios(body);
    else log('baselines not run: scenario (a) gave no users/me body to serve');
  }
  results.meta.finishedAt = new Date().toISOString();

  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const stamp = results.meta.startedAt.replace(/[:.]/g, '-');
  const chartFile = 'feed-scaling.svg';
  writeFileSync(join(dir, `${stamp}.json`), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(dir, chartFile), renderChart(results));
  const report = renderReport(results, chartFile);
  writeFileSync(join(dir, `${stamp}.md`), report);
  writeFileSync(join(dir, 'latest.md'), report);
  log(`wrote bench/results/${stamp}.json, ${stamp}.md, latest.md and ${chartFile}`);
}

try {
  await main();
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
