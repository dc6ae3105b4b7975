import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PASSWORD, demoUsers } from '../../src/demo/demo-org.js';
import { formatId18 } from '../../src/ids/id-generator.js';
import type { Store } from '../../src/store/store.js';
import { formPost, freshStoreArgs, runCli, startServe, stopAllServers } from '../helpers/cli.js';
import { rawDatabase } from '../helpers/store.js';

// Every step starts a Node process on a machine that may be busy: generous, but bounded.
const SLOW = { timeout: 240_000 };
const JSON_TYPE = 'application/json;charset=UTF-8';

after(stopAllServers);

const signature = (id: string, issuedAt: string, secret: string) =>
  createHmac('sha256', secret)
    .update(id + issuedAt)
    .digest('base64');

/** `chatterbox users add` of Erin, the user these tests create, on the given store. */
const addErin = (storeArgs: string[]) =>
  runCli([
    'users',
    'add',
    ...storeArgs,
    '--username',
    'erin@acme.example',
    '--password',
    'erin-password',
    '--first-name',
    'Erin',
    '--last-name',
    'Ek',
  ]);

/** A password login of a demo user at a listening server's token endpoint. */
const demoLogin = (serverUrl: string, username: string) =>
  formPost(`${serverUrl}/services/oauth2/token`, {
    grant_type: 'password',
    client_id: DEMO_CLIENT_ID,
    client_secret: DEMO_CLIENT_SECRET,
    username,
    password: DEMO_PASSWORD,
  });

/** Runs `read` on the test's store opened directly, and closes it again. */
async function inStore<T>(store: { open(): Promise<Store> }, read: (store: Store) => Promise<T>): Promise<T> {
  const opened = await store.open();
  try {
    return await read(opened);
  } finally {
    await opened.close();
  }
}

