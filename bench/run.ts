// `npm run bench [-- --quick] [-- --database-url postgres://…] [-- --redis-url redis://…]
// [-- --scenarios a,e] [-- --no-baselines] [-- --repeat N] [-- --duration S] [-- --connections N]
// [-- --generator wrk|autocannon|autocannon-workers]`: the load generator is wrk when on the PATH
// (cheap enough not to cap the bare-Fastify ceiling), else autocannon in this process;
// with --redis-url too, every scenario also runs on PostgreSQL + Redis, and (g) compares
// `--workers 1` with `--workers 2` there.
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
import { measureFileThroughput } from './lib/file-throughput.js';
import { type Load, type LoadSettings, type Measurement, medianRun, prepareLoad } from './lib/load.js';
import type { ServerProcess } from './lib/processes.js';
import { renderChart, renderReport } from './lib/report.js';
import type { BenchResults, SeedResult, StartupResult } from './lib/results.js';
import {
  NOT_AVAILABLE,
  notRun,
  probe,
  runScenario,
  type ScenarioDef,
  type ScenarioKey,
  type ScenarioResult,
  type StoreLabel,
} from './lib/scenarios.js';
import { wrkVersion } from './lib/wrk.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'database-url': { type: 'string' },
    'redis-url': { type: 'string' },
    scenarios: { type: 'string', default: 'a,b,c,d,e,f,g,h' },
    'no-baselines': { type: 'boolean', default: false },
    duration: { type: 'string' },
    connections: { type: 'string' },
    repeat: { type: 'string' },
    generator: { type: 'string' },
  },
});

/** wrk unless told otherwise or absent: then autocannon, saying why. */
function chooseGenerator(wanted: string | undefined): NonNullable<BenchResults['meta']['generator']> {
  const autocannon = versionsOf(['autocannon']).autocannon as string;
  if (wanted === 'autocannon' || wanted === 'autocannon-workers')
    return { name: wanted, version: autocannon };
  if (wanted !== undefined && wanted !== 'wrk')
    throw new Error(`--generator ${wanted}: wrk, autocannon or autocannon-workers`);
  const wrk = wrkVersion();
  return wrk
    ? { name: 'wrk', version: wrk }
    : {
        name: 'autocannon',
        version: autocannon,
        fallback: 'wrk is not on the PATH; Debian: apt-get install wrk',
      };
}
const generator = chooseGenerator(args.generator as string | undefined);

const quick = args.quick as boolean;
const settings: LoadSettings = {
  connections: Number(args.connections ?? 10),
  durationS: Number(args.duration ?? (quick ? 2 : 10)),
  warmupS: quick ? 1 : 3,
  repeat: Number(args.repeat ?? (quick ? 1 : 3)),
  generator: generator.name,
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
    generator,
    feedPosts: FEED_POSTS,
    curvePosts: CURVE_POSTS,
  },
  settings,
  startups: [],
  seeds: [],
  scenarios: [],
  ratios: [],
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

/** A Chatterbox on its own demo store, started for scenarios (a), (c), (d), (e). */
interface DemoServer {
  store: BenchStore;
  server: ServerProcess;
  token: string;
}

async function startDemoServer(makeStore: () => BenchStore): Promise<DemoServer> {
  const store = makeStore();
  try {
    const server = await startChatterbox(BUILT_CLI, store, { cwd: root });
    startup(server, 'chatterbox', 'empty store, `--demo` (migrate, seed the demo org)', store.kind);
    return { store, server, token: await login(server, 'alice@acme.example') };
  } catch (error) {
    await store.dispose();
    throw error;
  }
}

/** One target of runs interleaved round by round with others'. */
interface Turn {
  row: ScenarioDef['row'];
  load: Load;
  runs: Measurement[];
}

/**
 * Warms every target up, then runs each once per round, in turn, so that their ratios compare
 * runs made under about the same load from other work on the machine.
 */
async function alternate(label: string, turns: { load: Load; runs: Measurement[] }[]): Promise<void> {
  for (const turn of turns) await turn.load.warmUp();
  for (let round = 1; round <= (settings.repeat ?? 1); round++) {
    log(`${label} round ${round} of ${settings.repeat ?? 1}`);
    for (const turn of turns) turn.runs.push(await turn.load.runOnce());
  }
}

