import { type CurveSeries, scalingChart } from './chart.js';
import type { BenchResults } from './results.js';
import type { FeedKind, ScenarioResult } from './scenarios.js';

/** The targets of the benchmark issue, for the Chatterbox process on SQLite. */
export const TARGETS = {
  ceilingShare: 0.5,
  /** (b): the feed page's req/s ÷ the bare-Fastify ceiling of (a). */
  feedCeilingShare: 0.25,
  /** (f): p50 at the largest store ÷ p50 at the smallest. */
  feedScaling: 1.5,
  jsonServerTimes: 5,
  prismTimes: 8,
  rssMb: 200,
  startupMs: 1000,
};

const STORES = ['sqlite', 'postgres', 'postgres+redis'] as const;

/** The targets of issue 14 (PostgreSQL + Redis at SQLite speed, feed pages, batch, memory). */
export const ISSUE_14 = {
  postgresShareOfSqlite: 0.5,
  sqliteShareOfCeiling: 0.5,
  feedShareOfSameBytes: 0.05,
  batchTimes: 3,
  rssMb: 200,
  workersTimes: 1.3,
};

const num = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (n: number) => (n >= 100 ? num(n) : num(n, 1));

function find(results: BenchResults, id: string, target = 'chatterbox', store?: string) {
  return results.scenarios.find(
    (r) => r.id === id && r.target === target && (store ? r.store === store : true),
  );
}

function rps(row: ScenarioResult | undefined): number | undefined {
  return row?.status === 'measured' ? row.measurement?.requestsPerSecond : undefined;
}

function cpuPerRequest(row: ScenarioResult | undefined): number | undefined {
  return row?.status === 'measured' ? row.measurement?.serverCpuUsPerRequest : undefined;
}

/** Chatterbox (a) ÷ a baseline: the median over interleaved rounds when recorded, else the rows' ratio. */
function ratioOf(
  results: BenchResults,
  store: string,
  baseline: string,
): { median: number; perRound: number[] } | undefined {
  const recorded = results.ratios.find((r) => r.store === store && r.baseline === baseline);
  if (recorded) return recorded;
  const ours = rps(find(results, 'a', 'chatterbox', store));
  const theirs = rps(find(results, 'a', baseline));
  if (ours === undefined || theirs === undefined || theirs === 0) return undefined;
  return { median: ours / theirs, perRound: [ours / theirs] };
}

/** Which load generator drove the run; results from before the choice existed used autocannon in-process. */
function generatorLabel(meta: BenchResults['meta']): string {
  const generator = meta.generator ?? { name: 'autocannon', version: meta.versions.autocannon ?? '?' };
  if (generator.name === 'wrk')
    return `wrk ${generator.version}, one thread in its own process (a Lua script sends each scenario's requests)`;
  const where = generator.name === 'autocannon-workers' ? 'in two worker threads of' : 'in';
  return `autocannon ${generator.version}, programmatic API ${where} the bench process${generator.fallback ? ` (${generator.fallback})` : ''}`;
}

function cpuCell(
  cpu: { serverPct: number; loadGeneratorPct: number; othersPct: number } | undefined,
): string {
  return cpu ? `${num(cpu.serverPct)} / ${num(cpu.loadGeneratorPct)} / ${num(cpu.othersPct)}` : 'n/a';
}

function targetLabel(row: ScenarioResult): string {
  return row.target === 'chatterbox' ? `Chatterbox (${row.store})` : row.target;
}

function scenarioLabel(row: ScenarioResult): string {
  const posts = row.posts === undefined ? '' : ` — ${num(row.posts)} posts`;
  return `(${row.scenario}) ${row.title}${posts}`;
}

const FEEDS: readonly FeedKind[] = ['news', 'record', 'topic', 'stream'];

/** The feed a (b) or (f) row pages; rows written before record and topic feeds were added are news. */
export const feedOf = (row: ScenarioResult): FeedKind => row.feed ?? 'news';

