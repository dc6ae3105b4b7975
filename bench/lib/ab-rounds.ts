import { execFile } from 'node:child_process';
import { parseArgs } from 'node:util';

/**
 * The flags every A/B script takes (`--database-url`, `--seconds`, `--rounds`, `--connections`),
 * with the test harness pointed at that PostgreSQL: call before importing the harness.
 */
export function abFlags(): { seconds: string; rounds: number; connections: string } {
  const { values } = parseArgs({
    options: {
      'database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
      seconds: { type: 'string', default: '5' },
      rounds: { type: 'string', default: '3' },
      connections: { type: 'string', default: '10' },
    },
  });
  process.env.CHATTERBOX_TEST_DATABASE_URL = values['database-url'];
  process.env.CHATTERBOX_TEST_STORE = 'postgres';
  return { seconds: values.seconds, rounds: Number(values.rounds), connections: values.connections };
}

/**
 * One mode's runs: req/s and this process's CPU (user + system) per request, run by run; with
 * `otherCpuUs`, that one's too (e.g. PostgreSQL's backends).
 */
export interface AbSeries {
  rps: number[];
  cpuUsPerRequest: number[];
  otherCpuUsPerRequest?: number[];
}

interface AbRequest {
  url: string;
  headers: string[];
  method?: string;
  body?: string;
}

/**
 * A/B rounds against a server running in this process: each round runs every mode once, in
 * order, after `prepare(mode)`, with autocannon as a child process (so its CPU is not counted), so
 * that every mode sees the same load from other work on the machine.
 */
export async function abRounds<M extends string>(options: {
  modes: readonly M[];
  rounds: number;
  seconds: string;
  connections: string;
  prepare: (mode: M) => Promise<void> | void;
  /** The request, or each mode's. */
  request: AbRequest | ((mode: M) => AbRequest);
  /** Reads another process's CPU so far, in µs, before and after each run (see AbSeries). */
  otherCpuUs?: () => Promise<Map<number, number>>;
}): Promise<Record<M, AbSeries>> {
  const results = {} as Record<M, AbSeries>;
  for (const mode of options.modes) results[mode] = { rps: [], cpuUsPerRequest: [] };
  const { otherCpuUs } = options;
  const argsOf = (mode: M) => {
    const request = typeof options.request === 'function' ? options.request(mode) : options.request;
    return [
      '-j',
      '-c',
      options.connections,
      '-d',
      options.seconds,
      ...(request.method ? ['-m', request.method] : []),
      ...request.headers.flatMap((header) => ['-H', header]),
      ...(request.body === undefined ? [] : ['-b', request.body]),
      request.url,
    ];
  };
  for (let round = 0; round < options.rounds; round++) {
    for (const mode of options.modes) {
      await options.prepare(mode);
      const other0 = await otherCpuUs?.();
      const cpu0 = process.cpuUsage();
      const run = await new Promise<string>((resolve) => {
        execFile('node_modules/.bin/autocannon', argsOf(mode), { maxBuffer: 1 << 24 }, (_e, stdout) =>
          resolve(stdout),
        );
      });
      const cpu = process.cpuUsage(cpu0);
      const report = JSON.parse(run) as { requests: { total: number; average: number }; non2xx: number };
      results[mode].rps.push(Math.round(report.requests.average));
      results[mode].cpuUsPerRequest.push(Math.round((cpu.user + cpu.system) / report.requests.total));
      if (other0 && otherCpuUs) {
        // Per process (e.g. backend) still there at the end: what it used since the start.
        let used = 0;
        for (const [pid, us] of await otherCpuUs()) used += us - (other0.get(pid) ?? 0);
        const series = results[mode];
        series.otherCpuUsPerRequest = [
          ...(series.otherCpuUsPerRequest ?? []),
          Math.round(used / report.requests.total),
        ];
      }
      if (report.non2xx) process.stderr.write(`${mode}: ${report.non2xx} non-2xx\n`);
    }
  }
  return results;
}
