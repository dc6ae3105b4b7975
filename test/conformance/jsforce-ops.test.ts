import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import jsforce from 'jsforce';
import { createHarness, type Harness } from '../helpers/harness.js';

/**
 * jsforce 3.10.16 as a real client (reference/jsforce-notes.md §1.3, §3.3): its batch helper, and
 * its own retry of GETs through injected 503s (which must not apply to POSTs).
 */
describe('jsforce against batch and injected faults', () => {
  let h: Harness;
  let conn: InstanceType<typeof jsforce.Connection>;
  let host: string;
  before(async () => {
    h = await createHarness();
    const instanceUrl = (await h.app.listen({ port: 0, host: '127.0.0.1' })).replace(/\/$/, '');
    host = new URL(instanceUrl).host;
    conn = new jsforce.Connection({
      instanceUrl,
      accessToken: await h.login('alice@acme.example'),
      version: '36.0',
    });
  });
  after(() => h.close());

  const journal = async (limit: number) =>
    (
      (await h.admin('GET', `/_chatterbox/requests?limit=${limit}`)).json().requests as Record<
        string,
        unknown
      >[]
    ).map((r) => `${r.method} ${r.path} ${r.status}`);

  test('conn.chatter.batch() resolves each request with its result, rejects failed ones with the error array', async () => {
    const me = conn.chatter.resource('/users/me');
    const missing = conn.chatter.resource('/users/005Cb0000000999AAA');
    const directory = conn.chatter.resource('/');
    const batch = conn.chatter.batch([me, missing, directory]);
    // Handlers only once batch() has taken the requests over (a Request awaited before runs on its
    // own), and on every one: jsforce rejects a failed subrequest's own promise (§1.3).
    const settled = [me, missing, directory].map((request) =>
      Promise.resolve(request).then(
        (value) => ({ ok: true, value }),
        (error: unknown) => ({ ok: false, error }),
      ),
    );
    const envelope = (await batch) as {
      hasErrors: boolean;
      results: { statusCode: number; result: unknown }[];
    };
    // One batch went over the wire; its subrequests ran inside it.
    assert.deepEqual(await journal(4), [
      'POST /services/data/v36.0/connect/batch 200',
      'GET /services/data/v36.0/chatter/ 200',
      'GET /services/data/v36.0/chatter/users/005Cb0000000999AAA 404',
      'GET /services/data/v36.0/chatter/users/me 200',
    ]);
    // As if sent to the listening server: the same absolute photo URLs as jsforce's.
    const direct = await h.request({
      method: 'GET',
      url: '/services/data/v36.0/chatter/users/me',
      token: conn.accessToken as string,
      headers: { host },
    });
    assert.equal(envelope.hasErrors, true);
    assert.deepEqual(
      envelope.results.map((r) => r.statusCode),
      [200, 404, 200],
    );
    assert.deepEqual(await Promise.all(settled), [
      { ok: true, value: direct.json() },
      { ok: false, error: [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }] },
      {
        ok: true,
        value: {
          feeds: '/services/data/v36.0/chatter/feeds',
          groups: '/services/data/v36.0/chatter/groups',
          users: '/services/data/v36.0/chatter/users',
        },
      },
    ]);
  });

  test("jsforce's own GET retry rides through two injected 503s", async () => {
    await h.admin('POST', '/_chatterbox/faults', {
      method: 'GET',
      path: '/chatter/users/me',
      status: 503,
      times: 2,
    });
    const me = (await conn.chatter.resource('/users/me')) as { username: string };
    assert.equal(me.username, 'alice@acme.example');
    assert.deepEqual(await journal(3), [
      'GET /services/data/v36.0/chatter/users/me 200',
      'GET /services/data/v36.0/chatter/users/me 503',
      'GET /services/data/v36.0/chatter/users/me 503',
    ]);
    await h.admin('DELETE', '/_chatterbox/faults');
  });

  test('a POST meeting an injected 503 is not retried', async () => {
    await h.admin('POST', '/_chatterbox/faults', { method: 'POST', path: '/connect/batch', status: 503 });
    const request = conn.chatter.resource('/users/me');
    const batch = conn.chatter.batch([request]);
    // When the batch itself fails, jsforce never settles the requests in it; a handler anyway.
    Promise.resolve(request).catch(() => undefined);
    await assert.rejects(batch, (error: Error & { errorCode?: string }) => {
      assert.equal(error.errorCode, 'SERVER_UNAVAILABLE');
      assert.equal(error.message, 'The server is down for maintenance. Try again later.');
      return true;
    });
    const faults = (await h.admin('GET', '/_chatterbox/faults')).json().faults;
    assert.equal(faults[0].fired, 1);
    assert.deepEqual(await journal(1), ['POST /services/data/v36.0/connect/batch 503']);
    await h.admin('DELETE', '/_chatterbox/faults');
  });
});
