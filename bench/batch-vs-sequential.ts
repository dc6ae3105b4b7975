/**
 * Batch vs one-by-one (SPEC §8): the same 25 GETs sent one after another over one keep-alive
 * loopback connection, then as one POST /connect/batch. Starts the built server (demo org, SQLite
 * in memory, quotas out of the way) in a child process, or measures `--url` with `--token`.
 *
 *   npm run build && node --import tsx bench/batch-vs-sequential.ts [--rounds 40] [--mix users-me|mixed|bench]
 *     [--database-url postgres://… [--redis-url redis://…]] [--log-level info]
 *     [--cli bin/chatterbox.js --cli /elsewhere/bin/chatterbox.js]
 *
 * `--mix bench` is bench (d)'s: User Detail of `me` and of the org's users in turn; `--log-level
 * info` writes a request log line per request as a default server does (bench (d) runs so).
 *
 * Prints, for each server, the median wall time of each way over the rounds, their ratio, and the
 * server's CPU (utime + stime from /proc) per GET each way. Several `--cli` (e.g. a copy of the
 * build before a change) run side by side, rounds alternated, so the load bends them alike.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { dropPostgresSchema } from '../src/store/dialects/postgres.js';
import { processTicks } from './lib/processes.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '40' },
    mix: { type: 'string', default: 'users-me' },
    url: { type: 'string' },
    token: { type: 'string' },
    'database-url': { type: 'string' },
    'redis-url': { type: 'string' },
    'log-level': { type: 'string', default: 'warn' },
    /** Sets sent at once in a round (each on its own connection), as bench (d)'s 10 connections. */
    connections: { type: 'string', default: '1' },
    cli: { type: 'string', multiple: true, default: ['bin/chatterbox.js'] },
  },
});
const ROUNDS = Number(values.rounds);
const CONNECTIONS = Number(values.connections);
const VERSION = 'v36.0';
const TICK_US = 10_000; // getconf CLK_TCK = 100 on Linux

/** The PostgreSQL schemas of the servers started, dropped at the end. */
const schemas: string[] = [];

async function startServer(cli: string): Promise<{ url: string; child: ChildProcess }> {
  const args = [cli, 'serve', '--demo', '--port', '0', '--log-level', values['log-level'] as string];
  const schema = `bench_${process.pid}_${schemas.length}`;
  schemas.push(schema);
  args.push(
    ...(values['database-url']
      ? ['--database-url', values['database-url'], '--pg-schema', schema]
      : ['--db', ':memory:']),
    ...(values['redis-url'] ? ['--redis-url', values['redis-url'], '--redis-prefix', `${schema}:`] : []),
  );
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      CHATTERBOX_ADMIN_TOKEN: 'bench',
      CHATTERBOX_HOURLY_LIMIT: '100000000',
      CHATTERBOX_DAILY_LIMIT: '100000000',
    },
  });
  // Read to the end, not only to the banner: the request log lines of --log-level info keep coming.
  const lines = createInterface({ input: child.stdout as NonNullable<typeof child.stdout> });
  return new Promise((resolve, reject) => {
    lines.on('line', (line) => {
      const match = /listening on (http:\/\/\S+)/.exec(line);
      if (match) resolve({ url: match[1] as string, child });
    });
    lines.on('close', () => reject(new Error('the server did not start')));
  });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });

