import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PASSWORD } from '../../src/demo/demo-org.js';
import { formPost, freshStoreArgs, startListening, stopAllServers } from '../helpers/cli.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
// `npm pack` may compile dist/ first (prepack), and `npm install` resolves 130 packages.
const SLOW = { timeout: 300_000 };

after(stopAllServers);

test(
  'npm pack yields a package that installs into an empty folder and serves the demo org',
  SLOW,
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chatterbox-pack-'));
    const store = freshStoreArgs();
    after(async () => {
      rmSync(dir, { recursive: true, force: true });
      await store.cleanup();
    });
    const npmEnv = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false' };

    const packed = await run('npm', ['pack', '--json', '--pack-destination', dir], {
      cwd: root,
      env: npmEnv,
    });
    const [{ filename, files }] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('[')));
    const paths = (files as { path: string }[]).map((file) => file.path);
    // The compiled code and its command, nothing of the development tree.
    assert.ok(paths.includes('bin/chatterbox.js'));
    assert.ok(paths.includes('dist/cli/chatterbox.js'));
    assert.ok(paths.includes('dist/src/main.js'));
    // The console's built assets (decision 0027), which the server serves.
    assert.ok(paths.includes('dist/web/index.html'));
    assert.deepEqual(
      paths.filter(
        (path) =>
          !/^(bin|dist\/src|dist\/cli|dist\/web)\/|^(package\.json|README\.md|scripts\/build\.mjs)$/.test(
            path,
          ),
      ),
      [],
    );
    assert.ok(!paths.some((path) => path.endsWith('.ts') || path.endsWith('.map')));

    // npm applies `overrides` of the root project only: an installing project repeats Chatterbox's
    // (README, decision 0025) so that fastify's light-my-request takes cookie 1.x, which runs on Node 20.
    const { overrides } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'empty-project', private: true, overrides }),
    );
    const installed = await run(
      'npm',
      ['install', '--prefer-offline', '--no-audit', '--ignore-scripts', join(dir, filename)],
      { cwd: dir, env: npmEnv },
    );
    assert.doesNotMatch(installed.stderr, /EBADENGINE|Unsupported engine/);
    cpSync(join(root, 'node_modules/better-sqlite3/build'), join(dir, 'node_modules/better-sqlite3/build'), {
      recursive: true,
    });

    const server = await startListening(
      [join(dir, 'node_modules/.bin/chatterbox'), 'serve', '--demo', '--port', '0', ...store.args],
      { cwd: dir },
    );
    const login = await formPost(`${server.url}/services/oauth2/token`, {
      grant_type: 'password',
      client_id: DEMO_CLIENT_ID,
      client_secret: DEMO_CLIENT_SECRET,
      username: 'alice@acme.example',
      password: DEMO_PASSWORD,
    });
    assert.equal(login.status, 200);
    const { access_token: token, instance_url: instanceUrl } = (await login.json()) as Record<string, string>;
    assert.equal(instanceUrl, server.url);
    const me = await fetch(`${server.url}/services/data/v36.0/chatter/users/me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(me.status, 200);
    assert.equal(me.headers.get('content-type'), 'application/json;charset=UTF-8');
    const body = (await me.json()) as { username: string };
    assert.equal(body.username, 'alice@acme.example');
    const page = await fetch(`${server.url}/_chatterbox/console/`);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.match(
      await page.text(),
      /<script type="module"[^>]* src="\/_chatterbox\/console\/assets\/index-[\w-]+\.js"/,
    );
    assert.equal(await server.stop(), 0);
  },
);
