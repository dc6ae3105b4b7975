import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Viewer } from '../../src/auth/viewer.js';
import { requireId, requireUserId } from '../../src/domain/ids.js';
import { ApiError } from '../../src/errors/api-error.js';
import { formatId, formatId18 } from '../../src/ids/id-generator.js';
import { checksum, KeyPrefix, parseId, prefixOf, to18 } from '../../src/ids/salesforce-id.js';

/**
 * reference/chatter-facts.md §6.1: every test vector (15 → 18), plus the published 18-character
 * IDs of §6.2 (doc examples), whose checksums must verify.
 */
const VECTORS: [string, string][] = [
  ['0D5D0000000XZoH', '0D5D0000000XZoHKAW'],
  ['005x0000000JbFu', '005x0000000JbFuAAK'],
  ['0F9x000000002HV', '0F9x000000002HVCAY'],
  ['0D7x000000005dR', '0D7x000000005dRCAQ'],
  ['0I0x000000001Xi', '0I0x000000001XiCAI'],
  ['0FBx000000006Tr', '0FBx000000006TrGAI'],
  ['0E8x00000000aen', '0E8x00000000aenCAA'],
  ['70130000001tcyI', '70130000001tcyIAAQ'],
  ['00558000001N0Ke', '00558000001N0KeAAK'],
  ['00Dx0000000BV7z', '00Dx0000000BV7zEAG'],
  ['005x00000012Q9P', '005x00000012Q9PAAU'],
];
const PUBLISHED_18 = ['0I5D000000002fwKAA', '0D7D00000000NtkKAE', '0E8D00000001JkFKAU'];

