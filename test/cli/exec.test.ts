import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { freshStoreArgs, runCli } from '../helpers/cli.js';

const SLOW = { timeout: 240_000 };

// A small jsforce 3 script (ESM, as jsforce's own docs write it): a password login with the demo
// OAuth settings exec hands over, then users/me with the ready-made SF_ACCESS_TOKEN.
const JSFORCE_SCRIPT = `
import jsforce from 'jsforce';
const env = process.env;
const login = new jsforce.Connection({
  oauth2: { loginUrl: env.SF_LOGIN_URL, clientId: env.SF_CLIENT_ID, clientSecret: env.SF_CLIENT_SECRET },
  version: '36.0',
});
const identity = await login.login(env.SF_USERNAME, env.SF_PASSWORD);
const conn = new jsforce.Connection({ instanceUrl: env.SF_INSTANCE_URL, accessToken: env.SF_ACCESS_TOKEN, version: '36.0' });
const me = await conn.chatter.resource('/users/me');
const health = await fetch(env.CHATTERBOX_URL + '/_chatterbox/clock', {
  headers: { authorization: 'Bearer ' + env.CHATTERBOX_ADMIN_TOKEN },
});
console.log(JSON.stringify({ loggedIn: identity.id === me.id, username: me.username, clock: health.status, url: env.CHATTERBOX_URL }));
`;

test(
  'chatterbox exec runs a jsforce script against a demo server and passes on its status',
  SLOW,
  async () => {
    const result = await runCli([
      'exec',
      '--',
      process.execPath,
      '--input-type=module',
      '-e',
      JSFORCE_SCRIPT,
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '');
    const printed = JSON.parse(result.stdout);
    assert.match(printed.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.deepEqual(printed, {
      loggedIn: true,
      username: 'alice@acme.example',
      clock: 200,
      url: printed.url,
    });
    // The server is gone once exec has exited.
    await assert.rejects(fetch(`${printed.url}/_chatterbox/health`));
  },
);

test('chatterbox exec exits with the command’s status, on the suite’s store', SLOW, async () => {
  const store = freshStoreArgs();
  after(() => store.cleanup());
  const result = await runCli([
    'exec',
    ...store.args,
    '--',
    process.execPath,
    '-e',
    'process.exit(process.env.SF_ACCESS_TOKEN ? 7 : 1)',
  ]);
  assert.deepEqual(result, { code: 7, stdout: '', stderr: '' });
});

test(
  'chatterbox exec without a command, or with one that does not exist: one line, status 1',
  SLOW,
  async () => {
    const missing = await runCli(['exec', '--', 'no-such-command-here']);
    assert.deepEqual(missing, {
      code: 1,
      stdout: '',
      stderr: 'chatterbox: exec: command not found: no-such-command-here\n',
    });
    const none = await runCli(['exec']);
    assert.equal(none.code, 1);
    assert.equal(none.stdout, '');
    assert.match(none.stderr, /^error: missing required argument 'command'\n/);
  },
);
