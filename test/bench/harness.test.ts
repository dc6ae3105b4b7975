import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type BenchStore,
  login,
  postgresStore,
  SOURCE_CLI,
  sqliteStore,
  startChatterbox,
} from '../../bench/lib/chatterbox.js';
import {
  feedPage,
  oneByOne,
  postFeedElement,
  twentyFiveGets,
  usersMe,
} from '../../bench/lib/chatterbox-scenarios.js';
import type { ServerProcess } from '../../bench/lib/processes.js';
import { curveSeries, renderChart, renderReport } from '../../bench/lib/report.js';
import type { BenchResults } from '../../bench/lib/results.js';
import { NOT_AVAILABLE, runScenario, type ScenarioResult } from '../../bench/lib/scenarios.js';
import { wrkVersion } from '../../bench/lib/wrk.js';
import { testDatabaseUrl, testStore } from '../helpers/harness.js';

// The harness of `npm run bench`, run for about a second against a real server process. Structure
// only: no assertion here depends on how fast anything is.
describe('bench harness', () => {
  let store: BenchStore;
  let server: ServerProcess;
  const root = new URL('../..', import.meta.url).pathname;
  const settings = { connections: 2, durationS: 1, warmupS: 0 };

  before(async () => {
    store = testStore === 'postgres' ? postgresStore(testDatabaseUrl) : sqliteStore();
    server = await startChatterbox(SOURCE_CLI, store, { cwd: root });
  });
  after(async () => {
    await server?.stop();
    await store?.dispose();
  });

  test('starts chatterbox serve --demo as its own process and times its first served request', () => {
    assert.notEqual(server.pid, process.pid);
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(server.startupMs > 0);
  });

  test('GET users/me for a second: a measured row with every figure', async () => {
    const token = await login(server, 'alice@acme.example');
    const { result, probeBody } = await runScenario(server, usersMe(store.kind, token), settings);
    assert.equal(result.status, 'measured');
    const { measurement, ...row } = result;
    assert.deepEqual(row, {
      scenario: 'a',
      id: 'a',
      title: 'GET chatter/users/me',
      target: 'chatterbox',
      store: store.kind,
      status: 'measured',
    });
    assert.ok(measurement);
    const { cpu, serverCpuUsPerRequest, runs, ...figures } = measurement;
    assert.equal(runs, undefined, 'one run: no list of runs');
    assert.deepEqual(Object.keys(figures).sort(), [
      'connections',
      'durationS',
      'errors',
      'latencyMeanMs',
      'latencyP50Ms',
      'latencyP99Ms',
      'non2xx',
      'requests',
      'requestsPerSecond',
      'rssMeanMb',
      'rssPeakMb',
      'timeouts',
    ]);
    for (const value of Object.values(figures)) assert.ok(Number.isFinite(value) && value >= 0);
    assert.ok(measurement.requests > 0);
    assert.equal(measurement.non2xx, 0);
    assert.equal(measurement.errors, 0);
    assert.equal(measurement.connections, 2);
    assert.ok(measurement.rssPeakMb > 0, 'RSS read from /proc');
    assert.ok(cpu && Number.isFinite(cpu.serverPct) && Number.isFinite(cpu.othersPct));
    assert.ok(serverCpuUsPerRequest !== undefined && serverCpuUsPerRequest > 0);
    // The probe's body is the server's User Detail, which the baselines then serve.
    assert.equal((probeBody as { username: string }).username, 'alice@acme.example');
  });

  test('wrk drives a GET, a POST with its body and a sequence, its CPU counted as the load generator', {
    skip: wrkVersion() === undefined && 'wrk is not on the PATH',
  }, async () => {
    const token = await login(server, 'alice@acme.example');
    const wrk = { ...settings, generator: 'wrk' as const };
    const gets = twentyFiveGets([]);
    for (const def of [
      usersMe(store.kind, token),
      postFeedElement(store.kind, token),
      oneByOne(store.kind, token, gets),
    ]) {
      const { result } = await runScenario(server, def, wrk);
      const m = result.measurement;
      assert.equal(result.status, 'measured', def.row.id);
      assert.ok(m && m.requests > 0, def.row.id);
      // A request without its token or body would answer 401 or 400: wrk counts those.
      assert.deepEqual([m.non2xx, m.errors, m.timeouts], [0, 0, 0], def.row.id);
      assert.ok(m.latencyP50Ms > 0 && m.latencyP99Ms >= m.latencyP50Ms, def.row.id);
      assert.ok(m.cpu && m.cpu.loadGeneratorPct > 0, def.row.id);
    }
  });

  test('a resource this build does not have is skipped, with no figures', async () => {
    const token = await login(server, 'alice@acme.example');
    const path = '/services/data/v36.0/chatter/not-built-yet';
    const def = {
      row: { scenario: 'c' as const, id: 'c', title: 'not built', target: 'chatterbox', store: store.kind },
      probe: { method: 'GET' as const, path, headers: { authorization: `Bearer ${token}` }, expect: 200 },
      load: { path },
    };
    const { result } = await runScenario(server, def, settings);
    assert.deepEqual(result, {
      scenario: 'c',
      id: 'c',
      title: 'not built',
      target: 'chatterbox',
      store: store.kind,
      status: 'skipped',
      reason: NOT_AVAILABLE,
    });
  });
});