/** The measured (f) rows of one store and feed, smallest store first. */
function curveRows(results: BenchResults, store: string, feed: FeedKind): ScenarioResult[] {
  return results.scenarios
    .filter(
      (r) =>
        r.scenario === 'f' &&
        r.store === store &&
        feedOf(r) === feed &&
        r.status === 'measured' &&
        r.measurement,
    )
    .sort((x, y) => (x.posts ?? 0) - (y.posts ?? 0));
}

/**
 * The feed-page latency curve (f) as chart series: the news page's p50 and p99 per store, and the
 * p50 of the record's and the topic's pages (their own colours, the store in the label).
 */
export function curveSeries(results: BenchResults): CurveSeries[] {
  const colors = { sqlite: '#1f77b4', postgres: '#d62728', 'postgres+redis': '#2ca02c' };
  const feedColors = { record: '#9467bd', topic: '#ff7f0e', stream: '#17becf' };
  const series: CurveSeries[] = [];
  const points = (rows: ScenarioResult[], stat: 'p50' | 'p99') =>
    rows.map((r) => ({
      posts: r.posts as number,
      ms: stat === 'p50' ? (r.measurement?.latencyP50Ms ?? 0) : (r.measurement?.latencyP99Ms ?? 0),
    }));
  for (const store of STORES) {
    const rows = curveRows(results, store, 'news');
    if (rows.length > 0) {
      series.push({
        label: `${store} p50`,
        color: colors[store],
        dashed: false,
        points: points(rows, 'p50'),
      });
      series.push({ label: `${store} p99`, color: colors[store], dashed: true, points: points(rows, 'p99') });
    }
    for (const feed of ['record', 'topic', 'stream'] as const) {
      const other = curveRows(results, store, feed);
      if (other.length > 0)
        series.push({ label: `${store} ${feed} p50`, color: feedColors[feed], points: points(other, 'p50') });
    }
  }
  return series;
}

export function renderChart(results: BenchResults): string {
  const skipped = results.scenarios.find((r) => r.scenario === 'f' && r.status !== 'measured');
  return scalingChart(
    `(f) Feed pages of 25 (news, record, topic, stream): latency by store size (${results.meta.mode} run)`,
    curveSeries(results),
    results.meta.curvePosts,
    `no data: ${skipped?.reason ?? 'not measured'}`,
  );
}

