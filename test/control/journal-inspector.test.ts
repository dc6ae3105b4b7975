import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { redactText } from '../../src/http/journal-capture.js';
import { ADMIN_TOKEN, createHarness, type Harness, JSON_TYPE } from '../helpers/harness.js';
import { ADMIN_TOKEN_MISSING } from '../helpers/oauth.js';

const API = '/services/data/v36.0';
const ALICE = 'alice@acme.example';
const BOB = 'bob@acme.example';

type Row = Record<string, unknown>;

/** The rows' summary fields, after checking the two measured ones are well formed. */
function summaries(rows: Row[]): Row[] {
  return rows.map(({ time, durationMs, ...rest }) => {
    assert.match(String(time), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    assert.ok(typeof durationMs === 'number' && durationMs >= 0);
    return rest;
  });
}

const row = (
  id: number,
  method: string,
  path: string,
  status: number,
  errorCode: string | null,
  username: string | null,
) => ({
  id,
  method,
  path,
  status,
  errorCode,
  username,
  clientId: username === null ? null : 'chatterbox-demo',
  retryOf: null,
});

/** The request side the journal keeps of an injected GET with a bearer token: no body. */
const BEARER_GET = {
  headers: { authorization: 'Bearer [redacted]', 'user-agent': 'lightMyRequest', host: 'localhost:80' },
  body: null,
  bodyBytes: 0,
  truncated: false,
};

/** The response side the journal keeps of an API answer in JSON: `sent` cut at 4096 characters. */
function jsonResponse(apiUsage: number, sent: string) {
  const bytes = Buffer.byteLength(sent);
  return {
    headers: {
      'content-type': JSON_TYPE,
      'sforce-limit-info': `api-usage=${apiUsage}/15000`,
      'content-length': String(bytes),
    },
    body: sent.slice(0, 4096),
    bodyBytes: bytes,
    truncated: sent.length > 4096,
  };
}

describe('request journal filters, entries and emptying (SPEC §9, the console)', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
    // 1, 2: the logins; then 3 … 6.
    const alice = await h.login(ALICE);
    const bob = await h.login(BOB);
    await h.request({ method: 'GET', url: `${API}/chatter/users/me`, token: alice });
    await h.request({ method: 'GET', url: `${API}/chatter/users/xyz`, token: bob });
    await h.request({ method: 'GET', url: `${API}/chatter/nothing` });
    await h.request({ method: 'DELETE', url: `${API}/chatter/users/me`, token: alice });
  });
  after(() => h.close());

  const list = async (query: string) => {
    const response = await h.admin('GET', `/_chatterbox/requests?${query}`);
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    return summaries(response.json().requests);
  };

  test('GET /_chatterbox/requests?status= takes a status class or one status', async () => {
    assert.deepEqual(await list('status=4xx'), [
      row(6, 'DELETE', `${API}/chatter/users/me`, 405, 'METHOD_NOT_ALLOWED', ALICE),
      row(5, 'GET', `${API}/chatter/nothing`, 404, 'NOT_FOUND', null),
      row(4, 'GET', `${API}/chatter/users/xyz`, 400, 'INVALID_ID_FIELD', BOB),
    ]);
    assert.deepEqual(await list('status=404'), [
      row(5, 'GET', `${API}/chatter/nothing`, 404, 'NOT_FOUND', null),
    ]);
    assert.deepEqual(await list('status=2xx&limit=2'), [
      row(3, 'GET', `${API}/chatter/users/me`, 200, null, ALICE),
      row(2, 'POST', '/services/oauth2/token', 200, null, BOB),
    ]);
    assert.deepEqual(await list('status=5xx'), []);
  });

  test('GET /_chatterbox/requests?path= matches part of the path', async () => {
    assert.deepEqual(await list('path=/users/'), [
      row(6, 'DELETE', `${API}/chatter/users/me`, 405, 'METHOD_NOT_ALLOWED', ALICE),
      row(4, 'GET', `${API}/chatter/users/xyz`, 400, 'INVALID_ID_FIELD', BOB),
      row(3, 'GET', `${API}/chatter/users/me`, 200, null, ALICE),
    ]);
  });

  test('GET /_chatterbox/requests?username= and ?errorCode= match exactly, and filters combine', async () => {
    assert.deepEqual(await list(`username=${BOB}`), [
      row(4, 'GET', `${API}/chatter/users/xyz`, 400, 'INVALID_ID_FIELD', BOB),
      row(2, 'POST', '/services/oauth2/token', 200, null, BOB),
    ]);
    assert.deepEqual(await list('errorCode=METHOD_NOT_ALLOWED'), [
      row(6, 'DELETE', `${API}/chatter/users/me`, 405, 'METHOD_NOT_ALLOWED', ALICE),
    ]);
    assert.deepEqual(await list(`username=${ALICE}&status=2xx&path=/users/`), [
      row(3, 'GET', `${API}/chatter/users/me`, 200, null, ALICE),
    ]);
    assert.deepEqual(await list('errorCode=NOT_FOUND&username=nobody@acme.example'), []);
  });

  test('GET /_chatterbox/requests refuses a malformed status filter', async () => {
    const response = await h.admin('GET', '/_chatterbox/requests?status=4x');
    assert.equal(response.statusCode, 400);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    assert.deepEqual(response.json(), [
      { errorCode: 'INVALID_INPUT', message: 'Invalid status: must match pattern "^[1-5](xx|[0-9][0-9])$".' },
    ]);
  });

  test('GET /_chatterbox/requests/{id} shows both sides, with credentials redacted', async () => {
    const login = await h.admin('GET', '/_chatterbox/requests/1');
    assert.equal(login.statusCode, 200);
    assert.equal(login.headers['content-type'], JSON_TYPE);
    const { time, durationMs, response, ...rest } = login.json();
    assert.deepEqual(summaries([{ time, durationMs }]), [{}]);
    assert.deepEqual(rest, {
      ...row(1, 'POST', '/services/oauth2/token', 200, null, ALICE),
      request: {
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'user-agent': 'lightMyRequest',
          host: 'localhost:80',
          'content-length': '137',
        },
        body:
          'grant_type=password&client_id=chatterbox-demo&client_secret=[redacted]' +
          '&username=alice%40acme.example&password=[redacted]',
        bodyBytes: 137,
        truncated: false,
      },
    });
    const token = JSON.parse(response.body);
    assert.equal(token.access_token, '[redacted]');
    assert.deepEqual(Object.keys(token), [
      'access_token',
      'signature',
      'instance_url',
      'id',
      'token_type',
      'issued_at',
    ]);
    assert.deepEqual(
      { ...response, body: null },
      {
        headers: {
          'content-type': JSON_TYPE,
          'cache-control': 'no-cache, no-store',
          'content-length': String(response.bodyBytes),
        },
        body: null,
        bodyBytes: response.bodyBytes,
        truncated: false,
      },
    );

    const failed = await h.admin('GET', '/_chatterbox/requests/4');
    const { time: _t, durationMs: _d, ...detail } = failed.json();
    assert.deepEqual(detail, {
      ...row(4, 'GET', `${API}/chatter/users/xyz`, 400, 'INVALID_ID_FIELD', BOB),
      request: BEARER_GET,
      response: jsonResponse(2, '[{"errorCode":"INVALID_ID_FIELD","message":"Invalid identifier: xyz"}]'),
    });
  });

  test('GET /_chatterbox/requests/{id} answers 404 for an entry the journal no longer holds', async () => {
    for (const [id, status, body] of [
      ['99', 404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]],
      ['abc', 400, [{ errorCode: 'INVALID_ID_FIELD', message: 'Invalid identifier: abc' }]],
    ] as const) {
      const response = await h.admin('GET', `/_chatterbox/requests/${id}`);
      assert.equal(response.statusCode, status);
      assert.equal(response.headers['content-type'], JSON_TYPE);
      assert.deepEqual(response.json(), body);
    }
  });

  test('DELETE /_chatterbox/requests empties the journal; numbers are never reused', async () => {
    const cleared = await h.admin('DELETE', '/_chatterbox/requests');
    assert.equal(cleared.statusCode, 204);
    assert.equal(cleared.body, '');
    assert.deepEqual(await list(''), []);
    assert.equal((await h.admin('GET', '/_chatterbox/requests/6')).statusCode, 404);
    await h.request({ method: 'GET', url: `${API}/chatter/nothing` });
    assert.deepEqual(await list(''), [row(7, 'GET', `${API}/chatter/nothing`, 404, 'NOT_FOUND', null)]);
    const unauthorized = await h.request({ method: 'DELETE', url: '/_chatterbox/requests' });
    assert.equal(unauthorized.statusCode, 401);
    assert.equal((await list('')).length, 1);
  });
});

