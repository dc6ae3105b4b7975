import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { formPost, freshStoreArgs, runCli, type Server, startServe, stopAllServers } from '../helpers/cli.js';
import { ADMIN_TOKEN_MISSING, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PASSWORD } from '../helpers/oauth.js';

// Every step starts a Node process on a machine that may be busy: generous, but bounded.
const SLOW = { timeout: 240_000 };
const ADMIN = 'cli-admin-token';
after(stopAllServers);

const control = (server: Server, method: string, path: string, body?: unknown, token = ADMIN) =>
  fetch(`${server.url}/_chatterbox${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

const aliceLogin = (server: Server) =>
  formPost(`${server.url}/services/oauth2/token`, {
    grant_type: 'password',
    client_id: DEMO_CLIENT_ID,
    client_secret: DEMO_CLIENT_SECRET,
    username: 'alice@acme.example',
    password: DEMO_PASSWORD,
  });

const lines = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));

describe('chatterbox reset and token beside a running server (issue 15 item 6)', () => {
  const store = freshStoreArgs();
  after(() => store.cleanup());

  test('reset refuses a store a running server holds, or resets it through that server', SLOW, async () => {
    const server = await startServe([...store.args, '--demo', '--port', '0', '--admin-token', ADMIN]);
    const refused = await runCli(['reset', ...store.args, '--demo']);
    assert.deepEqual(refused, {
      code: 1,
      stdout: '',
      stderr: `chatterbox: the store is held by a running server at ${server.url} (pid ${server.pid}): stop it, or pass --admin-token (or CHATTERBOX_ADMIN_TOKEN) to reset it through its control plane\n`,
    });
    assert.equal((await aliceLogin(server)).status, 200, 'the demo org is still there');

    const wrong = await runCli(['reset', ...store.args, '--admin-token', 'not-it']);
    assert.equal(wrong.code, 1);
    assert.equal(
      wrong.stderr,
      `chatterbox: the running server at ${server.url} refused the reset (401): That is not the admin token: send Authorization: Bearer <admin token> (the server's --admin-token or CHATTERBOX_ADMIN_TOKEN, or the token it printed at start).\n`,
    );

    // State only the server holds: a moved clock and a fault; and a new org in the store.
    await control(server, 'POST', '/clock', { advanceSeconds: 3600 });
    await control(server, 'POST', '/faults', { path: '/chatter/**', status: 503 });
    await control(server, 'POST', '/orgs', { name: 'Gone After Reset' });
    const through = await runCli(['reset', ...store.args], { CHATTERBOX_ADMIN_TOKEN: ADMIN });
    assert.deepEqual(through, {
      code: 0,
      stdout: `Reset through the running server at ${server.url}.\n`,
      stderr: '',
    });
    assert.equal(
      ((await (await control(server, 'GET', '/clock')).json()) as { offsetMs: number }).offsetMs,
      0,
    );
    assert.deepEqual(await (await control(server, 'GET', '/faults')).json(), { faults: [] });
    const orgs = await runCli(['orgs', 'list', ...store.args]);
    assert.deepEqual(
      lines(orgs.stdout).map((org) => org.name),
      ['Acme'],
    );
    assert.equal((await aliceLogin(server)).status, 200, 'the server re-seeded its demo org');

    // After a reset through it, the server still counts as holding the store.
    assert.equal((await runCli(['reset', ...store.args])).code, 1);
    assert.equal(await server.stop(), 0);
    assert.deepEqual(await runCli(['reset', ...store.args, '--demo']), {
      code: 0,
      stdout: 'Reset.\n',
      stderr: '',
    });
  });

  test('a server killed without a shutdown does not hold the store any more', SLOW, async () => {
    const server = await startServe([...store.args, '--demo', '--port', '0', '--admin-token', ADMIN]);
    await server.kill();
    assert.deepEqual(await runCli(['reset', ...store.args, '--demo']), {
      code: 0,
      stdout: 'Reset.\n',
      stderr: '',
    });
  });

  test(
    "token answers the running server's URL as instance_url; without one, the flags' default",
    SLOW,
    async () => {
      const server = await startServe([...store.args, '--demo', '--port', '0', '--admin-token', ADMIN]);
      const running = await runCli(['token', ...store.args, '--username', 'alice@acme.example']);
      assert.equal(running.code, 0, running.stderr);
      const body = JSON.parse(running.stdout);
      assert.equal(body.instance_url, server.url);
      // The token works there.
      const me = await fetch(`${server.url}/services/data/v36.0/chatter/users/me`, {
        headers: { authorization: `Bearer ${body.access_token}` },
      });
      assert.equal(me.status, 200);
      const given = await runCli([
        'token',
        ...store.args,
        '--username',
        'alice@acme.example',
        '--public-url',
        'https://chatter.example',
      ]);
      assert.equal(JSON.parse(given.stdout).instance_url, 'https://chatter.example');
      assert.equal(await server.stop(), 0);
      const stopped = await runCli(['token', ...store.args, '--username', 'alice@acme.example']);
      assert.equal(JSON.parse(stopped.stdout).instance_url, 'http://127.0.0.1:8080');
    },
  );

  test(
    'the control plane without the admin token names it; a token-endpoint fault answers its errorCode',
    SLOW,
    async () => {
      const server = await startServe([...store.args, '--demo', '--port', '0', '--admin-token', ADMIN]);
      const anonymous = await control(server, 'GET', '/clock', undefined, '');
      assert.equal(anonymous.status, 401);
      assert.equal(anonymous.headers.get('content-type'), 'application/json;charset=UTF-8');
      assert.deepEqual(await anonymous.json(), ADMIN_TOKEN_MISSING);
      const fault = await control(server, 'POST', '/faults', {
        path: '/services/oauth2/token',
        status: 400,
        errorCode: 'invalid_grant',
        message: 'authentication failure',
        times: 1,
      });
      assert.equal(fault.status, 201);
      const login = await aliceLogin(server);
      assert.equal(login.status, 400);
      assert.deepEqual(await login.json(), {
        error: 'invalid_grant',
        error_description: 'authentication failure',
      });
      assert.equal((await aliceLogin(server)).status, 200);
      assert.equal(await server.stop(), 0);
    },
  );
});