export function renderReport(results: BenchResults, chartFile: string): string {
  const { meta, settings } = results;
  const out: string[] = [];
  const line = (text = '') => out.push(text);

  line(`# Chatterbox benchmark — ${meta.startedAt}`);
  line();
  line(
    `${meta.mode === 'quick' ? '**Quick run (smoke check: short durations, small stores; not for comparison).** ' : ''}` +
      `Commit \`${meta.commit}\`, Node ${meta.node}, ${meta.cpus} × ${meta.cpuModel}, ${num(meta.memoryGb)} GB RAM. ` +
      `Each scenario: ${settings.warmupS} s warm-up (dropped), then ${settings.repeat ?? 1} × ${settings.durationS} s measured with ` +
      `${settings.connections} connections, no pipelining.`,
  );
  line();
  line(
    `The load generator: ${generatorLabel(meta)}; every server ` +
      `is its own process on 127.0.0.1. **This machine has ${meta.cpus} cores, shared by the load generator and the ` +
      'server**, so every figure is lower than a server alone on the machine would reach, for the baselines as for Chatterbox. ' +
      `Load average when the run started: ${meta.loadAverage.map((n) => num(n, 2)).join(', ')} (1, 5, 15 min).`,
  );
  line();

  // Targets.
  line('## Targets (SQLite)');
  line();
  const sqliteRows = results.scenarios.filter(
    (r) => r.target === 'chatterbox' && r.store === 'sqlite' && r.measurement,
  );
  const peakRss = sqliteRows.length
    ? Math.max(...sqliteRows.map((r) => r.measurement?.rssPeakMb ?? 0))
    : undefined;
  const coldStart = results.startups.find(
    (s) => s.target === 'chatterbox' && s.store === 'sqlite' && s.condition.startsWith('empty'),
  )?.ms;
  const targets: [string, string, string, boolean | undefined][] = [];
  const share = ratioOf(results, 'sqlite', 'fastify')?.median;
  targets.push([
    '(a) req/s ÷ bare-Fastify ceiling',
    `≥ ${num(TARGETS.ceilingShare * 100)} %`,
    share === undefined ? 'n/a' : `${num(share * 100, 1)} %`,
    share === undefined ? undefined : share >= TARGETS.ceilingShare,
  ]);
  const vsJson = ratioOf(results, 'sqlite', 'json-server')?.median;
  targets.push([
    '(a) req/s ÷ json-server',
    `≥ ${TARGETS.jsonServerTimes}×`,
    vsJson === undefined ? 'n/a' : `${num(vsJson, 2)}×`,
    vsJson === undefined ? undefined : vsJson >= TARGETS.jsonServerTimes,
  ]);
  const vsPrism = ratioOf(results, 'sqlite', 'prism')?.median;
  targets.push([
    '(a) req/s ÷ Prism',
    `≥ ${TARGETS.prismTimes}×`,
    vsPrism === undefined ? 'n/a' : `${num(vsPrism, 2)}×`,
    vsPrism === undefined ? undefined : vsPrism >= TARGETS.prismTimes,
  ]);
  const fastify = rps(find(results, 'a', 'fastify'));
  const feed = rps(
    results.scenarios.find(
      (r) => r.scenario === 'b' && feedOf(r) === 'news' && r.target === 'chatterbox' && r.store === 'sqlite',
    ),
  );
  const feedShare = feed === undefined || !fastify ? undefined : feed / fastify;
  targets.push([
    '(b) feed page req/s ÷ bare-Fastify ceiling of (a)',
    `≥ ${num(TARGETS.feedCeilingShare * 100)} %`,
    feedShare === undefined ? 'n/a' : `${num(feedShare * 100, 1)} %`,
    feedShare === undefined ? undefined : feedShare >= TARGETS.feedCeilingShare,
  ]);
  for (const feedKind of FEEDS) {
    const curve = curveRows(results, 'sqlite', feedKind);
    const [smallest, largest] = [curve[0], curve[curve.length - 1]];
    const growth =
      smallest?.measurement && largest?.measurement && curve.length > 1
        ? largest.measurement.latencyP50Ms / Math.max(smallest.measurement.latencyP50Ms, 1)
        : undefined;
    targets.push([
      `(f) ${feedKind === 'news' ? 'feed' : `${feedKind} feed`} page p50 on the largest store ÷ p50 on the smallest (p50 taken as ≥ 1 ms)`,
      `≤ ${num(TARGETS.feedScaling, 1)}×`,
      growth === undefined
        ? 'n/a'
        : `${num(growth, 2)}× (${num(largest?.posts ?? 0)} vs ${num(smallest?.posts ?? 0)} posts)`,
      growth === undefined ? undefined : growth <= TARGETS.feedScaling,
    ]);
  }
  targets.push([
    'server RSS under load (peak over every SQLite scenario)',
    `< ${TARGETS.rssMb} MB`,
    peakRss === undefined ? 'n/a' : `${num(peakRss)} MB`,
    peakRss === undefined ? undefined : peakRss < TARGETS.rssMb,
  ]);
  targets.push([
    'process start → first served request (empty SQLite file, `--demo`)',
    `< ${num(TARGETS.startupMs)} ms`,
    coldStart === undefined ? 'n/a' : `${num(coldStart)} ms`,
    coldStart === undefined ? undefined : coldStart < TARGETS.startupMs,
  ]);
  line('| Target | Goal | Measured | |');
  line('|---|---|---|---|');
  for (const [name, goal, value, met] of targets) {
    line(
      `| ${name} | ${goal} | ${value} | ${met === undefined ? 'not measured' : met ? 'met' : '**missed**'} |`,
    );
  }
  line();

  issue14Targets(results, line);

  // Ratios for (a), per store.
  line('## Scenario (a) against the baselines');
  line();
  line(
    'Chatterbox and the baselines were measured in turn, round by round, so each ratio compares runs made ' +
      'under about the same load from other work; the ratio is the median over the rounds (lowest–highest in brackets).',
  );
  line();
  line('| Chatterbox store | req/s (median run) | ÷ Fastify ceiling | ÷ json-server | ÷ Prism |');
  line('|---|---:|---:|---:|---:|');
  for (const store of STORES) {
    const row = find(results, 'a', 'chatterbox', store);
    if (!row) continue;
    const ours = rps(row);
    const cell = (baseline: string, suffix: string) => {
      const r = ratioOf(results, store, baseline);
      if (!r) return 'n/a';
      const range =
        r.perRound.length > 1
          ? ` (${num(Math.min(...r.perRound), 2)}–${num(Math.max(...r.perRound), 2)})`
          : '';
      return `${num(r.median, 2)}${suffix}${range}`;
    };
    line(
      `| ${store} | ${ours === undefined ? row.reason : num(ours)} | ${cell('fastify', '')} | ` +
        `${cell('json-server', '×')} | ${cell('prism', '×')} |`,
    );
  }
  line();

  // Every row.
  line('## All scenarios');
  line();
  line(
    '| Server | Scenario | req/s | p50 ms | p99 ms | requests | errors | non-2xx | RSS peak MB | RSS mean MB | CPU % server / load gen. / others | server CPU µs/req |',
  );
  line('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const row of results.scenarios) {
    const m = row.measurement;
    if (row.status !== 'measured' || !m) {
      line(`| ${targetLabel(row)} | ${scenarioLabel(row)} | ${row.reason ?? row.status} | | | | | | | | |`);
      continue;
    }
    const range = m.runs ? ` (${num(Math.min(...m.runs))}–${num(Math.max(...m.runs))})` : '';
    line(
      `| ${targetLabel(row)} | ${scenarioLabel(row)} | ${num(m.requestsPerSecond)}${range} | ${ms(m.latencyP50Ms)} | ` +
        `${ms(m.latencyP99Ms)} | ${num(m.requests)} | ${num(m.errors + m.timeouts)} | ${num(m.non2xx)} | ` +
        `${num(m.rssPeakMb)} | ${num(m.rssMeanMb)} | ${cpuCell(m.cpu)} | ${m.serverCpuUsPerRequest === undefined ? 'n/a' : num(m.serverCpuUsPerRequest)} |`,
    );
  }
  line();
  line(
    'req/s in brackets: the lowest and highest of the measured runs, when there were several (the row is the median run). ' +
      'errors = connection errors and timeouts; non-2xx = responses with another status (both should be 0). ' +
      'RSS = VmRSS of the server process from /proc, sampled every 200 ms during the measured period ' +
      '(with --workers, of the largest of its processes; its CPU is theirs together). ' +
      `CPU = % of one core during the measured period (the machine has ${meta.cpus * 100} %): the server, the ` +
      'load generator, and every other process on the machine; a large last figure means the machine was busy ' +
      'with other work and the row is pessimistic (on PostgreSQL rows it also holds the PostgreSQL server itself). ' +
      'Server CPU µs/req depends less on that other work than req/s: compare runs by it.',
  );
  line();

  // Batch vs one by one.
  line('## (d) 25 GETs: one batch vs one by one');
  line();
  line('| Store | Way | sets of 25 per s | latency of one set, p50 | latency of one set, p99 |');
  line('|---|---|---:|---:|---:|');
  for (const store of STORES) {
    const batch = find(results, 'd-batch', 'chatterbox', store);
    const single = find(results, 'd-single', 'chatterbox', store);
    if (!batch && !single) continue;
    for (const row of [batch, single]) {
      if (!row) continue;
      const way = row.id === 'd-batch' ? 'one `connect/batch` request' : '25 requests, one after another';
      const m = row.measurement;
      if (row.status !== 'measured' || !m) {
        line(`| ${store} | ${way} | ${row.reason} | | |`);
      } else if (row.requestsPerSet) {
        // A set is 25 sequential requests on one connection: its latency is the sum of theirs.
        const n = row.requestsPerSet;
        line(
          `| ${store} | ${way} | ${num(m.requestsPerSecond / n, 1)} | ≈ ${ms(m.latencyP50Ms * n)} ms (25 × p50) | ` +
            `≤ ${ms(m.latencyP99Ms * n)} ms (25 × p99) |`,
        );
      } else {
        line(
          `| ${store} | ${way} | ${num(m.requestsPerSecond, 1)} | ${ms(m.latencyP50Ms)} ms | ${ms(m.latencyP99Ms)} ms |`,
        );
      }
    }
  }
  line();

  // Scaling curve.
  line(`## (f) Feed page latency by store size (and (b) at ${num(meta.feedPosts)} posts)`);
  line();
  line(`![feed-page latency by store size](${chartFile})`);
  line();
  line('| Store | Posts | Feed | seeding | req/s | p50 ms | p99 ms | RSS peak MB |');
  line('|---|---:|---|---|---:|---:|---:|---:|');
  for (const seed of results.seeds) {
    const seeding =
      seed.status === 'seeded' ? `${num((seed.ms ?? 0) / 1000, 1)} s` : (seed.reason ?? seed.status);
    for (const feedKind of FEEDS) {
      const row = results.scenarios.find(
        (r) =>
          r.scenario === 'f' && feedOf(r) === feedKind && r.store === seed.store && r.posts === seed.posts,
      );
      if (!row && feedKind !== 'news') continue;
      const m = row?.status === 'measured' ? row.measurement : undefined;
      line(
        m
          ? `| ${seed.store} | ${num(seed.posts)} | ${feedKind} | ${seeding} | ${num(m.requestsPerSecond)} | ${ms(m.latencyP50Ms)} | ${ms(m.latencyP99Ms)} | ${num(m.rssPeakMb)} |`
          : `| ${seed.store} | ${num(seed.posts)} | ${feedKind} | ${seeding} | ${row?.reason ?? 'not run'} | | | |`,
      );
    }
  }
  line();
  line(
    "news = alice's news feed; record = the feed of the Account `chatterbox seed` gives a tenth of the posts to; " +
      'topic = the feed of the #seed topic, assigned to another tenth.',
  );
  line();

  // Startup.
  fileThroughput(results, line);

  line('## Process start → first served request');
  line();
  line('| Server | Condition | ms | RSS at start MB |');
  line('|---|---|---:|---:|');
  for (const s of results.startups) {
    line(
      `| ${s.target === 'chatterbox' ? `Chatterbox (${s.store})` : s.target} | ${s.condition} | ${num(s.ms)} | ${num(s.idleRssMb)} |`,
    );
  }
  line();
  line('Measured from `spawn` to the first HTTP answer of a probe polled every 5 ms.');
  line();

  line('## How it was run');
  line();
  line(
    '- Chatterbox: `node bin/chatterbox.js serve --demo` on its own temp SQLite file (and, with `--database-url`, on ' +
      'PostgreSQL in its own `--pg-schema`), default settings except the quotas, which are still counted but raised ' +
      'to 10⁹ so that no benchmark request is refused. Tokens come from the password grant of the demo user alice.',
  );
  line(
    '- (b) and (f) run on stores filled by `chatterbox seed --posts N` (a tenth of the posts on one Account, ' +
      'a tenth assigned the #seed topic) and page the news, record and topic feeds; (b) is the point of (f) at ' +
      `${num(meta.feedPosts)} posts. (d) sends User Detail GETs for \`me\` and the org's users in turn.`,
  );
  line(
    `- Baselines, each its own process: bare Fastify ${meta.versions.fastify} sending the users/me body as a constant ` +
      `string (the ceiling), json-server ${meta.versions['json-server']} serving that body as its one user record, ` +
      `Prism ${meta.versions['@stoplight/prism-cli']} mocking a one-path OpenAPI document whose example is that body.`,
  );
  line(
    `- Reproduce: \`npm run bench\` (SQLite) or \`npm run bench -- --database-url postgres://… --redis-url redis://…\` ` +
      '(SQLite, PostgreSQL, PostgreSQL + Redis, and (g): `--workers 1` vs `--workers 2` on PostgreSQL + Redis); ' +
      '`--quick` for a smoke run. Raw figures: `bench/results/<timestamp>.json`.',
  );
  line();
  return `${out.join('\n')}\n`;
}

