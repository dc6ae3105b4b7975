import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * Node 22.23.3 from the npm registry (the `node22` dev dependency, a local package so that its
 * binary stays out of node_modules/.bin): @salesforce/core 9 and the sf CLI 2.150 require Node 22,
 * while the project and its server run on Node 20 (README, "Conformance suites").
 */
export const NODE22 = fileURLToPath(new URL('./node22/node_modules/node22/bin/node', import.meta.url));

if (!existsSync(NODE22)) {
  throw new Error(`Node 22 is missing at ${NODE22}: run npm ci (it installs the node22 dev dependency)`);
}

/**
 * A fresh HOME for a Salesforce client (its auth files, config and logs), with telemetry, the
 * autoupdate check and plugin prompts off; `cleanup` removes it.
 */
export function isolatedSalesforceHome(): { env: NodeJS.ProcessEnv; home: string; cleanup: () => void } {
  const home = mkdtempSync(join(tmpdir(), 'chatterbox-sf-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_CACHE_HOME: join(home, '.cache'),
    SF_DISABLE_TELEMETRY: 'true',
    SFDX_DISABLE_TELEMETRY: 'true',
    SF_AUTOUPDATE_DISABLE: 'true',
    SFDX_AUTOUPDATE_DISABLE: 'true',
    SF_SKIP_NEW_VERSION_CHECK: 'true',
    SF_HIDE_RELEASE_NOTES: 'true',
    SF_HIDE_RELEASE_NOTES_FOOTER: 'true',
    SF_DISABLE_AUTOUPDATE: 'true',
    SF_PLUGINS_AUTOINSTALL: 'false',
    SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
    SF_DISABLE_DNS_CHECK: 'true',
    SF_LOG_LEVEL: 'warn',
    NO_COLOR: '1',
  };
  return { env, home, cleanup: () => rmSync(home, { recursive: true, force: true }) };
}

export interface WorkerError {
  name: string;
  message: string;
  errorCode: string | null;
  data: unknown;
}

/** A client script under Node 22, called step by step (see workers/salesforce-core.mjs). */
export class Node22Worker {
  readonly #child: ChildProcess;
  readonly #pending = new Map<
    number,
    (answer: { ok: boolean; value?: unknown; error?: WorkerError }) => void
  >();
  #next = 0;
  stderr = '';

  constructor(script: string, env: NodeJS.ProcessEnv) {
    this.#child = spawn(NODE22, [script], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.#child.stderr?.on('data', (chunk) => {
      this.stderr += chunk;
    });
    createInterface({ input: this.#child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      const answer = JSON.parse(line);
      this.#pending.get(answer.id)?.(answer);
      this.#pending.delete(answer.id);
    });
  }

  /** Runs a step; resolves its value or rejects with the client's error as plain data. */
  async call<T = unknown>(step: string, args: Record<string, unknown> = {}): Promise<T> {
    const answer = await this.#send(step, args);
    if (!answer.ok) throw Object.assign(new Error(answer.error?.message), { client: answer.error });
    return answer.value as T;
  }

  /** Runs a step that must fail; resolves the client's error. */
  async failure(step: string, args: Record<string, unknown> = {}): Promise<WorkerError> {
    const answer = await this.#send(step, args);
    if (answer.ok) throw new Error(`${step} succeeded: ${JSON.stringify(answer.value)}`);
    return answer.error as WorkerError;
  }

  #send(step: string, args: Record<string, unknown>) {
    const id = ++this.#next;
    return new Promise<{ ok: boolean; value?: unknown; error?: WorkerError }>((resolve, reject) => {
      this.#pending.set(id, resolve);
      this.#child.once('exit', (code) => reject(new Error(`worker exited (${code}): ${this.stderr}`)));
      this.#child.stdin?.write(`${JSON.stringify({ id, step, args })}\n`);
    });
  }

  close(): void {
    this.#child.stdin?.end();
    this.#child.kill();
  }
}