describe('a batch subrequest in the journal', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());

  /** A batch of one GET users/me, and the journal's record of that subrequest. */
  async function batchOfUsersMe() {
    const alice = await h.login(ALICE);
    const batch = await h.request({
      method: 'POST',
      url: `${API}/connect/batch`,
      token: alice,
      payload: { batchRequests: [{ method: 'GET', url: 'v36.0/chatter/users/me' }] },
    });
    assert.equal(batch.statusCode, 200, batch.body);
    const [entry] = (await h.admin('GET', '/_chatterbox/requests?path=/chatter/users/me')).json().requests;
    const detail = (await h.admin('GET', `/_chatterbox/requests/${entry.id}`)).json();
    return { batch, detail };
  }

  test('shows the subrequest secret redacted, as a credential', async () => {
    const { detail } = await batchOfUsersMe();
    assert.deepEqual(detail.request, {
      headers: {
        accept: 'application/json',
        'x-chatterbox-subrequest': '[redacted]',
        authorization: 'Bearer [redacted]',
        host: 'localhost:80',
      },
      body: null,
      bodyBytes: 0,
      truncated: false,
    });
  });

  test('shows the response the subrequest answered, though the batch sent it inside its own body', async () => {
    const { batch, detail } = await batchOfUsersMe();
    const sent = JSON.stringify(batch.json().results[0].result);
    assert.deepEqual(detail.response, {
      headers: {
        'content-type': 'application/json;charset=UTF-8',
        'content-length': String(Buffer.byteLength(sent)),
      },
      body: sent,
      bodyBytes: Buffer.byteLength(sent),
      truncated: false,
    });
  });
});