function swapCase(s: string): string {
  return [...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('');
}

describe('Salesforce IDs (SPEC §3)', () => {
  test('to18 appends the checksum of every chatter-facts §6.1 vector', () => {
    for (const [id15, id18] of VECTORS) {
      assert.equal(to18(id15), id18, id15);
      assert.equal(checksum(id15), id18.slice(15), id15);
    }
  });

  test('parseId accepts a 15-character ID as it is (case-sensitive)', () => {
    for (const [id15] of VECTORS) assert.equal(parseId(id15), id15);
    assert.equal(parseId('005X0000000JBFU'), '005X0000000JBFU', 'another ID, not an error');
  });

  test('parseId restores the case of an 18-character ID from its checksum, in any case', () => {
    for (const [id15, id18] of VECTORS) {
      assert.equal(parseId(id18), id15, id18);
      assert.equal(parseId(id18.toLowerCase()), id15, id18.toLowerCase());
      assert.equal(parseId(id18.toUpperCase()), id15, id18.toUpperCase());
      assert.equal(parseId(swapCase(id18)), id15, swapCase(id18));
    }
    for (const id18 of PUBLISHED_18) assert.equal(to18(parseId(id18.toLowerCase()) as string), id18);
  });

  test('parseId refuses a bad checksum', () => {
    // The checksum encodes only the case of the 15, so a checksum is wrong when it marks a
    // character that has no case (a digit) as upper case: here the first one, a digit in every vector.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
    for (const [, id18] of VECTORS) {
      const first = alphabet[alphabet.indexOf(id18[15] as string) | 1] as string;
      const wrong = id18.slice(0, 15) + first + id18.slice(16);
      assert.notEqual(wrong, id18);
      assert.equal(parseId(wrong), undefined, wrong);
      assert.equal(parseId(wrong.toLowerCase()), undefined, wrong.toLowerCase());
    }
    assert.equal(parseId('005x0000000JbFuBAK'), undefined);
    // Checksum characters outside A–Z0–5.
    assert.equal(parseId('005x0000000JbFu9AK'), undefined);
  });

  test('parseId refuses bad characters and wrong lengths', () => {
    for (const raw of [
      '',
      '005',
      '005x0000000JbF',
      '005x0000000JbFuA',
      '005x0000000JbFuAA',
      '005x0000000JbFuAAKA',
      '005x0000000JbF-',
      '005x0000000JbF ',
      '005x0000000JbFé',
      '005x0000000JbF\u0000',
      '005x0000000JbFuAA_',
      'me',
      '005x0000000JbFu\nAAK',
    ]) {
      assert.equal(parseId(raw), undefined, JSON.stringify(raw));
    }
  });

  test('prefixOf is the key prefix', () => {
    assert.equal(prefixOf('0D5D0000000XZoH'), KeyPrefix.feedElement);
    assert.deepEqual(KeyPrefix, {
      org: '00D',
      user: '005',
      community: '0DB',
      group: '0F9',
      groupMember: '0FB',
      joinRequest: '0I5',
      feedElement: '0D5',
      comment: '0D7',
      like: '0I0',
      subscription: '0E8',
      connectedApp: '0Ha',
      file: '069',
      fileVersion: '068',
      topic: '0TO',
      pollChoice: '09A',
      stream: '0Fq',
      announcement: '0BT',
      photo: '729',
    });
  });
});

describe('ID generator (SPEC §3)', () => {
  test('formatId is prefix + 2-character instance + 0 + 9 base-62 digits', () => {
    assert.equal(formatId('005', 'Cb', 0), '005Cb0000000000');
    assert.equal(formatId('005', 'Cb', 1), '005Cb0000000001');
    assert.equal(formatId('005', 'Cb', 61), '005Cb000000000z');
    assert.equal(formatId('005', 'Cb', 62), '005Cb0000000010');
    assert.equal(formatId('0F9', 'Xy', 62 * 62 + 36), '0F9Xy000000010a');
    assert.equal(formatId('0D5', 'Cb', 62 ** 8 - 1), '0D5Cb00zzzzzzzz');
    assert.equal(formatId('0D5', 'Cb', 62 ** 8), '0D5Cb0100000000');
    assert.throws(() => formatId('0D5', 'Cb', 62 ** 9), /exhausted/);
    for (const n of [1, 1234, 987_654_321]) {
      assert.match(formatId('0D7', 'Cb', n), /^0D7Cb0[0-9A-Za-z]{9}$/);
    }
  });

  test('formatId18 adds the checksum, and parses back to the same ID', () => {
    const id = formatId18('005', 'Cb', 3);
    assert.equal(id, '005Cb0000000003IAA');
    assert.equal(to18(parseId(id.toLowerCase()) as string), id);
  });
});

describe('requireId and requireUserId (SPEC §3: the one rule for paths, query and bodies)', () => {
  const alice = '005Cb0000000003IAA';
  const viewer = { user: { id: alice } } as Viewer;

  function invalidId(raw: string) {
    return (error: unknown) => {
      assert.ok(error instanceof ApiError);
      assert.deepEqual(
        { status: error.status, ...error.toWire() },
        { status: 400, errorCode: 'INVALID_ID_FIELD', message: `Invalid identifier: ${raw}` },
      );
      return true;
    };
  }

  test('returns the canonical 18-character ID for a 15 or an 18 in any case', () => {
    assert.equal(requireId('005Cb0000000003', '005'), alice);
    assert.equal(requireId(alice.toLowerCase(), '005'), alice);
    assert.equal(requireId(alice.toUpperCase(), '005', '0F9'), alice);
    assert.equal(requireId(alice), alice, 'no prefix: any type');
  });

  test('malformed and wrong-type IDs are 400 INVALID_ID_FIELD naming the ID as supplied', () => {
    for (const raw of ['005Cb0000000003IAB', '005Cb00000000', 'not-an-id', '005cb0000000003iaaX']) {
      assert.throws(() => requireId(raw, '005'), invalidId(raw));
    }
    assert.throws(() => requireId('0F9Cb0000000001', '005'), invalidId('0F9Cb0000000001'));
    assert.throws(() => requireId(alice.toLowerCase(), '0F9', '0D5'), invalidId(alice.toLowerCase()));
  });

  test('requireUserId takes me for the context user, and only user IDs otherwise', () => {
    assert.equal(requireUserId('me', viewer), alice);
    assert.equal(requireUserId('005Cb0000000003', viewer), alice);
    assert.throws(() => requireUserId('ME', viewer), invalidId('ME'));
    assert.throws(() => requireUserId('0F9Cb0000000001', viewer), invalidId('0F9Cb0000000001'));
  });
});
