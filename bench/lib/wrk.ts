import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadSpec } from './load.js';

/** What one generator run gives, whichever generator ran it. Latencies in ms. */
export interface GeneratorRun {
  requests: number;
  durationS: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMeanMs: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  /** CPU the generator used, in % of one core, when it ran as its own process. */
  generatorPct?: number;
}

/** wrk's version when `wrk` is on the PATH (Debian: `apt-get install wrk`), else undefined. */
export function wrkVersion(): string | undefined {
  const run = spawnSync('wrk', ['-v'], { encoding: 'utf8' });
  if (run.error) return undefined;
  return /wrk (?:debian\/)?(\S+)/.exec(`${run.stdout}${run.stderr}`)?.[1] ?? 'unknown';
}

/** A Lua string literal holding any bytes: every byte as a decimal escape. */
const lua = (text: string) => `"${[...Buffer.from(text, 'utf8')].map((b) => `\\${b}`).join('')}"`;
const luaTable = (headers: Record<string, string>) =>
  `{${Object.entries(headers)
    .map(([k, v]) => `[${lua(k)}]=${lua(v)}`)
    .join(',')}}`;

/**
 * The wrk script of a load spec: one request set on `wrk` (wrk's cheapest path), or a sequence
 * each thread sends in turn; and a `done` that prints the figures on one line for parseRun.
 */
export function wrkScript(spec: LoadSpec): string {
  const lines: string[] = [];
  if (spec.sequence) {
    const requests = spec.sequence.map(
      (r) =>
        `wrk.format(${lua(r.method)}, ${lua(r.path)}, ${luaTable({ ...spec.headers, ...r.headers })}, ${
          r.body === undefined ? 'nil' : lua(r.body)
        })`,
    );
    lines.push(
      'local requests = {}',
      'local i = 0',
      `init = function(args) requests = {${requests.join(', ')}} end`,
      'request = function() i = i % #requests + 1; return requests[i] end',
    );
  } else {
    lines.push(`wrk.method = ${lua(spec.method ?? 'GET')}`);
    for (const [k, v] of Object.entries(spec.headers ?? {})) lines.push(`wrk.headers[${lua(k)}] = ${lua(v)}`);
    if (spec.body !== undefined) lines.push(`wrk.body = ${lua(spec.body)}`);
  }
  lines.push(
    'done = function(summary, latency, requests)',
    '  local e = summary.errors',
    '  io.write(string.format("\\nCHATTERBOX_WRK %d %d %d %d %d %.3f %.3f %.3f\\n", summary.requests,',
    '    summary.duration, e.connect + e.read + e.write, e.timeout, e.status,',
    '    latency:percentile(50), latency:percentile(99), latency.mean))',
    'end',
  );
  return `${lines.join('\n')}\n`;
}

/** The figures of wrk's output (its `done` line); throws with the output when there is none. */
export function parseRun(output: string): Omit<GeneratorRun, 'generatorPct'> {
  const line = /CHATTERBOX_WRK ([^\n]+)/.exec(output)?.[1];
  if (!line) throw new Error(`wrk gave no figures: ${output.slice(0, 500)}`);
  const [requests, durationUs, errors, timeouts, non2xx, p50, p99, mean] = line.split(' ').map(Number);
  return {
    requests: requests ?? 0,
    durationS: (durationUs ?? 0) / 1e6,
    errors: errors ?? 0,
    timeouts: timeouts ?? 0,
    // wrk counts answers with a status over 399 (autocannon: every one outside 2xx).
    non2xx: non2xx ?? 0,
    latencyP50Ms: (p50 ?? 0) / 1000,
    latencyP99Ms: (p99 ?? 0) / 1000,
    latencyMeanMs: (mean ?? 0) / 1000,
  };
}

/** CPU ticks of this process's reaped children (cutime + cstime of /proc/self/stat). */
function childTicks(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
  return Number(fields[13]) + Number(fields[14]);
}

/**
 * Drives `url` for `durationS` with wrk as its own process, one thread (it keeps up with tens of
 * thousands of requests a second on one core, where autocannon in this process takes about as
 * much CPU as the server it drives).
 */
export async function runWrk(
  url: string,
  spec: LoadSpec,
  options: { connections: number; durationS: number; timeoutS: number },
): Promise<GeneratorRun> {
  const dir = mkdtempSync(join(tmpdir(), 'chatterbox-wrk-'));
  const script = join(dir, 'load.lua');
  writeFileSync(script, wrkScript(spec));
  const seconds = Math.max(1, Math.round(options.durationS));
  const args = ['-t1', `-c${options.connections}`, `-d${seconds}s`, `--timeout`, `${options.timeoutS}s`];
  const ticks = childTicks();
  const started = performance.now();
  try {
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn('wrk', [...args, '-s', script, url], { stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      child.stdout.on('data', (chunk) => {
        text += chunk;
      });
      child.stderr.on('data', (chunk) => {
        text += chunk;
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), (seconds + options.timeoutS + 30) * 1000);
      child.on('error', reject);
      child.on('close', () => {
        clearTimeout(timer);
        resolve(text);
      });
    });
    const elapsedS = (performance.now() - started) / 1000;
    return { ...parseRun(output), generatorPct: ((childTicks() - ticks) / 100 / elapsedS) * 100 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