/** Every target of issue 14, met or missed, with its ratio and the rows it comes from. */
function issue14Targets(results: BenchResults, line: (text?: string) => void): void {
  const rows: [string, string, string, boolean | undefined][] = [];
  const ratio = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined || b === 0 ? undefined : a / b;
  const verdict = (value: number | undefined, goal: number, atMost = false) =>
    value === undefined ? undefined : atMost ? value < goal : value >= goal;
  const sqliteMe = rps(find(results, 'a', 'chatterbox', 'sqlite'));
  for (const store of ['postgres', 'postgres+redis'] as const) {
    const value = ratio(rps(find(results, 'a', 'chatterbox', store)), sqliteMe);
    rows.push([
      `1. users/me on ${store} ÷ users/me on sqlite`,
      `≥ ${num(ISSUE_14.postgresShareOfSqlite, 2)}`,
      value === undefined ? 'n/a' : num(value, 2),
      verdict(value, ISSUE_14.postgresShareOfSqlite),
    ]);
  }
  const ceiling = ratioOf(results, 'sqlite', 'fastify')?.median;
  rows.push([
    '2. users/me on sqlite ÷ bare Fastify serving the same body',
    `≥ ${num(ISSUE_14.sqliteShareOfCeiling, 2)}`,
    ceiling === undefined ? 'n/a' : num(ceiling, 2),
    verdict(ceiling, ISSUE_14.sqliteShareOfCeiling),
  ]);
  for (const store of STORES) {
    const pageRow = results.scenarios.find(
      (r) => r.scenario === 'b' && feedOf(r) === 'news' && r.target === 'chatterbox' && r.store === store,
    );
    const page = rps(pageRow);
    const ceiling = find(results, `b-ceiling-${store}`, 'fastify');
    const bytes = rps(ceiling);
    const value = ratio(page, bytes);
    // The same share by server CPU per request, which the load from other work bends less.
    const byCpu = ratio(cpuPerRequest(ceiling), cpuPerRequest(pageRow));
    rows.push([
      `3. news page of 25 (${num(results.meta.feedPosts)} posts) on ${store} ÷ bare Fastify serving the same bytes`,
      `≥ ${num(ISSUE_14.feedShareOfSameBytes * 100)} %`,
      value === undefined
        ? 'n/a'
        : `${num(value * 100, 1)} % (${num(page ?? 0)} ÷ ${num(bytes ?? 0)} req/s${
            byCpu === undefined ? '' : `; by server CPU per request ${num(byCpu * 100, 1)} %`
          })`,
      verdict(value, ISSUE_14.feedShareOfSameBytes),
    ]);
  }
  for (const store of STORES) {
    // Sets of 25 GETs a second: a batch is one set, 25 requests one by one are one.
    const [batchRow, singleRow] = [
      find(results, 'd-batch', 'chatterbox', store),
      find(results, 'd-single', 'chatterbox', store),
    ];
    const sets = (row: ScenarioResult | undefined) => {
      const r = rps(row);
      return r === undefined ? undefined : r / (row?.requestsPerSet ?? 1);
    };
    const [batch, single] = [sets(batchRow), sets(singleRow)];
    const value = ratio(batch, single);
    // Server CPU per set: one batch, or the 25 requests one by one.
    const perSet = (row: ScenarioResult | undefined) => {
      const us = cpuPerRequest(row);
      return us === undefined ? undefined : us * (row?.requestsPerSet ?? 1);
    };
    const byCpu = ratio(perSet(singleRow), perSet(batchRow));
    rows.push([
      `4. a batch of 25 GETs ÷ the 25 one by one (sets per second), ${store}`,
      `≥ ${num(ISSUE_14.batchTimes)}×`,
      value === undefined
        ? 'n/a'
        : `${num(value, 2)}× (${num(batch ?? 0, 1)} ÷ ${num(single ?? 0, 1)} sets/s${
            byCpu === undefined ? '' : `; by server CPU per set ${num(byCpu, 2)}×`
          })`,
      verdict(value, ISSUE_14.batchTimes),
    ]);
  }
  const ours = results.scenarios.filter((r) => r.target === 'chatterbox' && r.measurement);
  const peak = ours.length ? Math.max(...ours.map((r) => r.measurement?.rssPeakMb ?? 0)) : undefined;
  const peakRow = ours.find((r) => r.measurement?.rssPeakMb === peak);
  rows.push([
    '5. peak RSS over every scenario and store, default flags',
    `< ${num(ISSUE_14.rssMb)} MB`,
    peak === undefined ? 'n/a' : `${num(peak)} MB (${peakRow ? `${peakRow.store} ${peakRow.id}` : ''})`,
    verdict(peak, ISSUE_14.rssMb, true),
  ]);
  const workers = ratio(
    rps(find(results, 'g-workers-2', 'chatterbox', 'postgres+redis')),
    rps(find(results, 'g-workers-1', 'chatterbox', 'postgres+redis')),
  );
  rows.push([
    '6. users/me of one org, postgres+redis: --workers 2 ÷ --workers 1',
    `≥ ${num(ISSUE_14.workersTimes, 1)}×`,
    workers === undefined ? 'n/a' : `${num(workers, 2)}×`,
    verdict(workers, ISSUE_14.workersTimes),
  ]);
  line('## Targets of issue 14');
  line();
  line('| Target | Goal | Measured | |');
  line('|---|---|---|---|');
  for (const [name, goal, value, met] of rows)
    line(
      `| ${name} | ${goal} | ${value} | ${met === undefined ? 'not measured' : met ? 'met' : '**missed**'} |`,
    );
  line();
  line(
    'Target 7 (quotas exact: N of M admitted, across processes, every backend) is checked by ' +
      '`test/limits/usage-backends.test.ts`, `test/limits/quota-shared-lock.test.ts` and ' +
      '`test/api/quotas.test.ts`, not by the bench. Rows 1 and 6 and the postgres rows of 3 and 4 need ' +
      '`--database-url` (and `--redis-url` for postgres+redis); row 3 is (b) against bare Fastify measured right ' +
      'after it serving the page it answered, row 4 is (d).',
  );
  line();
}