describe('chatterbox migrate, reset, users add, apps add, token (SPEC §10)', () => {
  const store = freshStoreArgs();
  after(() => store.cleanup());

  test('chatterbox migrate applies the migrations once', SLOW, async () => {
    const first = await runCli(['migrate', ...store.args]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^Applied: 001-foundation(, \S+)*\n$/);
    const second = await runCli(['migrate', ...store.args]);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout, 'Already up to date.\n');
  });

  test('chatterbox users add without an org fails with exit code 1 and a message', SLOW, async () => {
    const result = await addErin(store.args);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.equal(
      result.stderr,
      'chatterbox: There is no org yet: create one first (POST /_chatterbox/orgs).\n',
    );
  });

  test('chatterbox reset --demo seeds the demo org', SLOW, async () => {
    const result = await runCli(['reset', '--demo', ...store.args]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'Reset.\n');
    const users = await inStore(store, (db) =>
      rawDatabase(db).selectFrom('users').select('username').where('type', '<>', 'guest').execute(),
    );
    assert.deepEqual(users.map((u) => u.username).sort(), demoUsers.map((u) => u.username).sort());
  });

  let erin: { id: string; orgId: string };
  let app: { clientId: string; clientSecret: string };
  let tokens: Record<string, string>;

  test('chatterbox users add prints the new user', SLOW, async () => {
    const result = await addErin(store.args);
    assert.equal(result.code, 0, result.stderr);
    erin = JSON.parse(result.stdout);
    // The demo org took users 1–6 (the guest and five people): Erin is the seventh.
    assert.deepEqual(erin, {
      id: formatId18('005', 'Cb', 7),
      orgId: formatId18('00D', 'Cb', 1),
      username: 'erin@acme.example',
      type: 'standard',
    });
  });

  test('chatterbox apps add prints the new app with generated credentials', SLOW, async () => {
    const result = await runCli([
      'apps',
      'add',
      ...store.args,
      '--name',
      'CLI App',
      '--run-as-username',
      'erin@acme.example',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const body = JSON.parse(result.stdout);
    assert.match(body.clientId, /^3MVG9/);
    assert.match(body.clientSecret, /^[0-9A-F]{64}$/);
    assert.deepEqual(body, {
      id: formatId18('0Ha', 'Cb', 2),
      orgId: erin.orgId,
      name: 'CLI App',
      clientId: body.clientId,
      clientSecret: body.clientSecret,
    });
    app = body;
  });

  test('chatterbox token prints an access and a refresh token', SLOW, async () => {
    const result = await runCli([
      'token',
      ...store.args,
      '--username',
      'erin@acme.example',
      '--client-id',
      app.clientId,
      '--public-url',
      'https://cb.example',
    ]);
    assert.equal(result.code, 0, result.stderr);
    tokens = JSON.parse(result.stdout);
    const id = `https://cb.example/id/${erin.orgId}/${erin.id}`;
    assert.deepEqual(tokens, {
      access_token: tokens.access_token,
      refresh_token: tokens.refresh_token,
      instance_url: 'https://cb.example',
      id,
      token_type: 'Bearer',
      issued_at: tokens.issued_at,
      signature: signature(id, tokens.issued_at as string, app.clientSecret),
      scope: 'api refresh_token',
    });
    assert.match(tokens.access_token as string, new RegExp(`^${erin.orgId.slice(0, 15)}!`));
  });

  test('chatterbox serve on the same store accepts those tokens and that app', SLOW, async () => {
    const server = await startServe([
      ...store.args,
      '--port',
      '0',
      '--admin-token',
      'cli-admin',
      '--log-level',
      'warn',
    ]);
    try {
      const me = await fetch(`${server.url}/services/data/v36.0/chatter/users/me`, {
        headers: { authorization: `Bearer ${tokens.access_token}` },
      });
      assert.equal(me.status, 200);
      assert.equal(me.headers.get('content-type'), JSON_TYPE);
      assert.equal((await me.json()).id, erin.id);

      const refreshed = await formPost(`${server.url}/services/oauth2/token`, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token as string,
        client_id: app.clientId,
        client_secret: app.clientSecret,
      });
      assert.equal(refreshed.status, 200);
      const refreshedBody = await refreshed.json();
      const meAgain = await fetch(`${server.url}/services/data/v36.0/chatter/users/me`, {
        headers: { authorization: `Bearer ${refreshedBody.access_token}` },
      });
      assert.equal((await meAgain.json()).id, erin.id);

      // The app's run-as user is the CLI-created user.
      const robot = await formPost(`${server.url}/services/oauth2/token`, {
        grant_type: 'client_credentials',
        client_id: app.clientId,
        client_secret: app.clientSecret,
      });
      assert.equal(robot.status, 200);
      assert.equal((await robot.json()).id, `${server.url}/id/${erin.orgId}/${erin.id}`);

      // No demo flag, an admin token given: the banner is the listening line only.
      assert.equal(
        bannerOf(server.output()),
        `Chatterbox is listening on ${server.url} (${describeStore(store.args)})`,
      );
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });

  test('chatterbox reset without --demo empties the store', SLOW, async () => {
    const result = await runCli(['reset', ...store.args]);
    assert.equal(result.code, 0, result.stderr);
    const token = await runCli(['token', ...store.args, '--username', 'alice@acme.example']);
    assert.equal(token.code, 1);
    assert.equal(token.stderr, 'chatterbox: No active user alice@acme.example\n');
    await inStore(store, async (db) => {
      assert.deepEqual(await rawDatabase(db).selectFrom('orgs').select('id').execute(), []);
      assert.deepEqual(await rawDatabase(db).selectFrom('users').select('id').execute(), []);
    });
  });
});

/** The banner: the `info` entry (a JSON line, stdout being no terminal) that says where the server listens. */
function bannerOf(output: string): string {
  const entries = output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level: number; msg: string });
  const banner = entries.find((entry) => entry.msg.startsWith('Chatterbox is listening on '));
  assert.equal(banner?.level, 30, output);
  return banner.msg;
}

function describeStore(args: string[]): string {
  const db = args.indexOf('--db');
  return db >= 0 ? `sqlite ${args[db + 1]}` : 'postgres';
}

