/**
 * Batch vs one-by-one (SPEC §8): the same 25 GETs sent one after another over one keep-alive
 * loopback connection, then as one POST /connect/batch. Starts its own server (demo org, SQLite in
 * memory, quotas out of the way) in a child process, or measures `--url` with `--token`.
 *
 *   node --import tsx bench/batch-vs-sequential.ts [--rounds 40] [--mix users-me|mixed] [--store sqlite|postgres]
 *
 * Prints the median wall time of each way over the rounds and their ratio.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '40' },
    mix: { type: 'string', default: 'users-me' },
    url: { type: 'string' },
    token: { type: 'string' },
    'database-url': { type: 'string' },
  },
});
const ROUNDS = Number(values.rounds);
const VERSION = 'v36.0';

async function startServer(): Promise<{ url: string; child: ChildProcess }> {
  const args = [
    '--import',
    'tsx',
    'cli/chatterbox.ts',
    'serve',
    '--demo',
    '--port',
    '0',
    '--log-level',
    'warn',
  ];
  args.push(
    ...(values['database-url']
      ? ['--database-url', values['database-url'], '--pg-schema', `bench_${process.pid}`]
      : ['--db', ':memory:']),
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
  for await (const line of createInterface({ input: child.stdout as NonNullable<typeof child.stdout> })) {
    const match = /listening on (http:\/\/\S+)/.exec(line);
    if (match) return { url: match[1] as string, child };
  }
  throw new Error('the server did not start');
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

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
    (await send(base, 'GET', `/services/data/${VERSION}/chatter/users?pageSize=5`, token)).text,
  ).users as { id: string }[];
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

async function main(): Promise<void> {
  const server = values.url ? undefined : await startServer();
  const base = values.url ?? (server?.url as string);
  try {
    const token = values.token ?? (await login(base));
    const gets = await paths(base, token);
    const batchBody = { batchRequests: gets.map((url) => ({ method: 'GET', url })) };
    const sequential = async () => {
      for (const path of gets) {
        const { status } = await send(base, 'GET', path, token);
        if (status !== 200) throw new Error(`GET ${path}: ${status}`);
      }
    };
    const batch = async () => {
      const { status, text } = await send(
        base,
        'POST',
        `/services/data/${VERSION}/connect/batch`,
        token,
        batchBody,
      );
      if (status !== 200 || JSON.parse(text).hasErrors)
        throw new Error(`batch: ${status} ${text.slice(0, 200)}`);
    };
    const time = async (fn: () => Promise<void>) => {
      const start = process.hrtime.bigint();
      await fn();
      return Number(process.hrtime.bigint() - start) / 1e6;
    };
    for (let i = 0; i < 10; i++) {
      await sequential();
      await batch();
    }
    // Interleaved, so a busy moment on the machine hits both ways alike.
    const seq: number[] = [];
    const bat: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      seq.push(await time(sequential));
      bat.push(await time(batch));
    }
    const s = median(seq);
    const b = median(bat);
    process.stdout.write(
      `${gets.length} GETs (${values.mix}), ${ROUNDS} rounds, medians: one by one ${s.toFixed(2)} ms, ` +
        `batch ${b.toFixed(2)} ms, batch is ${(s / b).toFixed(2)}x faster\n`,
    );
  } finally {
    agent.destroy();
    server?.child.kill('SIGTERM');
  }
}

await main();
