import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createHarness, type Harness, JSON_TYPE } from '../helpers/harness.js';

const ME = '/services/data/v36.0/chatter/users/me';

describe('GET /_chatterbox/limits/usage (the console gauges)', () => {
  let h: Harness;
  let orgId: string;
  before(async () => {
    h = await createHarness({ hourlyLimit: 50, dailyLimit: 1000 });
    orgId = (await h.services.store.users.findByUsername('alice@acme.example'))!.orgId;
  });
  after(() => h.close());

  const usage = async (query: string) => {
    const response = await h.admin('GET', `/_chatterbox/limits/usage?${query}`);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    return { status: response.statusCode, body: response.json() };
  };

  test("shows the user × app hourly count and the org's daily count, with their limits", async (t) => {
    t.after(h.freezeClock());
    assert.deepEqual(await usage('username=alice@acme.example'), {
      status: 200,
      body: {
        username: 'alice@acme.example',
        clientId: 'chatterbox-demo',
        orgId,
        hourly: { used: 0, limit: 50 },
        daily: { used: 0, limit: 1000 },
      },
    });
    const alice = await h.login('alice@acme.example');
    const bob = await h.login('bob@acme.example');
    for (let i = 0; i < 3; i++) await h.request({ method: 'GET', url: ME, token: alice });
    await h.request({ method: 'GET', url: ME, token: bob });
    assert.deepEqual((await usage('username=alice@acme.example&clientId=chatterbox-demo')).body, {
      username: 'alice@acme.example',
      clientId: 'chatterbox-demo',
      orgId,
      hourly: { used: 3, limit: 50 },
      daily: { used: 4, limit: 1000 },
    });
    // A new clock hour starts a new hourly count; the daily window still holds them.
    await h.admin('POST', '/_chatterbox/clock', { advanceSeconds: 3600 });
    const later = (await usage('username=bob@acme.example')).body;
    assert.deepEqual(
      [later.hourly, later.daily],
      [
        { used: 0, limit: 50 },
        { used: 4, limit: 1000 },
      ],
    );
  });

  test('refuses an unknown user or app', async () => {
    assert.deepEqual(await usage('username=nobody@acme.example'), {
      status: 400,
      body: [{ errorCode: 'INVALID_INPUT', message: 'Invalid username: no user nobody@acme.example.' }],
    });
    assert.deepEqual(await usage('username=alice@acme.example&clientId=nope'), {
      status: 400,
      body: [{ errorCode: 'INVALID_INPUT', message: "Invalid clientId: no app nope in the user's org." }],
    });
    const missing = await h.admin('GET', '/_chatterbox/limits/usage');
    assert.equal(missing.statusCode, 400);
    assert.deepEqual(missing.json(), [
      { errorCode: 'INVALID_INPUT', message: 'Missing required field: username.' },
    ]);
  });
});