describe('chatterbox serve: flags, env vars and the demo banner (SPEC §10)', () => {
  const store = freshStoreArgs();
  after(() => store.cleanup());

  test(
    'chatterbox serve --demo prints the demo credentials and a generated admin token that works',
    SLOW,
    async () => {
      const server = await startServe([...store.args, '--port', '0', '--demo', '--log-level', 'warn']);
      try {
        const output = bannerOf(server.output());
        const adminToken = /Admin token \(control plane \/_chatterbox\): (\S+)\n/.exec(output)?.[1] ?? '';
        assert.equal(
          output,
          [
            `Chatterbox is listening on ${server.url} (${describeStore(store.args)})`,
            `Admin token (control plane /_chatterbox): ${adminToken}`,
            `Console: ${server.url}/ (sign in with the admin token)`,
            'Demo org "Acme":',
            `  client_id=${DEMO_CLIENT_ID} client_secret=${DEMO_CLIENT_SECRET}`,
            '  users: admin@acme.example, alice@acme.example, bob@acme.example, dan@acme.example, carol@partner.example',
            `  password: ${DEMO_PASSWORD}`,
          ].join('\n'),
        );
        assert.match(adminToken, /^[\w-]{32}$/);
        const clock = await fetch(`${server.url}/_chatterbox/clock`, {
          headers: { authorization: `Bearer ${adminToken}` },
        });
        assert.equal(clock.status, 200);
        const refused = await fetch(`${server.url}/_chatterbox/clock`, {
          headers: { authorization: 'Bearer nope' },
        });
        assert.equal(refused.status, 401);
        // The printed credentials log in.
        const login = await demoLogin(server.url, 'alice@acme.example');
        assert.equal(login.status, 200);
        assert.equal((await login.json()).instance_url, server.url);
      } finally {
        assert.equal(await server.stop(), 0);
      }
    },
  );

  test(
    'chatterbox serve takes every setting from CHATTERBOX_* env vars; a flag wins over its env var',
    SLOW,
    async () => {
      const env = {
        CHATTERBOX_PORT: '0',
        CHATTERBOX_HOST: '127.0.0.1',
        CHATTERBOX_DEMO: 'true',
        CHATTERBOX_ADMIN_TOKEN: 'env-admin',
        CHATTERBOX_PUBLIC_URL: 'https://env.example',
        CHATTERBOX_SESSION_TIMEOUT: '60',
        CHATTERBOX_LOG_LEVEL: 'warn',
        ...storeEnv(store.args),
      };
      const server = await startServe(['--public-url', 'https://flag.example/'], env);
      try {
        // The admin token was given: it is not printed.
        assert.doesNotMatch(bannerOf(server.output()), /Admin token/);
        assert.match(bannerOf(server.output()), /Demo org "Acme"/);
        const clock = await fetch(`${server.url}/_chatterbox/clock`, {
          headers: { authorization: 'Bearer env-admin' },
        });
        assert.equal(clock.status, 200);
        const login = await demoLogin(server.url, 'bob@acme.example');
        const token = await login.json();
        assert.equal(token.instance_url, 'https://flag.example');
        const me = `${server.url}/services/data/v36.0/chatter/users/me`;
        const alive = await fetch(me, { headers: { authorization: `Bearer ${token.access_token}` } });
        assert.equal(alive.status, 200);
        // CHATTERBOX_SESSION_TIMEOUT=60: 61 idle seconds of server clock end the session.
        const moved = await fetch(`${server.url}/_chatterbox/clock`, {
          method: 'POST',
          headers: { authorization: 'Bearer env-admin', 'content-type': 'application/json' },
          body: JSON.stringify({ advanceSeconds: 61 }),
        });
        assert.equal(moved.status, 200);
        const expired = await fetch(me, { headers: { authorization: `Bearer ${token.access_token}` } });
        assert.equal(expired.status, 401);
        assert.deepEqual(await expired.json(), [
          { errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' },
        ]);
      } finally {
        assert.equal(await server.stop(), 0);
      }
    },
  );

  test('chatterbox serve with a bad flag value exits 1 with a message', SLOW, async () => {
    const result = await runCli(['serve', ...store.args, '--port', 'abc']);
    assert.equal(result.code, 1);
    assert.equal(result.stderr, 'chatterbox: --port must be a whole number, not abc\n');
  });
});

/** The store flags as CHATTERBOX_* env vars. */
function storeEnv(args: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (let i = 0; i < args.length; i += 2) {
    const name = (args[i] as string).slice(2).replaceAll('-', '_').toUpperCase();
    env[`CHATTERBOX_${name}`] = args[i + 1] as string;
  }
  return env;
}

describe('several chatterbox serve --demo at once on one empty store (SPEC §10)', () => {
  const store = freshStoreArgs();
  after(async () => {
    await stopAllServers();
    await store.cleanup();
  });

  test('three servers started together make exactly one demo org, and all serve it', SLOW, async () => {
    const started = await Promise.all(
      [1, 2, 3].map(() =>
        startServe([...store.args, '--port', '0', '--demo', '--admin-token', 'a', '--log-level', 'warn']),
      ),
    );
    await inStore(store, async (db) => {
      const count = async (table: 'orgs' | 'users' | 'communities' | 'connected_apps' | 'groups') =>
        (await rawDatabase(db).selectFrom(table).select('id').execute()).length;
      assert.equal(await count('orgs'), 1);
      assert.equal(await count('users'), 6);
      assert.equal(await count('communities'), 1);
      assert.equal(await count('connected_apps'), 1);
      assert.equal(await count('groups'), 3);
    });
    const ids = new Set<string>();
    for (const server of started) {
      const login = await demoLogin(server.url, 'alice@acme.example');
      assert.equal(login.status, 200);
      ids.add((await login.json()).id.replace(server.url, ''));
    }
    assert.deepEqual([...ids], [`/id/${formatId18('00D', 'Cb', 1)}/${formatId18('005', 'Cb', 3)}`]);
  });
});
