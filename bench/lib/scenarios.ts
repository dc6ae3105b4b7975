import { type LoadSettings, type LoadSpec, type Measurement, measure } from './load.js';

export type ScenarioKey = 'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g' | 'h';

/** The store a Chatterbox row ran on: PostgreSQL alone, or with Redis holding quotas and caches. */
export type StoreLabel = 'sqlite' | 'postgres' | 'postgres+redis';

export const SCENARIO_TITLES: Record<ScenarioKey, string> = {
  a: 'GET chatter/users/me',
  b: 'GET feeds/news/me/feed-elements (page of 25)',
  c: 'POST chatter/feed-elements',
  d: '25 GETs: one batch vs one by one',
  e: 'POST oauth2/token (password grant)',
  f: 'Feed page latency by store size',
  g: 'GET chatter/users/me, one org, --workers 1 vs --workers 2',
  h: 'File upload and download MB/s (10 MB) vs bare Fastify on disk',
};

/** The feeds (b) and (f) page: the news feed, a record's feed, a topic's feed. */
export type FeedKind = 'news' | 'record' | 'topic' | 'stream';

export const NOT_AVAILABLE = 'skipped: not available in this build';

/** One row of the report: measured, skipped (with why), or failed (with why); never a fake figure. */
export interface ScenarioResult {
  scenario: ScenarioKey;
  /** Distinguishes the rows of one scenario: 'a', 'd-batch', 'd-single', 'f-100000'… */
  id: string;
  title: string;
  /** 'chatterbox' or a baseline id. */
  target: string;
  store?: StoreLabel;
  status: 'measured' | 'skipped' | 'failed';
  reason?: string;
  /** Posts in the store, for the feed scenarios. */
  posts?: number;
  /** Which feed a feed scenario pages (absent: the news feed, as in results before it was added). */
  feed?: FeedKind;
  /** How many API calls one request stands for (25 for a batch of 25). */
  callsPerRequest?: number;
  /** For a sequence: how many requests make one unit of work (25 sent one by one). */
  requestsPerSet?: number;
  measurement?: Measurement;
  notes?: string[];
}

export interface Probe {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** The status a working endpoint answers. */
  expect: number;
}

export interface ScenarioDef {
  row: Omit<ScenarioResult, 'status' | 'measurement' | 'reason'>;
  probe: Probe;
  load: LoadSpec;
}

export type ProbeOutcome = { ok: true; body: unknown } | { ok: false; result: ScenarioResult; body: unknown };

/**
 * Calls the endpoint once. A 404 means this build does not have the resource yet: the row says
 * so and carries no figures. Any other unexpected answer is a failure.
 */
export async function probe(server: { url: string }, def: ScenarioDef): Promise<ProbeOutcome> {
  const response = await fetch(server.url + def.probe.path, {
    method: def.probe.method,
    headers: def.probe.headers,
    body: def.probe.body,
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: kept as text for the failure message.
  }
  if (response.status === 404) {
    return { ok: false, result: { ...def.row, status: 'skipped', reason: NOT_AVAILABLE }, body };
  }
  if (response.status !== def.probe.expect) {
    const reason = `failed: the probe ${def.probe.method} ${def.probe.path} answered ${response.status} (expected ${def.probe.expect}): ${text.slice(0, 200)}`;
    return { ok: false, result: { ...def.row, status: 'failed', reason }, body };
  }
  return { ok: true, body };
}

/** Probes the endpoint once, then measures it (see probe() for what a failed probe gives). */
export async function runScenario(
  server: { url: string; pid: number },
  def: ScenarioDef,
  settings: LoadSettings,
): Promise<{ result: ScenarioResult; probeBody: unknown }> {
  const outcome = await probe(server, def);
  if (!outcome.ok) return { result: outcome.result, probeBody: outcome.body };
  const measurement = await measure(server, def.load, settings);
  return { result: { ...def.row, status: 'measured', measurement }, probeBody: outcome.body };
}

/** The row of a scenario that could not even be set up (its store could not be seeded, say). */
export function notRun(
  row: ScenarioDef['row'],
  status: 'skipped' | 'failed',
  reason: string,
): ScenarioResult {
  return { ...row, status, reason };
}