describe('chatterbox orgs add, orgs list, users list (issue 15 item 6)', () => {
  const store = freshStoreArgs();
  after(() => store.cleanup());

  test('orgs add prints the new org; users list prints its users, one JSON line each', SLOW, async () => {
    assert.equal((await runCli(['migrate', ...store.args])).code, 0);
    const added = await runCli(['orgs', 'add', ...store.args, '--name', 'Initech']);
    assert.equal(added.code, 0, added.stderr);
    const org = JSON.parse(added.stdout);
    assert.deepEqual(Object.keys(org), ['id', 'name']);
    assert.equal(org.name, 'Initech');
    assert.match(org.id, /^00D[0-9A-Za-z]{15}$/);
    const user = await runCli([
      'users',
      'add',
      ...store.args,
      '--org-id',
      org.id,
      '--username',
      'peter@initech.example',
      '--password',
      'tps-report-1',
      '--first-name',
      'Peter',
      '--last-name',
      'Gibbons',
    ]);
    assert.equal(user.code, 0, user.stderr);
    const listed = await runCli(['users', 'list', ...store.args, '--org-id', org.id]);
    assert.deepEqual(listed, {
      code: 0,
      stdout: `${JSON.stringify({
        id: JSON.parse(user.stdout).id,
        orgId: org.id,
        username: 'peter@initech.example',
        firstName: 'Peter',
        lastName: 'Gibbons',
        type: 'standard',
        isActive: true,
      })}\n`,
      stderr: '',
    });
    const orgs = lines((await runCli(['orgs', 'list', ...store.args])).stdout);
    assert.deepEqual(
      orgs.map(({ id, name }) => ({ id, name })),
      [{ id: org.id, name: 'Initech' }],
    );
  });

  test('mistakes: one line naming the flag, exit 1', SLOW, async () => {
    assert.deepEqual(await runCli(['users', 'list', ...store.args, '--org-id', '00Dnope']), {
      code: 1,
      stdout: '',
      stderr: 'chatterbox: --org-id 00Dnope: no such org\n',
    });
    assert.deepEqual(await runCli(['orgs', 'add', ...store.args, '--name', ' ']), {
      code: 1,
      stdout: '',
      stderr: 'chatterbox: --name must not be empty\n',
    });
  });
});