/** (h): file throughput beside bare Fastify serving the same bytes from disk. */
function fileThroughput(results: BenchResults, line: (text?: string) => void): void {
  const rows = results.files ?? [];
  if (rows.length === 0) return;
  line('## (h) File upload and download throughput');
  line();
  line(
    '| Store | File | Chatterbox upload | Bare upload | Ratio | Chatterbox download | Bare download | Ratio | Load (1 min) |',
  );
  line('|---|---|---|---|---|---|---|---|---|');
  for (const r of rows)
    line(
      `| ${r.store} | ${num(r.mb)} MB × ${r.rounds} | ${num(r.chatterbox.uploadMbps, 1)} MB/s | ${num(r.bare.uploadMbps, 1)} MB/s | ` +
        `${num(r.ratios.upload, 2)} | ${num(r.chatterbox.downloadMbps, 1)} MB/s | ${num(r.bare.downloadMbps, 1)} MB/s | ` +
        `${num(r.ratios.download, 2)} | ${num(r.loadAverage[0] ?? 0, 2)} |`,
    );
  line();
  line(
    'Medians of interleaved rounds; bare Fastify writes the multipart upload to a file and serves the file from disk, ' +
      'Chatterbox streams both through its store in 256 KiB chunks (decision 0009).',
  );
  line();
}