/** The scenario's turn when its probe answers as expected; else its row is recorded as it failed. */
async function turnOf(server: ServerProcess, def: ScenarioDef): Promise<{ turn?: Turn; body: unknown }> {
  const outcome = await probe(server, def);
  if (!outcome.ok) {
    record(outcome.result);
    return { body: outcome.body };
  }
  return {
    turn: { row: def.row, load: prepareLoad(server, def.load, settings), runs: [] },
    body: outcome.body,
  };
}

const measuredRow = (turn: Turn): ScenarioResult => ({
  ...turn.row,
  status: 'measured',
  measurement: medianRun(turn.runs),
});

/**
 * (a) on every Chatterbox and on the baselines, their runs interleaved round by round, so that
 * each ratio compares runs made under the same load from other work on the machine.
 */
async function usersMeAgainstBaselines(demos: DemoServer[]): Promise<void> {
  const targets: { row: ScenarioDef['row']; server: ServerProcess; load: Load; runs: Measurement[] }[] = [];
  let body: Record<string, unknown> | undefined;
  for (const { store, server, token } of demos) {
    const def = usersMe(store.kind, token);
    const outcome = await probe(server, def);
    if (!outcome.ok) {
      record(outcome.result);
      continue;
    }
    body ??= outcome.body as Record<string, unknown>;
    targets.push({ row: def.row, server, load: prepareLoad(server, def.load, settings), runs: [] });
  }
  const started: ServerProcess[] = [];
  try {
    if (args['no-baselines']) log('baselines not run (--no-baselines)');
    else if (!body) log('baselines not run: scenario (a) gave no users/me body to serve');
    else {
      for (const baseline of baselines(root, workDir, results.meta.versions)) {
        const { server, path } = await baseline.start(body);
        started.push(server);
        startup(server, baseline.id, 'serving the users/me body');
        const def: ScenarioDef = {
          row: {
            scenario: 'a',
            id: 'a',
            title: `GET users/me-shaped JSON (${baseline.title})`,
            target: baseline.id,
          },
          probe: { method: 'GET', path, expect: 200 },
          load: { path },
        };
        const outcome = await probe(server, def);
        if (outcome.ok)
          targets.push({ row: def.row, server, load: prepareLoad(server, def.load, settings), runs: [] });
        else record(outcome.result);
      }
    }
    await alternate('(a)', targets);
  } finally {
    for (const server of started) await server.stop();
  }
  for (const target of targets) record(measuredRow(target));
  for (const ours of targets.filter((t) => t.row.target === 'chatterbox')) {
    for (const theirs of targets.filter((t) => t.row.target !== 'chatterbox')) {
      const perRound = ours.runs.map(
        (run, i) => run.requestsPerSecond / (theirs.runs[i]?.requestsPerSecond ?? Number.NaN),
      );
      const sorted = [...perRound].sort((a, b) => a - b);
      results.ratios.push({
        store: ours.row.store as BenchStore['kind'],
        baseline: theirs.row.target,
        perRound,
        median: sorted[Math.floor(sorted.length / 2)] as number,
      });
    }
  }
}