function send(
  base: string,
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const request = http.request(
      `${base}${path}`,
      {
        method,
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          ...(payload
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
            : {}),
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => {
          text += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

async function login(base: string): Promise<string> {
  const body = new URLSearchParams({
    grant_type: 'password',
    client_id: 'chatterbox-demo',
    client_secret: 'chatterbox-demo-secret',
    username: 'alice@acme.example',
    password: 'demo-password-1',
  }).toString();
  const response = await fetch(`${base}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

async function paths(base: string, token: string): Promise<string[]> {
  if (values.mix === 'users-me')
    return Array.from({ length: 25 }, () => `/services/data/${VERSION}/chatter/users/me`);
  const users = JSON.parse(
    (
      await send(
        base,
        'GET',
        `/services/data/${VERSION}/chatter/users?pageSize=${values.mix === 'bench' ? 100 : 5}`,
        token,
      )
    ).text,
  ).users as { id: string }[];
  if (values.mix === 'bench') {
    // bench/lib/chatterbox-scenarios.ts twentyFiveGets
    const subjects = ['me', ...users.map((u) => u.id)];
    return Array.from(
      { length: 25 },
      (_, i) => `/services/data/${VERSION}/chatter/users/${subjects[i % subjects.length]}`,
    );
  }
  const cycle = [
    `/services/data/${VERSION}/chatter/users/me`,
    ...users.map((u) => `/services/data/${VERSION}/chatter/users/${u.id}`),
    `/services/data/${VERSION}/chatter/users?pageSize=3`,
    `/services/data/${VERSION}/chatter`,
    `/services/data/${VERSION}/chatter/users/batch/${users.map((u) => u.id).join(',')}`,
  ];
  return Array.from({ length: 25 }, (_, i) => cycle[i % cycle.length] as string);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

interface Target {
  name: string;
  base: string;
  token: string;
  pid: number | undefined;
  child: ChildProcess | undefined;
  sequential: () => Promise<void>;
  batch: () => Promise<void>;
  wall: { seq: number[]; bat: number[] };
  ticks: { seq: number; bat: number };
}

async function target(
  name: string,
  server: { url: string; child: ChildProcess } | undefined,
): Promise<Target> {
  const base = values.url ?? (server?.url as string);
  const token = values.token ?? (await login(base));
  const gets = await paths(base, token);
  const batchBody = { batchRequests: gets.map((url) => ({ method: 'GET', url })) };
  return {
    name,
    base,
    token,
    pid: server?.child.pid,
    child: server?.child,
    sequential: async () => {
      for (const path of gets) {
        const { status } = await send(base, 'GET', path, token);
        if (status !== 200) throw new Error(`GET ${path}: ${status}`);
      }
    },
    batch: async () => {
      const { status, text } = await send(
        base,
        'POST',
        `/services/data/${VERSION}/connect/batch`,
        token,
        batchBody,
      );
      if (status !== 200 || JSON.parse(text).hasErrors)
        throw new Error(`batch: ${status} ${text.slice(0, 200)}`);
    },
    wall: { seq: [], bat: [] },
    ticks: { seq: 0, bat: 0 },
  };
}

/** Runs one way once: its wall time in ms, and the server's CPU ticks added to `ticks[way]`. */
async function measure(t: Target, way: 'seq' | 'bat'): Promise<void> {
  const ticks0 = t.pid === undefined ? 0 : processTicks(t.pid);
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: CONNECTIONS }, () => (way === 'seq' ? t.sequential() : t.batch())));
  t.wall[way].push(Number(process.hrtime.bigint() - start) / 1e6);
  if (t.pid !== undefined) t.ticks[way] += processTicks(t.pid) - ticks0;
}

async function main(): Promise<void> {
  const clis = values.url ? ['--url'] : (values.cli as string[]);
  const targets: Target[] = [];
  try {
    for (const cli of clis) targets.push(await target(cli, values.url ? undefined : await startServer(cli)));
    for (let i = 0; i < 10; i++) {
      for (const t of targets) {
        await t.sequential();
        await t.batch();
      }
    }
    // Interleaved, so a busy moment on the machine hits every server and both ways alike.
    for (let i = 0; i < ROUNDS; i++) {
      for (const t of targets) {
        await measure(t, 'seq');
        await measure(t, 'bat');
      }
    }
    const gets = 25 * ROUNDS * CONNECTIONS;
    for (const t of targets) {
      const s = median(t.wall.seq);
      const b = median(t.wall.bat);
      const cpu =
        t.pid === undefined
          ? ''
          : `; server CPU per GET: one by one ${((t.ticks.seq * TICK_US) / gets).toFixed(0)} µs, ` +
            `in a batch ${((t.ticks.bat * TICK_US) / gets).toFixed(0)} µs`;
      process.stdout.write(
        `${t.name}: 25 GETs (${values.mix}), ${ROUNDS} rounds of ${CONNECTIONS} at once, medians: one by one ${s.toFixed(2)} ms, ` +
          `batch ${b.toFixed(2)} ms, batch is ${(s / b).toFixed(2)}x faster${cpu}\n`,
      );
    }
  } finally {
    agent.destroy();
    for (const t of targets) t.child?.kill('SIGTERM');
    const url = values['database-url'];
    if (url) {
      const exited = (child: ChildProcess | undefined) =>
        !child || child.exitCode !== null || child.signalCode !== null
          ? undefined
          : new Promise((resolve) => child.once('exit', resolve));
      await Promise.all(targets.map((t) => exited(t.child)));
      for (const schema of schemas) await dropPostgresSchema(url, schema);
    }
  }
}

await main();
