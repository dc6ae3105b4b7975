import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ExchangeRing } from '../../src/control/exchange-ring.js';
import { type JournalExchange, RequestJournal } from '../../src/control/journal.js';

/** An exchange whose response body is `body`; the request has headers and no body. */
function exchange(body: string | null, truncated = false): JournalExchange {
  return {
    request: {
      headers: { authorization: 'Bearer [redacted]', host: 'localhost:80' },
      body: null,
      bodyBytes: 0,
      truncated: false,
    },
    response: {
      headers: { 'content-type': 'application/json;charset=UTF-8', 'content-length': '9000' },
      body,
      bodyBytes: body === null ? 0 : 9000,
      truncated,
    },
  };
}

/** The bytes `exchange(body)` takes in the ring: its length word, its headers and sizes, its body. */
function size(body: string): number {
  const ring = new ExchangeRing(1 << 20);
  assert.equal(ring.write(exchange(body)), 0);
  return ring.write(exchange(body)) as number;
}

describe('ExchangeRing (the journal exchanges, kept as bytes outside the heap)', () => {
  test('reads back each exchange as written: headers, sizes, bodies in any script, no body', () => {
    const ring = new ExchangeRing(64 * 1024);
    const written = [
      exchange('{"name":"Zoë 名前 🙂","text":"a\\"quoted\\" \\\\ line\\n"}', true),
      exchange(null),
      {
        request: {
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'grant_type=password&password=[redacted]',
          bodyBytes: 46,
          truncated: false,
        },
        response: { headers: {}, body: '', bodyBytes: 0, truncated: false },
      },
    ];
    const slots = written.map((e) => ring.write(e));
    assert.deepEqual(
      slots.map((slot) => slot !== undefined && ring.read(slot)),
      written,
    );
  });

  test('keeps a surrogate pair cut in half at the end of a body, as the bound left it', () => {
    const ring = new ExchangeRing(4096);
    const cut = `${'x'.repeat(10)}\ud83d`;
    const slot = ring.write(exchange(cut, true));
    assert.equal(slot, 0);
    assert.equal(ring.read(slot)?.response.body, cut);
  });

  test('an exchange written over is gone; the ones after it stay, each in one piece across the wrap', () => {
    const body = 'y'.repeat(1000);
    const each = size(body);
    // Room for three and a half: the fourth does not fit before the end and goes to the start.
    const ring = new ExchangeRing(Math.floor(each * 3.5));
    const slots = [0, 1, 2, 3, 4].map((i) => ring.write(exchange(`${i}${body.slice(1)}`)));
    assert.deepEqual(
      slots.map((slot) => (slot === undefined ? 'not written' : ring.read(slot)?.response.body?.[0])),
      [undefined, undefined, '2', '3', '4'],
    );
    assert.deepEqual(slots, [0, each, 2 * each, Math.floor(each * 3.5), Math.floor(each * 3.5) + each]);
  });

  test('an exchange larger than the whole ring is not kept, and costs the others nothing', () => {
    const small = 'z'.repeat(100);
    const ring = new ExchangeRing(size(small) * 2);
    const kept = ring.write(exchange(small));
    assert.equal(ring.write(exchange('z'.repeat(5000))), undefined);
    assert.equal(kept, 0);
    assert.equal(ring.read(kept)?.response.body, small);
  });
});

describe('RequestJournal with its exchange ring', () => {
  test('a journal of millions of entries bounds its exchanges, and keeps the latest', () => {
    // 4 KiB an entry would be 8 GB, more than one buffer can hold: the ring stops at 64 MiB.
    const journal = new RequestJournal(2_000_000);
    const row = { time: 0, method: 'GET', path: '/x', status: 200, errorCode: null, durationMs: 1 };
    const names = { username: null, clientId: null, appId: null };
    journal.record({ ...row, ...names }, () => exchange('{"first":true}'));
    journal.record({ ...row, ...names }, () => exchange('{"second":true}'));
    assert.deepEqual(
      journal.list(2).map((entry) => journal.exchange(entry)),
      [exchange('{"second":true}'), exchange('{"first":true}')],
    );
  });
});
