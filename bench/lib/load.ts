import autocannon, { type Options } from 'autocannon';
import { type CpuShare, sampleCpu, sampleRss } from './processes.js';
import { type GeneratorRun, runWrk } from './wrk.js';

/**
 * The load generator: wrk as its own process (cheap: it leaves the CPU of a 2-core machine to the
 * server, so it does not cap the bare-Fastify ceiling), autocannon in this process (always there),
 * or autocannon in two worker threads (as much CPU per request as in this process, spread over two).
 */
export type GeneratorName = 'wrk' | 'autocannon' | 'autocannon-workers';

/** What one load run sends: one request, or a sequence each connection sends in turn. */
export interface LoadSpec {
  method?: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** When set, each connection sends these in order, over and over (autocannon `requests`). */
  sequence?: { method: 'GET' | 'POST'; path: string; headers?: Record<string, string>; body?: string }[];
}

export interface LoadSettings {
  connections: number;
  durationS: number;
  warmupS: number;
  /** Measured runs per scenario (default 1); the one with the median req/s is kept. */
  repeat?: number;
  /** Default autocannon, which needs nothing installed. */
  generator?: GeneratorName;
}

/** One scenario's figures. Latencies in ms, memory in MB. */
export interface Measurement {
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMeanMs: number;
  requests: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  durationS: number;
  connections: number;
  rssPeakMb: number;
  rssMeanMb: number;
  /** CPU during the measured period, in % of one core; undefined where /proc cannot be read. */
  cpu: CpuShare | undefined;
  /** req/s of every measured run, when there were several (the row is the median one). */
  runs?: number[];
  /**
   * Server CPU time per request, in µs: unlike req/s, it hardly depends on what else the machine
   * is doing, so it is the figure to compare runs by.
   */
  serverCpuUsPerRequest: number | undefined;
}

/** A load run, ready to warm up and to measure; several targets' runs can be interleaved. */
export interface Load {
  warmUp: () => Promise<void>;
  runOnce: () => Promise<Measurement>;
}

export function prepareLoad(
  server: { url: string; pid: number },
  spec: LoadSpec,
  settings: LoadSettings,
): Load {
  const options: Options = {
    url: server.url + spec.path,
    method: spec.method ?? 'GET',
    headers: spec.headers,
    body: spec.body,
    requests: spec.sequence,
    connections: settings.connections,
    pipelining: 1,
    timeout: 10,
  };
  const run = (durationS: number): Promise<GeneratorRun> =>
    settings.generator === 'wrk'
      ? runWrk(options.url, spec, { connections: settings.connections, durationS, timeoutS: 10 })
      : runAutocannon(
          settings.generator === 'autocannon-workers' ? { ...options, workers: 2 } : options,
          durationS,
        );
  return {
    warmUp: async () => {
      if (settings.warmupS > 0) await run(settings.warmupS);
    },
    runOnce: () => measureOnce(server, () => run(settings.durationS), settings),
  };
}

async function runAutocannon(options: Options, durationS: number): Promise<GeneratorRun> {
  const result = await autocannon({ ...options, duration: durationS });
  return {
    requests: result.requests.total,
    durationS: result.duration,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    latencyMeanMs: result.latency.average,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
  };
}

/**
 * Several runs of one scenario as one row: the run with the median req/s, the peak RSS of all,
 * and every run's req/s. On a machine shared with other work one run can fall on a busy moment.
 */
export function medianRun(runs: Measurement[]): Measurement {
  if (runs.length === 1) return runs[0] as Measurement;
  const sorted = [...runs].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
  return {
    ...(sorted[Math.floor(sorted.length / 2)] as Measurement),
    rssPeakMb: Math.max(...runs.map((r) => r.rssPeakMb)),
    runs: runs.map((r) => r.requestsPerSecond),
  };
}

/**
 * Warms the server up (results dropped), then drives it for a fixed time with the load generator
 * (the server is another process) while sampling the server's RSS and CPU;
 * `repeat` times, keeping the median run.
 */
export async function measure(
  server: { url: string; pid: number },
  spec: LoadSpec,
  settings: LoadSettings,
): Promise<Measurement> {
  const load = prepareLoad(server, spec, settings);
  await load.warmUp();
  const runs: Measurement[] = [];
  for (let i = 0; i < Math.max(1, settings.repeat ?? 1); i++) runs.push(await load.runOnce());
  return medianRun(runs);
}

async function measureOnce(
  server: { pid: number },
  run: () => Promise<GeneratorRun>,
  settings: LoadSettings,
): Promise<Measurement> {
  const rss = sampleRss(server.pid);
  const cpu = sampleCpu(server.pid);
  const result = await run();
  const share = cpu.stop();
  const memory = rss.stop();
  // A generator in its own process (wrk) is not this process: move its CPU out of "others".
  const cpuShare =
    share && result.generatorPct !== undefined
      ? {
          serverPct: share.serverPct,
          loadGeneratorPct: share.loadGeneratorPct + result.generatorPct,
          othersPct: Math.max(0, share.othersPct - result.generatorPct),
        }
      : share;
  return {
    requestsPerSecond: result.requests / result.durationS,
    latencyP50Ms: result.latencyP50Ms,
    latencyP99Ms: result.latencyP99Ms,
    latencyMeanMs: result.latencyMeanMs,
    requests: result.requests,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    durationS: result.durationS,
    connections: settings.connections,
    rssPeakMb: memory.peakMb,
    rssMeanMb: memory.meanMb,
    cpu: cpuShare,
    serverCpuUsPerRequest: cpuShare
      ? ((cpuShare.serverPct / 100) * result.durationS * 1e6) / Math.max(1, result.requests)
      : undefined,
  };
}
