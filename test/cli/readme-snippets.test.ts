import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freshStoreArgs, type Server, startServe, stopAllServers } from '../helpers/cli.js';

/**
 * Every shell and JavaScript block of the README, run as printed against a started demo server
 * (issue 15 item 7). Two things differ from a reader's machine, both outside the snippets: the
 * server listens on a free port, so `http://127.0.0.1:8080` is replaced by its URL; and `npx
 * chatterbox` finds a `chatterbox` command that runs this checkout's CLI on the server's store
 * (through the `CHATTERBOX_*` variables every flag reads). A block preceded by
 * `<!-- readme-test: skip (why) -->` is not run (installing, the whole suite, benchmarks).
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const ADMIN = 'readme-admin-token';
const SLOW = { timeout: 240_000 };

interface Snippet {
  language: 'sh' | 'js';
  line: number;
  text: string;
}

function readmeSnippets(): { run: Snippet[]; skipped: number } {
  const lines = readFileSync(join(root, 'README.md'), 'utf8').split('\n');
  const run: Snippet[] = [];
  let skipped = 0;
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w+)\s*$/.exec(lines[i] as string);
    if (!open) continue;
    const end = lines.indexOf('```', i + 1);
    const language = open[1];
    if (language === 'sh' || language === 'js') {
      if (/^<!-- readme-test: skip \(.+\) -->$/.test(lines[i - 1] ?? '')) skipped++;
      else run.push({ language, line: i + 1, text: lines.slice(i + 1, end).join('\n') });
    }
    i = end;
  }
  return { run, skipped };
}

/** The store flags of the suite's store as the variables the CLI reads. */
function storeEnv(args: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (let i = 0; i < args.length; i += 2) {
    const name = (args[i] as string).replace(/^--/, '').replace(/-/g, '_').toUpperCase();
    env[`CHATTERBOX_${name}`] = args[i + 1] as string;
  }
  return env;
}

function run(command: string, args: string[], cwd: string, env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env } });
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

after(stopAllServers);

describe('the README: every shell and JS snippet runs as printed', () => {
  const store = freshStoreArgs();
  let server: Server;
  let dir: string;
  let env: Record<string, string>;
  before(async () => {
    server = await startServe([...store.args, '--demo', '--port', '0', '--admin-token', ADMIN]);
    // Inside the checkout, so `import 'jsforce'` finds the project's devDependency.
    dir = mkdtempSync(join(root, '.readme-run-'));
    const bin = join(dir, 'node_modules', '.bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(
      join(bin, 'chatterbox'),
      `#!/bin/sh\nexec "${process.execPath}" --import tsx "${join(root, 'cli/chatterbox.ts')}" "$@"\n`,
    );
    chmodSync(join(bin, 'chatterbox'), 0o755);
    const keep = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => key.startsWith('CHATTERBOX_')),
    );
    env = {
      ...Object.fromEntries(Object.keys(keep).map((key) => [key, ''])),
      ...storeEnv(store.args),
      CHATTERBOX_ADMIN_TOKEN: ADMIN,
      CHATTERBOX_LOG_LEVEL: 'warn',
      // npx must find the checkout's command, never fetch a package of that name.
      npm_config_offline: 'true',
    };
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
    await store.cleanup();
  });

  const { run: snippets, skipped } = readmeSnippets();

  test('the README has snippets, and says which it does not run', () => {
    assert.ok(snippets.filter((s) => s.language === 'sh').length >= 5);
    assert.equal(snippets.filter((s) => s.language === 'js').length, 1);
    assert.equal(skipped, 2);
  });

  for (const snippet of snippets) {
    test(`README.md:${snippet.line} (${snippet.language})`, SLOW, async () => {
      const text = snippet.text.replaceAll('http://127.0.0.1:8080', server.url);
      const result =
        snippet.language === 'sh'
          ? await run('bash', ['-e', '-o', 'pipefail', '-c', text], dir, env)
          : await (async () => {
              writeFileSync(join(dir, 'me.mjs'), text);
              return run(process.execPath, ['me.mjs'], dir, env);
            })();
      assert.equal(result.code, 0, `${text}\n→ ${result.stdout}\n${result.stderr}`);
      assert.notEqual(result.stdout.trim(), '', `${text} printed nothing`);
      if (snippet.language === 'js') assert.equal(result.stdout, 'alice@acme.example\n');
    });
  }
});