describe('a long body in the journal', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());

  test('is cut at 4096 characters, after its credentials were redacted', async () => {
    await h.request({
      method: 'POST',
      url: '/services/oauth2/token',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ password: 'hunter2', note: 'x'.repeat(5000) }),
    });
    const { request } = (await h.admin('GET', '/_chatterbox/requests/1')).json();
    assert.deepEqual(
      { ...request, headers: undefined },
      {
        headers: undefined,
        body: `{"password":"[redacted]","note":"${'x'.repeat(4096 - 33)}`,
        bodyBytes: 5032,
        truncated: true,
      },
    );
  });

  test('a credential that the bound cuts in half is still redacted', () => {
    assert.equal(redactText('{"id":"1","access_token":"00Dabc!AQ'), '{"id":"1","access_token":"[redacted]"');
    assert.equal(redactText('<r><refresh_token>5Aep86'), '<r><refresh_token>[redacted]');
    assert.equal(
      redactText('grant_type=password&password=x&client_secret=y&code=z'),
      'grant_type=password&password=[redacted]&client_secret=[redacted]&code=[redacted]',
    );
    assert.equal(redactText('{"nextPageToken":"2026-01-01"}'), '{"nextPageToken":"2026-01-01"}');
  });
});

describe('a journal whose exchanges outgrow their bytes', () => {
  let h: Harness;
  before(async () => {
    // Two entries, so 8 KiB of exchanges (EXCHANGE_BYTES_PER_ENTRY each).
    h = await createHarness({ journalSize: 2 });
  });
  after(() => h.close());

  test('keeps the older entry without its exchange, the newer with it', async () => {
    const alice = await h.login(ALICE);
    const users = { method: 'GET', url: `${API}/chatter/users?pageSize=50`, token: alice } as const;
    // Each exchange holds 4096 characters of the list and its headers: two do not fit in 8 KiB.
    assert.ok((await h.request(users)).body.length > 4096);
    const sent = await h.request(users);
    const [newer, older] = (await h.admin('GET', '/_chatterbox/requests')).json().requests;
    assert.deepEqual([newer.id, older.id], [3, 2]);

    const lost = await h.admin('GET', '/_chatterbox/requests/2');
    assert.equal(lost.statusCode, 200);
    assert.equal(lost.headers['content-type'], JSON_TYPE);
    assert.deepEqual(lost.json(), { ...older, request: null, response: null });

    assert.deepEqual((await h.admin('GET', '/_chatterbox/requests/3')).json(), {
      ...newer,
      request: BEARER_GET,
      response: jsonResponse(2, sent.body),
    });
    assert.ok(sent.body.length > 4096);
  });
});