describe('bench report', () => {
  const measured: ScenarioResult = {
    scenario: 'a',
    id: 'a',
    title: 'GET chatter/users/me',
    target: 'chatterbox',
    store: 'sqlite',
    status: 'measured',
    measurement: {
      requestsPerSecond: 1000,
      latencyP50Ms: 5,
      latencyP99Ms: 20,
      latencyMeanMs: 6,
      requests: 10000,
      errors: 0,
      timeouts: 0,
      non2xx: 0,
      durationS: 10,
      connections: 10,
      rssPeakMb: 150,
      rssMeanMb: 140,
      cpu: { serverPct: 90, loadGeneratorPct: 50, othersPct: 10 },
      serverCpuUsPerRequest: 900,
    },
  };
  const results: BenchResults = {
    meta: {
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:01:00.000Z',
      mode: 'quick',
      commit: 'abc1234',
      node: 'v20.0.0',
      cpus: 2,
      cpuModel: 'CPU',
      memoryGb: 24,
      loadAverage: [0.5, 0.5, 0.5],
      versions: { autocannon: '8.0.0', fastify: '5', 'json-server': '0.17.4', '@stoplight/prism-cli': '5' },
      feedPosts: 10000,
      curvePosts: [1000, 10000],
    },
    settings: { connections: 10, durationS: 2, warmupS: 1 },
    startups: [
      { target: 'chatterbox', store: 'sqlite', condition: 'empty store, `--demo`', ms: 800, idleRssMb: 90 },
    ],
    seeds: [{ store: 'sqlite', posts: 1000, status: 'skipped', reason: NOT_AVAILABLE }],
    ratios: [{ store: 'sqlite', baseline: 'fastify', perRound: [0.25], median: 0.25 }],
    scenarios: [
      measured,
      {
        ...measured,
        target: 'fastify',
        store: undefined,
        measurement: { ...measured.measurement!, requestsPerSecond: 4000 },
      },
      {
        scenario: 'f',
        id: 'f-1000',
        title: 'Feed page',
        target: 'chatterbox',
        store: 'sqlite',
        posts: 1000,
        status: 'skipped',
        reason: NOT_AVAILABLE,
      },
    ],
  };

  /** The (b) news page and the bare Fastify serving its bytes, and both sides of (d), on one store. */
  const feedAndBatch = (
    store: 'sqlite' | 'postgres',
    rps: { page: number; ceiling: number; batch: number; single: number },
  ): ScenarioResult[] => {
    // Server CPU µs per request: the page 10,000 and its bytes 400 (4 %), a batch 5,000 and one GET
    // 800 (25 × 800 ÷ 5,000 = 4×).
    const at = (requestsPerSecond: number, serverCpuUsPerRequest: number) => ({
      ...measured.measurement!,
      requestsPerSecond,
      serverCpuUsPerRequest,
    });
    return [
      { ...measured, scenario: 'b', id: 'b-10000', store, posts: 10000, measurement: at(rps.page, 10000) },
      {
        ...measured,
        scenario: 'b',
        id: `b-ceiling-${store}`,
        target: 'fastify',
        store: undefined,
        measurement: at(rps.ceiling, 400),
      },
      {
        ...measured,
        scenario: 'd',
        id: 'd-batch',
        store,
        callsPerRequest: 25,
        measurement: at(rps.batch, 5000),
      },
      {
        ...measured,
        scenario: 'd',
        id: 'd-single',
        store,
        requestsPerSet: 25,
        measurement: at(rps.single, 800),
      },
    ];
  };

  test('the report has the targets, the ratios and the skipped rows without figures', () => {
    const report = renderReport(results, 'feed-scaling.svg');
    assert.match(report, /\| \(a\) req\/s ÷ bare-Fastify ceiling \| ≥ 50 % \| 25\.0 % \| \*\*missed\*\* \|/);
    assert.match(
      report,
      /\| \(b\) feed page req\/s ÷ bare-Fastify ceiling of \(a\) \| ≥ 25 % \| n\/a \| not measured \|/,
    );
    assert.match(
      report,
      /\| \(f\) feed page p50 on the largest store ÷ p50 on the smallest \(p50 taken as ≥ 1 ms\) \| ≤ 1\.5× \| n\/a \| not measured \|/,
    );
    assert.match(report, /\| sqlite \| 1,000 \| 0\.25 \| n\/a \| n\/a \|/);
    assert.match(
      report,
      /\| Chatterbox \(sqlite\) \| \(f\) Feed page — 1,000 posts \| skipped: not available in this build \|/,
    );
    assert.match(report, /!\[feed-page latency by store size\]\(feed-scaling\.svg\)/);
  });

  test('(h) file throughput: its own section with both MB/s and the ratios to bare Fastify', () => {
    const report = renderReport(
      {
        ...results,
        files: [
          {
            store: 'sqlite',
            mb: 10,
            rounds: 2,
            loadAverage: [1.5, 1, 1],
            chatterbox: { uploadMbps: 50, downloadMbps: 120 },
            bare: { uploadMbps: 200, downloadMbps: 400 },
            ratios: { upload: 0.25, download: 0.3 },
            rss: [],
          },
        ],
      },
      'feed-scaling.svg',
    );
    assert.match(report, /## \(h\) File upload and download throughput/);
    assert.match(
      report,
      /\| sqlite \| 10 MB × 2 \| 50\.0 MB\/s \| 200\.0 MB\/s \| 0\.25 \| 120\.0 MB\/s \| 400\.0 MB\/s \| 0\.30 \| 1\.50 \|/,
    );
    // A run without (h) has no such section.
    assert.doesNotMatch(renderReport(results, 'feed-scaling.svg'), /\(h\) File/);
  });

  test('the report shows every target of issue 14 as met, missed or not measured, with its ratio', () => {
    const report = renderReport(
      {
        ...results,
        scenarios: [
          ...results.scenarios,
          {
            ...measured,
            store: 'postgres',
            measurement: { ...measured.measurement!, requestsPerSecond: 600 },
          },
          ...feedAndBatch('sqlite', { page: 300, ceiling: 4000, batch: 200, single: 1250 }),
          ...feedAndBatch('postgres', { page: 100, ceiling: 4000, batch: 100, single: 1250 }),
          {
            ...measured,
            scenario: 'g',
            id: 'g-workers-1',
            store: 'postgres+redis',
            measurement: { ...measured.measurement!, requestsPerSecond: 500 },
          },
          {
            ...measured,
            scenario: 'g',
            id: 'g-workers-2',
            store: 'postgres+redis',
            measurement: { ...measured.measurement!, requestsPerSecond: 700 },
          },
        ],
      },
      'feed-scaling.svg',
    );
    assert.match(report, /\| 1\. users\/me on postgres ÷ users\/me on sqlite \| ≥ 0\.50 \| 0\.60 \| met \|/);
    assert.match(
      report,
      /\| 1\. users\/me on postgres\+redis ÷ users\/me on sqlite \| ≥ 0\.50 \| n\/a \| not measured \|/,
    );
    assert.match(
      report,
      /\| 2\. users\/me on sqlite ÷ bare Fastify serving the same body \| ≥ 0\.50 \| 0\.25 \| \*\*missed\*\* \|/,
    );
    assert.match(
      report,
      /\| 3\. news page of 25 \(10,000 posts\) on sqlite ÷ bare Fastify serving the same bytes \| ≥ 5 % \| 7\.5 % \(300 ÷ 4,000 req\/s; by server CPU per request 4\.0 %\) \| met \|/,
    );
    assert.match(
      report,
      /\| 3\. news page of 25 \(10,000 posts\) on postgres ÷ bare Fastify serving the same bytes \| ≥ 5 % \| 2\.5 % \(100 ÷ 4,000 req\/s; by server CPU per request 4\.0 %\) \| \*\*missed\*\* \|/,
    );
    assert.match(
      report,
      /\| 3\. news page of 25 \(10,000 posts\) on postgres\+redis ÷ bare Fastify serving the same bytes \| ≥ 5 % \| n\/a \| not measured \|/,
    );
    assert.match(
      report,
      /\| 4\. a batch of 25 GETs ÷ the 25 one by one \(sets per second\), sqlite \| ≥ 3× \| 4\.00× \(200\.0 ÷ 50\.0 sets\/s; by server CPU per set 4\.00×\) \| met \|/,
    );
    assert.match(
      report,
      /\| 4\. a batch of 25 GETs ÷ the 25 one by one \(sets per second\), postgres \| ≥ 3× \| 2\.00× \(100\.0 ÷ 50\.0 sets\/s; by server CPU per set 4\.00×\) \| \*\*missed\*\* \|/,
    );
    assert.match(
      report,
      /\| 4\. a batch of 25 GETs ÷ the 25 one by one \(sets per second\), postgres\+redis \| ≥ 3× \| n\/a \| not measured \|/,
    );
    assert.match(
      report,
      /\| 5\. peak RSS over every scenario and store, default flags \| < 200 MB \| 150 MB \(sqlite a\) \| met \|/,
    );
    assert.match(
      report,
      /\| 6\. users\/me of one org, postgres\+redis: --workers 2 ÷ --workers 1 \| ≥ 1\.3× \| 1\.40× \| met \|/,
    );
  });

  test('targets 3 and 4 of issue 14 are not measured when (b), its ceiling or one side of (d) is missing', () => {
    const rows = feedAndBatch('sqlite', { page: 300, ceiling: 4000, batch: 200, single: 1250 });
    const report = renderReport(
      {
        ...results,
        // The page without the bare Fastify serving its bytes; the batch without the one-by-one run.
        scenarios: [...results.scenarios, ...rows.filter((r) => !/ceiling|single/.test(r.id))],
      },
      'feed-scaling.svg',
    );
    for (const store of ['sqlite', 'postgres', 'postgres\\+redis']) {
      assert.match(
        report,
        new RegExp(
          `\\| 3\\. news page of 25 \\(10,000 posts\\) on ${store} ÷ bare Fastify serving the same bytes \\| ≥ 5 % \\| n/a \\| not measured \\|`,
        ),
      );
      assert.match(
        report,
        new RegExp(
          `\\| 4\\. a batch of 25 GETs ÷ the 25 one by one \\(sets per second\\), ${store} \\| ≥ 3× \\| n/a \\| not measured \\|`,
        ),
      );
    }
  });

  test('the report names the load generator: wrk in its own process, or autocannon in the bench process', () => {
    assert.match(
      renderReport(results, 'feed-scaling.svg'),
      /The load generator: autocannon 8\.0\.0, programmatic API in the bench process; /,
    );
    const withWrk = {
      ...results,
      meta: { ...results.meta, generator: { name: 'wrk' as const, version: '4.1.0' } },
    };
    assert.match(
      renderReport(withWrk, 'feed-scaling.svg'),
      /The load generator: wrk 4\.1\.0, one thread in its own process \(a Lua script sends each scenario's requests\); /,
    );
    const fallback = {
      ...results,
      meta: {
        ...results.meta,
        generator: { name: 'autocannon' as const, version: '8.0.0', fallback: 'wrk is not on the PATH' },
      },
    };
    assert.match(
      renderReport(fallback, 'feed-scaling.svg'),
      /The load generator: autocannon 8\.0\.0, programmatic API in the bench process \(wrk is not on the PATH\); /,
    );
  });

  test("(b) and (f) page the news, a record's, a topic's and a stream's feed: one row each, their own ids", () => {
    const news = feedPage('sqlite', 'T', 1000, 'f');
    const record = feedPage('sqlite', 'T', 1000, 'f', { kind: 'record', id: '001Cb0000000001IAA' });
    const topic = feedPage('sqlite', 'T', 100000, 'b', { kind: 'topic', id: '0TOCb0000000001OAA' });
    const stream = feedPage('postgres', 'T', 1000000, 'f', { kind: 'stream', id: '0FqCb0000000001KAA' });
    assert.deepEqual(
      [news, record, topic, stream].map((def) => [def.row, def.probe.path]),
      [
        [
          {
            scenario: 'f',
            id: 'f-1000',
            title: 'Feed page latency by store size',
            target: 'chatterbox',
            store: 'sqlite',
            posts: 1000,
          },
          '/services/data/v36.0/chatter/feeds/news/me/feed-elements?pageSize=25',
        ],
        [
          {
            scenario: 'f',
            id: 'f-record-1000',
            title: 'GET feeds/record/{recordId}/feed-elements (page of 25)',
            target: 'chatterbox',
            store: 'sqlite',
            posts: 1000,
            feed: 'record',
          },
          '/services/data/v36.0/chatter/feeds/record/001Cb0000000001IAA/feed-elements?pageSize=25',
        ],
        [
          {
            scenario: 'b',
            id: 'b-topic-100000',
            title: 'GET feeds/topics/{topicId}/feed-elements (page of 25)',
            target: 'chatterbox',
            store: 'sqlite',
            posts: 100000,
            feed: 'topic',
          },
          '/services/data/v36.0/chatter/feeds/topics/0TOCb0000000001OAA/feed-elements?pageSize=25',
        ],
        [
          {
            scenario: 'f',
            id: 'f-stream-1000000',
            title: 'GET feeds/streams/{streamId}/feed-elements (page of 25)',
            target: 'chatterbox',
            store: 'postgres',
            posts: 1000000,
            feed: 'stream',
          },
          '/services/data/v39.0/chatter/feeds/streams/0FqCb0000000001KAA/feed-elements?pageSize=25',
        ],
      ],
    );
  });

  test('the record, topic and stream feeds have their own scaling targets, table lines and curves, apart from the news feed', () => {
    const row = (feed: 'record' | 'topic' | 'stream', posts: number, p50: number): ScenarioResult => ({
      ...measured,
      scenario: 'f',
      id: `f-${feed}-${posts}`,
      title: feed,
      posts,
      feed,
      measurement: { ...measured.measurement!, latencyP50Ms: p50 },
    });
    const scaled: BenchResults = {
      ...results,
      seeds: [
        { store: 'sqlite', posts: 1000, status: 'seeded', ms: 1000 },
        { store: 'sqlite', posts: 1000000, status: 'seeded', ms: 60000 },
      ],
      scenarios: [
        ...results.scenarios.filter((r) => r.scenario !== 'f'),
        row('record', 1000, 4),
        row('record', 1000000, 5),
        row('topic', 1000, 4),
        row('topic', 1000000, 8),
        row('stream', 1000, 4),
        row('stream', 1000000, 6),
      ],
    };
    const report = renderReport(scaled, 'feed-scaling.svg');
    assert.match(
      report,
      /\| \(f\) feed page p50 on the largest store ÷ p50 on the smallest \(p50 taken as ≥ 1 ms\) \| ≤ 1\.5× \| n\/a \| not measured \|/,
    );
    assert.match(
      report,
      /\| \(f\) record feed page p50 on the largest store ÷ p50 on the smallest \(p50 taken as ≥ 1 ms\) \| ≤ 1\.5× \| 1\.25× \(1,000,000 vs 1,000 posts\) \| met \|/,
    );
    assert.match(
      report,
      /\| \(f\) topic feed page p50 on the largest store ÷ p50 on the smallest \(p50 taken as ≥ 1 ms\) \| ≤ 1\.5× \| 2\.00× \(1,000,000 vs 1,000 posts\) \| \*\*missed\*\* \|/,
    );
    assert.match(
      report,
      /\| \(f\) stream feed page p50 on the largest store ÷ p50 on the smallest \(p50 taken as ≥ 1 ms\) \| ≤ 1\.5× \| 1\.50× \(1,000,000 vs 1,000 posts\) \| met \|/,
    );
    assert.match(report, /\| sqlite \| 1,000,000 \| news \| 60\.0 s \| not run \| \| \| \|/);
    assert.match(report, /\| sqlite \| 1,000,000 \| record \| 60\.0 s \| 1,000 \| 5\.0 \| 20\.0 \| 150 \|/);
    assert.match(report, /\| sqlite \| 1,000 \| topic \| 1\.0 s \| 1,000 \| 4\.0 \| 20\.0 \| 150 \|/);
    assert.deepEqual(
      curveSeries(scaled).map((s) => [s.label, s.points]),
      [
        [
          'sqlite record p50',
          [
            { posts: 1000, ms: 4 },
            { posts: 1000000, ms: 5 },
          ],
        ],
        [
          'sqlite topic p50',
          [
            { posts: 1000, ms: 4 },
            { posts: 1000000, ms: 8 },
          ],
        ],
        [
          'sqlite stream p50',
          [
            { posts: 1000, ms: 4 },
            { posts: 1000000, ms: 6 },
          ],
        ],
      ],
    );
  });

  test('the chart is an SVG that says when the curve has no data', () => {
    const svg = renderChart(results);
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(svg, /no data: skipped: not available in this build/);
    assert.match(svg, /<\/svg>\n$/);
  });
});
