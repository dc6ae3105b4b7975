import type { GeneratorName, LoadSettings } from './load.js';
import type { ScenarioResult, StoreLabel } from './scenarios.js';

/** Time from process start to the first served request. */
export interface StartupResult {
  target: string;
  store?: StoreLabel;
  /** 'empty store, --demo' (migrate and seed the demo org), 'existing store', '100000 posts'… */
  condition: string;
  ms: number;
  idleRssMb: number;
}

export interface SeedResult {
  store: StoreLabel;
  posts: number;
  status: 'seeded' | 'skipped' | 'failed';
  ms?: number;
  reason?: string;
}

export interface BenchResults {
  meta: {
    startedAt: string;
    finishedAt: string;
    mode: 'quick' | 'full';
    commit: string;
    node: string;
    cpus: number;
    cpuModel: string;
    memoryGb: number;
    /** os.loadavg() when the run started: other work on the machine skews every figure. */
    loadAverage: number[];
    /** Exact versions of the servers and the load generator. */
    versions: Record<string, string>;
    /**
     * The load generator that drove every scenario (absent from runs before wrk: autocannon in the
     * bench process); `fallback` says why it is not wrk when wrk was wanted.
     */
    generator?: { name: GeneratorName; version: string; fallback?: string };
    /** (b) is the feed page on a store of this many posts. */
    feedPosts: number;
    curvePosts: number[];
  };
  settings: LoadSettings;
  startups: StartupResult[];
  seeds: SeedResult[];
  scenarios: ScenarioResult[];
  /** Chatterbox's (a) req/s ÷ a baseline's, per round of interleaved runs, and their median. */
  ratios: { store: StoreLabel; baseline: string; perRound: number[]; median: number }[];
  /** (h) file upload and download throughput, per store (absent from runs before it existed). */
  files?: FileThroughputResult[];
}

/** (h): medians of interleaved rounds, Chatterbox beside bare Fastify on disk, and their ratios. */
export interface FileThroughputResult {
  store: StoreLabel;
  mb: number;
  rounds: number;
  loadAverage: number[];
  chatterbox: { uploadMbps: number; downloadMbps: number };
  bare: { uploadMbps: number; downloadMbps: number };
  ratios: { upload: number; download: number };
  rss: { mb: number; idleMb: number; uploadPeakMb: number; downloadPeakMb: number }[];
}