describe('GET /_chatterbox/requests/stream (server-sent events)', () => {
  let h: Harness;
  let base: string;
  before(async () => {
    h = await createHarness();
    base = await h.listen();
  });
  after(() => h.close());

  /** Reads events off the stream until `count` have arrived. */
  async function* events(response: Response): AsyncGenerator<{ event: string; data: unknown }> {
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let buffered = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffered += decoder.decode(value, { stream: true });
      let end = buffered.indexOf('\n\n');
      while (end >= 0) {
        const block = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) yield { event, data: JSON.parse(data) };
        end = buffered.indexOf('\n\n');
      }
    }
  }

  test('sends the latest entries, then each new one; a filter holds for both; an emptying is told', async () => {
    await h.request({ method: 'GET', url: `${API}/chatter/nothing` });
    await h.request({ method: 'GET', url: `${API}/chatter/users/me` });
    const controller = new AbortController();
    const response = await fetch(`${base}/_chatterbox/requests/stream?status=4xx`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      signal: controller.signal,
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    const stream = events(response);
    const first = await stream.next();
    assert.equal(first.value?.event, 'requests');
    assert.deepEqual(summaries(first.value?.data as Row[]), [
      row(2, 'GET', `${API}/chatter/users/me`, 401, 'INVALID_SESSION_ID', null),
      row(1, 'GET', `${API}/chatter/nothing`, 404, 'NOT_FOUND', null),
    ]);

    const alice = await h.login(ALICE);
    await fetch(`${base}${API}/chatter/users/me`, { headers: { authorization: `Bearer ${alice}` } });
    await fetch(`${base}${API}/chatter/users/abc`, { headers: { authorization: `Bearer ${alice}` } });
    const live = await stream.next();
    assert.equal(live.value?.event, 'requests');
    assert.deepEqual(summaries(live.value?.data as Row[]), [
      row(5, 'GET', `${API}/chatter/users/abc`, 400, 'INVALID_ID_FIELD', ALICE),
    ]);

    await h.admin('DELETE', '/_chatterbox/requests');
    assert.deepEqual((await stream.next()).value, { event: 'cleared', data: {} });
    controller.abort();
  });

  test('starts with an empty batch when nothing matches, so the client knows it is up', async () => {
    const controller = new AbortController();
    const response = await fetch(`${base}/_chatterbox/requests/stream?errorCode=NOTHING_LIKE_IT`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      signal: controller.signal,
    });
    assert.deepEqual((await events(response).next()).value, { event: 'requests', data: [] });
    controller.abort();
  });

  test('HEAD answers the headers and ends, so the connection serves the next request', {
    timeout: 20_000,
  }, async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const head = await rawRequest(agent, 'HEAD', '/_chatterbox/requests/stream');
    assert.equal(head.status, 200);
    assert.equal(head.type, 'text/event-stream; charset=utf-8');
    assert.equal(head.body, '');
    // The same socket (maxSockets 1) answers the next request only if the HEAD ended.
    const next = await rawRequest(agent, 'GET', '/_chatterbox/clock');
    assert.equal(next.status, 200);
    assert.equal(next.type, JSON_TYPE);
    agent.destroy();
  });

  /** One request through `agent` over a real socket: status, content type and body. */
  function rawRequest(
    agent: Agent,
    method: string,
    path: string,
  ): Promise<{ status: number; type: string | undefined; body: string }> {
    return new Promise((resolve, reject) => {
      const url = new URL(path, base);
      const sent = httpRequest(
        url,
        { method, agent, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } },
        (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            body += chunk;
          });
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, type: response.headers['content-type'], body }),
          );
        },
      );
      sent.on('error', reject);
      sent.end();
    });
  }

  test('needs the admin token', async () => {
    const response = await fetch(`${base}/_chatterbox/requests/stream`);
    assert.equal(response.status, 401);
    assert.equal(response.headers.get('content-type'), JSON_TYPE);
    assert.deepEqual(await response.json(), ADMIN_TOKEN_MISSING);
  });
});

describe('the console at /_chatterbox/console', () => {
  let h: Harness;
  let empty: Harness;
  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'console-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Console</title>');
    h = await createHarness({}, { consoleDir: dir });
    empty = await createHarness({}, { consoleDir: join(dir, 'missing') });
  });
  after(async () => {
    await h.close();
    await empty.close();
  });

  test('GET / leads to the console', async () => {
    const response = await h.request({ method: 'GET', url: '/' });
    assert.equal(response.statusCode, 302);
    assert.equal(response.headers.location, '/_chatterbox/console/');
    assert.equal(response.body, '');
  });

  test('GET /_chatterbox/console serves the page without a token, from this server only', async () => {
    for (const url of ['/_chatterbox/console', '/_chatterbox/console/', '/_chatterbox/console/requests/12']) {
      const response = await h.request({ method: 'GET', url });
      assert.equal(response.statusCode, 200);
      assert.equal(response.headers['content-type'], 'text/html; charset=utf-8');
      assert.equal(response.headers['cache-control'], 'no-cache');
      assert.match(String(response.headers['content-security-policy']), /^default-src 'self';/);
      assert.equal(response.body, '<!doctype html><title>Console</title>');
    }
  });

  test('answers 503 with how to build it when the console is not built', async () => {
    const response = await empty.request({ method: 'GET', url: '/_chatterbox/console' });
    assert.equal(response.statusCode, 503);
    assert.equal(response.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(response.body, 'The console is not built: run `npm run build`.\n');
  });
});
