import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deleteKeys, escapeGlob } from '../../src/lib/redis-keys.js';
import { dropPostgresSchema } from '../../src/store/dialects/postgres.js';
import { freePort, runCommand, type ServerProcess, startServer } from './processes.js';
import type { StoreLabel } from './scenarios.js';

export const DEMO_CLIENT = { id: 'chatterbox-demo', secret: 'chatterbox-demo-secret' };
export const DEMO_PASSWORD = 'demo-password-1';
export const ADMIN_TOKEN = 'bench-admin-token';
/** Quotas are counted as usual but set high enough never to refuse a benchmark request (SPEC §7). */
const NO_REFUSALS = '1000000000';

/** How to run the `chatterbox` command: the built bin (the bench) or the sources through tsx (tests). */
export type CliCommand = string[];
export const BUILT_CLI: CliCommand = [process.execPath, 'bin/chatterbox.js'];
export const SOURCE_CLI: CliCommand = [process.execPath, '--import', 'tsx', 'cli/chatterbox.ts'];

/** A store of its own for one server: a temp SQLite file, or a fresh PostgreSQL schema. */
export interface BenchStore {
  kind: StoreLabel;
  /** The store's flags (serve, seed, reset). */
  flags: string[];
  /** What `serve` takes besides (Redis). */
  serveFlags?: string[];
  dispose: () => Promise<void>;
}

export function sqliteStore(): BenchStore {
  const dir = mkdtempSync(join(tmpdir(), 'chatterbox-bench-'));
  return {
    kind: 'sqlite',
    flags: ['--db', join(dir, 'bench.db')],
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A fresh PostgreSQL schema; with `redisUrl`, Redis holds the quotas and caches (own key prefix). */
export function postgresStore(url: string, redisUrl?: string): BenchStore {
  const schema = `bench_${process.pid}_${randomBytes(4).toString('hex')}`;
  const redis = redisUrl ? ['--redis-url', redisUrl, '--redis-prefix', `${schema}:`] : [];
  return {
    kind: redisUrl ? 'postgres+redis' : 'postgres',
    flags: ['--database-url', url, '--pg-schema', schema],
    serveFlags: redis,
    dispose: async () => {
      await dropPostgresSchema(url, schema);
      if (redisUrl) await deleteRedisPrefix(redisUrl, `${schema}:`);
    },
  };
}

/** The keys a bench server left under its prefix (quota counters live a day otherwise). */
async function deleteRedisPrefix(url: string, prefix: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    await deleteKeys(redis, `${escapeGlob(prefix)}*`);
  } finally {
    redis.disconnect();
  }
}

/** `chatterbox serve --demo` on its own store and a free loopback port. */
export async function startChatterbox(
  cli: CliCommand,
  store: BenchStore,
  options: { cwd: string; extraArgs?: string[] },
): Promise<ServerProcess> {
  const port = await freePort();
  const [command, ...prefix] = cli as [string, ...string[]];
  return startServer({
    name: `chatterbox (${store.kind})`,
    command,
    args: [
      ...prefix,
      'serve',
      ...store.flags,
      ...(store.serveFlags ?? []),
      '--demo',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--admin-token',
      ADMIN_TOKEN,
      '--hourly-limit',
      NO_REFUSALS,
      '--daily-limit',
      NO_REFUSALS,
      ...(options.extraArgs ?? []),
    ],
    cwd: options.cwd,
    port,
    readyPath: '/_chatterbox/health',
  });
}

export function passwordGrantBody(username: string): string {
  return new URLSearchParams({
    grant_type: 'password',
    client_id: DEMO_CLIENT.id,
    client_secret: DEMO_CLIENT.secret,
    username,
    password: DEMO_PASSWORD,
  }).toString();
}

export const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** An access token through the password grant (SPEC §4). */
export async function login(server: { url: string }, username: string): Promise<string> {
  const response = await fetch(`${server.url}/services/oauth2/token`, {
    method: 'POST',
    headers: FORM,
    body: passwordGrantBody(username),
  });
  if (response.status !== 200)
    throw new Error(`login ${username}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

export type SeedOutcome =
  /**
   * The record and topic a tenth of the posts went to (null on a build whose seed has none), and
   * `streamId`: alice's stream of the seeded authors and groups (the stream page of (b)).
   */
  | {
      status: 'seeded';
      ms: number;
      recordId: string | null;
      topicId: string | null;
      streamId?: string | undefined;
    }
  | { status: 'unavailable' }
  | { status: 'failed'; detail: string };

/** Whether this build has `chatterbox seed` at all. */
export async function seedAvailable(cli: CliCommand, cwd: string): Promise<boolean> {
  const [command, ...prefix] = cli as [string, ...string[]];
  // `seed --help` would print the program's help on a build without it: read the command list.
  const result = await runCommand(command, [...prefix, '--help'], { cwd });
  return /^\s+seed\b/m.test(result.stdout);
}

/**
 * `chatterbox seed --posts N` on a store. Should the command want the demo org in place first,
 * it is tried again after `chatterbox reset --demo`.
 */
export async function seedPosts(
  cli: CliCommand,
  store: BenchStore,
  posts: number,
  cwd: string,
): Promise<SeedOutcome> {
  if (!(await seedAvailable(cli, cwd))) return { status: 'unavailable' };
  const [command, ...prefix] = cli as [string, ...string[]];
  const seed = () =>
    runCommand(command, [...prefix, 'seed', '--posts', String(posts), ...STREAM_FOR, ...store.flags], {
      cwd,
      timeoutMs: 30 * 60_000,
    });
  let result = await seed();
  if (result.code !== 0) {
    const reset = await runCommand(command, [...prefix, 'reset', '--demo', ...store.flags], { cwd });
    if (reset.code !== 0) return { status: 'failed', detail: firstLine(reset.stderr) };
    result = await seed();
  }
  if (result.code !== 0) return { status: 'failed', detail: firstLine(result.stderr || result.stdout) };
  const printed = parseLastLine(result.stdout);
  return {
    status: 'seeded',
    ms: result.ms,
    recordId: typeof printed.recordId === 'string' ? printed.recordId : null,
    topicId: typeof printed.topicId === 'string' ? printed.topicId : null,
    streamId: typeof printed.streamId === 'string' ? printed.streamId : undefined,
  };
}

/** The seed also makes alice a stream of what it posted (SPEC §12.6). */
const STREAM_FOR = ['--stream-for', 'alice@acme.example'];

/** What `chatterbox seed` printed: one JSON line (an older build's may lack fields, or be none). */
function parseLastLine(stdout: string): Record<string, unknown> {
  try {
    return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
  } catch {
    return {};
  }
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}
