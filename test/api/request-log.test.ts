import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { captureLogs, createHarness, type Harness } from '../helpers/harness.js';

const SECRET_PASSWORD = 'Zebra-password-77';
const SECRET_CLIENT = 'Zebra-client-secret-88';

describe('request log: one info line per request, no secrets (issue 15)', () => {
  let h: Harness;
  const logs = captureLogs();
  let appId: string;

  before(async () => {
    h = await createHarness({}, { logStream: logs.stream });
    await h.admin('POST', '/_chatterbox/users', {
      username: 'zed@acme.example',
      password: SECRET_PASSWORD,
      firstName: 'Zed',
      lastName: 'Zebra',
      type: 'standard',
    });
    const app = await h.admin('POST', '/_chatterbox/apps', {
      name: 'Zebra',
      clientId: 'zebra-app',
      clientSecret: SECRET_CLIENT,
    });
    appId = app.json().id;
  });
  after(() => h.close());

  const requestLines = () => logs.lines.filter((line) => line.msg === 'request');

  test('a login, a call and a refused call: method, path, status, errorCode, user, app, duration, reqId', async () => {
    logs.lines.length = 0;
    const login = await h.request({
      method: 'POST',
      url: '/services/oauth2/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        grant_type: 'password',
        client_id: 'zebra-app',
        client_secret: SECRET_CLIENT,
        username: 'zed@acme.example',
        password: SECRET_PASSWORD,
      }).toString(),
    });
    assert.equal(login.statusCode, 200);
    const { access_token: token, refresh_token: refresh } = login.json();
    const me = await h.request({ url: '/services/data/v36.0/chatter/users/me?oauth_token=x', token });
    assert.equal(me.statusCode, 200);
    const refused = await h.request({ url: '/services/data/v36.0/chatter/users/me', token: 'nope' });
    assert.equal(refused.statusCode, 401);

    const lines = requestLines();
    assert.equal(lines.length, 3);
    const shapes = lines.map(({ time, pid, hostname, durationMs, reqId, ...rest }) => {
      assert.equal(typeof time, 'number');
      assert.equal(typeof durationMs, 'number');
      assert.match(String(reqId), /^req-\w+$/);
      return rest;
    });
    assert.deepEqual(shapes, [
      {
        level: 30,
        msg: 'request',
        method: 'POST',
        path: '/services/oauth2/token',
        status: 200,
        user: 'zed@acme.example',
        app: 'zebra-app',
      },
      {
        level: 30,
        msg: 'request',
        method: 'GET',
        path: '/services/data/v36.0/chatter/users/me',
        status: 200,
        user: 'zed@acme.example',
        app: appId,
      },
      {
        level: 30,
        msg: 'request',
        method: 'GET',
        path: '/services/data/v36.0/chatter/users/me',
        status: 401,
        errorCode: 'INVALID_SESSION_ID',
      },
    ]);
    assert.notEqual(lines[0]?.reqId, lines[1]?.reqId);

    // No password, client secret, access or refresh token anywhere in the log.
    const text = JSON.stringify(logs.lines);
    for (const secret of [SECRET_PASSWORD, SECRET_CLIENT, token, refresh, 'oauth_token'])
      assert.ok(!text.includes(secret), `the log holds ${secret}`);
  });

  test('a failed login logs its errorCode', async () => {
    logs.lines.length = 0;
    const login = await h.request({
      method: 'POST',
      url: '/services/oauth2/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `grant_type=password&client_id=zebra-app&client_secret=${SECRET_CLIENT}&username=zed@acme.example&password=wrong-${SECRET_PASSWORD}`,
    });
    assert.equal(login.statusCode, 400);
    const [line] = requestLines();
    assert.equal(line?.status, 400);
    assert.equal(line?.errorCode, 'invalid_grant');
    assert.ok(!JSON.stringify(logs.lines).includes(SECRET_PASSWORD));
  });
});
