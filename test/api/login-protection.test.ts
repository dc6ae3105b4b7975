import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { scryptCount } from '../../src/auth/secrets.js';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PASSWORD } from '../../src/demo/demo-org.js';
import { createHarness, type Harness, JSON_TYPE } from '../helpers/harness.js';

const FAILURE = { error: 'invalid_grant', error_description: 'authentication failure' };
const THROTTLED = { error: 'rate_limit_exceeded', error_description: 'login rate exceeded' };

function login(h: Harness, username: string, password: string, remoteAddress = '127.0.0.1') {
  return h.request({
    method: 'POST',
    url: '/services/oauth2/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({
      grant_type: 'password',
      client_id: DEMO_CLIENT_ID,
      client_secret: DEMO_CLIENT_SECRET,
      username,
      password,
    }).toString(),
    remoteAddress,
  });
}

/**
 * Issue 9, item 7: the answer's time must not tell which usernames exist. What a login costs is
 * its scrypt computations (~40 ms each, everything else well under a millisecond), so the test
 * counts them instead of timing: exactly one, whoever the username names.
 */
describe('POST /services/oauth2/token costs the same whether or not the user exists', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
    const org = await h.admin('POST', '/_chatterbox/orgs', { name: 'Elsewhere' });
    await h.admin('POST', '/_chatterbox/users', {
      orgId: org.json().id,
      username: 'other@elsewhere.example',
      password: DEMO_PASSWORD,
      firstName: 'Other',
      lastName: 'Org',
      type: 'standard',
    });
  });
  after(() => h.close());

  const cases: [string, string, string][] = [
    ['an existing user, wrong password', 'bob@acme.example', 'wrong-password'],
    ['no such user', 'nobody@acme.example', 'wrong-password'],
    ['no username at all', '', 'wrong-password'],
    ["a user of another org than the app's", 'other@elsewhere.example', DEMO_PASSWORD],
    ['an inactive user, wrong password', 'dan@acme.example', 'wrong-password'],
  ];
  for (const [what, username, password] of cases) {
    test(`${what}: one scrypt, and the same answer`, async () => {
      const before = scryptCount();
      const response = await login(h, username, password, `10.0.0.${cases.findIndex((c) => c[0] === what)}`);
      assert.equal(scryptCount() - before, 1);
      assert.equal(response.statusCode, 400);
      assert.equal(response.headers['content-type'], JSON_TYPE);
      assert.deepEqual(response.json(), FAILURE);
    });
  }

  test('a successful login costs one scrypt too', async () => {
    const before = scryptCount();
    const response = await login(h, 'alice@acme.example', DEMO_PASSWORD);
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(scryptCount() - before, 1);
  });
});

/**
 * Issue 9, item 14: one password tried across many users is slowed down. The per-user lockout
 * never sees it (one failure per user), so an address that failed for 20 distinct usernames in
 * 10 minutes gets its password grants refused, with no password checked, until the window ends.
 */
describe('POST /services/oauth2/token: failed logins across many users from one address', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());

  test('the 21st username is refused with rate_limit_exceeded, others are not, the window ends', async () => {
    for (let i = 0; i < 20; i++) {
      const response = await login(h, `user${i}@spray.example`, 'Summer2016!', '192.0.2.1');
      assert.deepEqual(response.json(), FAILURE, `attempt ${i}`);
    }
    // Now even the right password is refused from that address, and no scrypt runs for it.
    const before = scryptCount();
    const refused = await login(h, 'alice@acme.example', DEMO_PASSWORD, '192.0.2.1');
    assert.equal(scryptCount() - before, 0);
    assert.equal(refused.statusCode, 400);
    assert.equal(refused.headers['content-type'], JSON_TYPE);
    assert.deepEqual(refused.json(), THROTTLED);
    // Another address logs in as usual.
    const elsewhere = await login(h, 'alice@acme.example', DEMO_PASSWORD, '192.0.2.2');
    assert.equal(elsewhere.statusCode, 200, elsewhere.body);
    // The window follows the server clock: 10 minutes after the first failure, the address is free
    // (a minute before that it is not; the 20 failures above take seconds on a loaded machine).
    await h.admin('POST', '/_chatterbox/clock', { advanceSeconds: 10 * 60 - 60 });
    assert.deepEqual((await login(h, 'alice@acme.example', DEMO_PASSWORD, '192.0.2.1')).json(), THROTTLED);
    await h.admin('POST', '/_chatterbox/clock', { advanceSeconds: 60 });
    const free = await login(h, 'alice@acme.example', DEMO_PASSWORD, '192.0.2.1');
    assert.equal(free.statusCode, 200, free.body);
  });

  test('many failures for one username are the lockout’s business, not the throttle’s', async () => {
    for (let i = 0; i < 30; i++) {
      const response = await login(h, 'bob@acme.example', `wrong-${i}`, '192.0.2.3');
      assert.deepEqual(response.json(), FAILURE, `attempt ${i}`);
    }
  });
});