/** (d), (c), (e) on a demo server, then its start-up again on the now existing store. */
async function otherDemoScenarios({ store, server, token }: DemoServer): Promise<void> {
  try {
    if (wanted.has('d')) {
      const list = await fetch(`${server.url}/services/data/v36.0/chatter/users?pageSize=25`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const ids = ((await list.json()) as { users: { id: string; isActive: boolean }[] }).users
        .filter((u) => u.isActive)
        .map((u) => u.id);
      const gets = twentyFiveGets(ids);
      // Interleaved, so that target 4 of issue 14 (batch ÷ one by one) compares runs under the same load.
      const turns: Turn[] = [];
      for (const def of [batchOf25(store.kind, token, gets), oneByOne(store.kind, token, gets)]) {
        const { turn } = await turnOf(server, def);
        if (turn) turns.push(turn);
      }
      await alternate(`(d) ${store.kind}`, turns);
      for (const turn of turns) record(measuredRow(turn));
    }
    if (wanted.has('c'))
      record((await runScenario(server, postFeedElement(store.kind, token), settings)).result);
    if (wanted.has('e')) record((await runScenario(server, passwordLogin(store.kind), settings)).result);
    await server.stop();
    if (!quick) {
      const again = await startChatterbox(BUILT_CLI, store, { cwd: root });
      startup(again, 'chatterbox', 'existing store', store.kind);
      await again.stop();
    }
  } finally {
    await server.stop();
    await store.dispose();
  }
}

/**
 * The (b) page, its runs interleaved round by round with bare Fastify serving the page's bytes as a
 * constant body: target 3 of issue 14 (the page ÷ what the same bytes alone allow). Gives the page's
 * row and the body it answered.
 */
async function pageWithCeiling(
  server: ServerProcess,
  def: ScenarioDef,
  kind: StoreLabel,
): Promise<{ result: ScenarioResult; probeBody: unknown }> {
  const fastify = args['no-baselines']
    ? undefined
    : baselines(root, workDir, results.meta.versions).find((b) => b.id === 'fastify');
  if (!fastify) return runScenario(server, def, settings);
  const outcome = await probe(server, def);
  if (!outcome.ok) return { result: outcome.result, probeBody: outcome.body };
  const page: Turn = { row: def.row, load: prepareLoad(server, def.load, settings), runs: [] };
  const bare = await fastify.start(outcome.body as Record<string, unknown>);
  try {
    const { turn } = await turnOf(bare.server, {
      row: {
        scenario: 'b',
        id: `b-ceiling-${kind}`,
        title: `GET the (b) page's bytes (${fastify.title}), interleaved with the ${kind} page`,
        target: 'fastify',
      },
      probe: { method: 'GET', path: bare.path, expect: 200 },
      load: { path: bare.path },
    });
    await alternate(`(b) ${kind}`, turn ? [page, turn] : [page]);
    if (turn) record(measuredRow(turn));
  } finally {
    await bare.server.stop();
  }
  return { result: measuredRow(page), probeBody: outcome.body };
}

/**
 * (g): users/me of one org on PostgreSQL + Redis, one server with `--workers 1`, then one with
 * `--workers 2` (two processes on the same store), runs interleaved round by round: adding a
 * process must add throughput (target 6 of issue 14: ≥ 1.3× on this 2-core machine).
 */
async function workersScenario(makeStore: () => BenchStore): Promise<void> {
  const store = makeStore();
  const servers: ServerProcess[] = [];
  try {
    const targets: { row: ScenarioDef['row']; load: Load; runs: Measurement[] }[] = [];
    for (const workers of [1, 2]) {
      const server = await startChatterbox(BUILT_CLI, store, {
        cwd: root,
        extraArgs: ['--workers', String(workers)],
      });
      servers.push(server);
      const token = await login(server, 'alice@acme.example');
      const def = usersMe(store.kind, token);
      const row = {
        ...def.row,
        scenario: 'g' as const,
        id: `g-workers-${workers}`,
        title: `${def.row.title}, --workers ${workers}`,
      };
      const outcome = await probe(server, def);
      if (!outcome.ok) {
        record({ ...outcome.result, ...row });
        continue;
      }
      targets.push({ row, load: prepareLoad(server, def.load, settings), runs: [] });
    }
    await alternate('(g)', targets);
    for (const target of targets) {
      const result = measuredRow(target);
      result.notes = [
        'server CPU is that of the primary process and its workers together; RSS that of the largest of them',
      ];
      record(result);
    }
  } finally {
    for (const server of servers) await server.stop();
    await store.dispose();
  }
}

/**
 * The record's, the topic's and alice's stream's feed pages of (b) and (f), on the store the news
 * page was measured on: a tenth of the seeded posts each on the record and the topic, the stream
 * over all of them (src/demo/seed-posts.ts), so they grow with the store too.
 */
async function otherFeeds(
  server: ServerProcess,
  kind: BenchStore['kind'],
  token: string,
  posts: number,
  isB: boolean,
  seeded: { recordId: string | null; topicId: string | null; streamId?: string | undefined },
): Promise<void> {
  const ids = { record: seeded.recordId, topic: seeded.topicId, stream: seeded.streamId ?? null };
  for (const feed of ['record', 'topic', 'stream'] as const) {
    const id = ids[feed];
    const rows = (['f', 'b'] as const).filter((s) => (s === 'b' ? isB : wanted.has('f')));
    if (!id) {
      const reason = `skipped: this build's chatterbox seed gave no ${feed}`;
      for (const s of rows)
        record(notRun(feedPage(kind, '', posts, s, { kind: feed, id: '' }).row, 'skipped', reason));
      continue;
    }
    const { result } = await runScenario(
      server,
      feedPage(kind, token, posts, rows[0] ?? 'f', { kind: feed, id }),
      settings,
    );
    for (const s of rows) {
      const row = feedPage(kind, '', posts, s, { kind: feed, id }).row;
      record({ ...result, scenario: s, id: row.id, title: row.title });
    }
  }
}

/**
 * (b) and (f): the news, record, topic and stream feed pages on stores of growing size, each seeded by
 * `chatterbox seed`.
 */
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
        const def = feedPage(kind, token, posts, 'f');
        const { result, probeBody } = isB
          ? await pageWithCeiling(server, def, kind)
          : await runScenario(server, def, settings);
        const elements = (probeBody as { elements?: unknown[] }).elements;
        if (result.status === 'measured' && elements?.length !== 25) {
          result.notes = [`the page had ${elements?.length ?? 'no'} elements, not 25`];
        }
        // (b) is the same measurement as the curve's point at FEED_POSTS: run once, reported in both.
        if (wanted.has('f')) record(result);
        if (isB) {
          record({
            ...result,
            scenario: 'b',
            id: `b-${posts}`,
            title: feedPage(kind, '', posts, 'b').row.title,
          });
        }
        await otherFeeds(server, kind, token, posts, isB, seeded);
      } finally {
        await server.stop();
      }
    } finally {
      await store.dispose();
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
    `${results.meta.mode} run: ${settings.repeat} × ${settings.durationS} s per scenario after ${settings.warmupS} s warm-up, ` +
      `load from ${generator.name} ${generator.version}${generator.fallback ? ` (${generator.fallback})` : ''}`,
  );
  const stores: [BenchStore['kind'], () => BenchStore][] = [['sqlite', sqliteStore]];
  const databaseUrl = args['database-url'];
  const redisUrl = args['redis-url'];
  if (databaseUrl) stores.push(['postgres', () => postgresStore(databaseUrl)]);
  if (databaseUrl && redisUrl) stores.push(['postgres+redis', () => postgresStore(databaseUrl, redisUrl)]);
  const demos: DemoServer[] = [];
  try {
    for (const [, makeStore] of stores) demos.push(await startDemoServer(makeStore));
    if (wanted.has('a')) await usersMeAgainstBaselines(demos);
    while (demos.length > 0) await otherDemoScenarios(demos.shift() as DemoServer);
  } finally {
    for (const demo of demos) {
      await demo.server.stop();
      await demo.store.dispose();
    }
  }
  for (const [kind, makeStore] of stores) {
    if (wanted.has('b') || wanted.has('f')) await feedScenarios(makeStore, kind);
  }
  if (wanted.has('g') && databaseUrl && redisUrl)
    await workersScenario(() => postgresStore(databaseUrl, redisUrl));
  else if (wanted.has('g')) log('(g) not run: it needs --database-url and --redis-url');
  if (wanted.has('h')) {
    for (const [, makeStore] of stores) {
      const store = makeStore();
      try {
        const r = await measureFileThroughput({
          cli: BUILT_CLI,
          cwd: root,
          store,
          mb: 10,
          rounds: quick ? 2 : 5,
        });
        results.files = [...(results.files ?? []), r];
        log(
          `chatterbox/${r.store} h: upload ${r.chatterbox.uploadMbps.toFixed(1)} MB/s (× ${r.ratios.upload.toFixed(2)} of bare), ` +
            `download ${r.chatterbox.downloadMbps.toFixed(1)} MB/s (× ${r.ratios.download.toFixed(2)} of bare)`,
        );
      } finally {
        await store.dispose();
      }
    }
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
