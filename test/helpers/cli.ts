import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dropPostgresSchema } from '../../src/store/dialects/postgres.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { testDatabaseUrl, testStore } from './harness.js';

/**
 * The `chatterbox` command as a process. It runs the TypeScript source through tsx (the suite's
 * own loader) rather than bin/chatterbox.js, which needs dist/ from `npm run build`: a test must
 * never pass or fail on a stale build, and building inside the suite would cost a minute.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const CLI = ['--import', 'tsx', 'cli/chatterbox.ts'];

/** The environment of a CLI process: ours without any CHATTERBOX_* setting, plus `extra`. */
function cliEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('CHATTERBOX_')),
  );
  return { ...env, ...extra };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...CLI, ...args], { cwd: root, env: cliEnv(env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Every `serve` process not yet exited, so a failed or timed-out test cannot leave one running. */
const live = new Set<ChildProcess>();

/** Stops every `serve` process still running (call it in `after`). */
export async function stopAllServers(): Promise<void> {
  await Promise.all(
    [...live].map(
      (child) =>
        new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}

export interface Server {
  url: string;
  pid: number;
  /** Everything the process printed so far. */
  output(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL (no shutdown at all), then the exit signal. */
  kill(): Promise<void>;
  /** The process has not exited. */
  running(): boolean;
}

/** `chatterbox serve …`, once it has printed its whole banner (the listening URL first). */
export function startServe(args: string[], env: Record<string, string> = {}): Promise<Server> {
  return startListening([...CLI, 'serve', ...args], { env });
}

/**
 * A Node process (`node …argv`) that serves: resolved once it has printed its whole banner.
 * `cwd` defaults to the repository. Rejected, with everything it printed, when the process exits
 * first, or when no banner came within `timeoutMs` (the process is then killed): a server that
 * never prints one must fail its test, not hang the suite.
 */
export function startListening(
  argv: string[],
  options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {},
): Promise<Server> {
  const child: ChildProcess = spawn(process.execPath, argv, {
    cwd: options.cwd ?? root,
    env: cliEnv(options.env ?? {}),
  });
  live.add(child);
  let output = '';
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      live.delete(child);
      resolve(code);
    }),
  );
  return new Promise((resolve, reject) => {
    const timeoutMs = options.timeoutMs ?? 120_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve printed no banner within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk;
      const url = /Chatterbox is listening on (http:\/\/\S+)/.exec(output)?.[1];
      // The banner is one write: its last line is the demo password or the listening line.
      if (url && output.endsWith('\n')) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stdout?.on('data', (more) => {
          output += more;
        });
        resolve({
          url,
          pid: child.pid as number,
          output: () => output,
          stop: async () => {
            child.kill('SIGTERM');
            return exited;
          },
          kill: async () => {
            child.kill('SIGKILL');
            await exited;
          },
          running: () => child.exitCode === null && child.signalCode === null,
        });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited (${code}) before listening:\n${output}`));
    });
  });
}

/** Store flags for the suite's store: a new SQLite file, or a new PostgreSQL schema. */
export function freshStoreArgs(): { args: string[]; open(): Promise<Store>; cleanup(): Promise<void> } {
  if (testStore === 'postgres') {
    const schema = `cbcli_${process.pid}_${randomBytes(4).toString('hex')}`;
    return {
      args: ['--database-url', testDatabaseUrl, '--pg-schema', schema],
      open: () =>
        openStore({ sqlitePath: '', databaseUrl: testDatabaseUrl, pgSchema: schema, idInstance: 'Cb' }),
      cleanup: () => dropPostgresSchema(testDatabaseUrl, schema),
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'chatterbox-cli-'));
  const path = join(dir, 'chatterbox.db');
  return {
    args: ['--db', path],
    open: async () => openStore({ sqlitePath: path, pgSchema: 'public', idInstance: 'Cb' }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** POST a form to a listening server's token endpoint. */
export async function formPost(url: string, params: Record<string, string>): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params),
  });
}
