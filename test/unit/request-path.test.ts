import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { normalizePath } from '../../src/http/request-path.js';

describe('request paths: decoded once, before every stage (decision 0019)', () => {
  test('escapes of printable ASCII and of whole UTF-8 characters are decoded, in any hex case', () => {
    const cases: [string, string][] = [
      ['/%73ervices/data/v36.0/chatter/users/%6De', '/services/data/v36.0/chatter/users/me'],
      ['/services/data/v36.0/chatter/users/%6d%65', '/services/data/v36.0/chatter/users/me'],
      ['/x/%2e%2E', '/x/..'],
      ['/x/%2Exml', '/x/.xml'],
      ['/x/%7E%21%24%26%27%28%29%2A%2B%2C%3B%3D%3A%40', "/x/~!$&'()*+,;=:@"],
      ['/x/%C3%A9quipe', '/x/équipe'],
      ['/x/%c3%a9', '/x/é'],
      ['/x/%F0%9F%98%80', '/x/😀'],
      ['/x/plain', '/x/plain'],
    ];
    for (const [raw, normalized] of cases) assert.equal(normalizePath(raw), normalized, raw);
  });

  test('escapes that would change the segments, or are invisible, stay escaped in upper case', () => {
    const cases: [string, string][] = [
      ['/a%2fb', '/a%2Fb'],
      ['/a%3f%23', '/a%3F%23'],
      ['/a%25', '/a%25'],
      ['/a%2573', '/a%2573'],
      ['/a%00%0a%20%7f', '/a%00%0A%20%7F'],
    ];
    for (const [raw, normalized] of cases) assert.equal(normalizePath(raw), normalized, raw);
  });

  test('broken escapes are left as they are (the router answers 404)', () => {
    const cases: [string, string][] = [
      ['/x/%ZZ', '/x/%ZZ'],
      ['/x/%', '/x/%'],
      ['/x/%E0%A4%A', '/x/%E0%A4%A'],
      ['/x/%C3', '/x/%C3'],
      // Overlong `/`, a lone surrogate in WTF-8, a byte that starts nothing: each byte stays.
      ['/x/%C0%AF', '/x/%C0%AF'],
      ['/x/%ED%A0%80', '/x/%ED%A0%80'],
      ['/x/%FF%41', '/x/%FFA'],
    ];
    for (const [raw, normalized] of cases) assert.equal(normalizePath(raw), normalized, raw);
  });

  test('normalizing twice changes nothing more', () => {
    for (const raw of ['/%73ervices/%2F%252F/%C3%A9/%ZZ/%ED%A0%80', '/a%2fb%3F', '/%25%37%33']) {
      const once = normalizePath(raw);
      assert.equal(normalizePath(once), once, raw);
    }
  });
});
