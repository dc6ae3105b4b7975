import assert from 'node:assert/strict';
import type { InjectOptions } from 'fastify';
import { assertError } from './api-assert.js';
import { type Harness, JSON_TYPE } from './harness.js';

/**
 * Credentials that must never get past authentication (SPEC §4): none at all, unknown tokens in
 * both schemes, malformed headers, and a token that was revoked. `revoked` comes from
 * revokedToken().
 */
export function badCredentials(revoked: string): [string, Record<string, string>][] {
  return [
    ['no Authorization header', {}],
    ['an unknown Bearer token', { authorization: 'Bearer 00DCb0000000001!unknown' }],
    ['an unknown OAuth token', { authorization: 'OAuth unknown-token' }],
    ['Basic credentials', { authorization: 'Basic YWxpY2U6ZGVtby1wYXNzd29yZC0x' }],
    ['a scheme without a token', { authorization: 'Bearer' }],
    ['an empty header', { authorization: '' }],
    ['a revoked token', { authorization: `Bearer ${revoked}` }],
  ];
}

/** A token for alice that was issued and then revoked through /services/oauth2/revoke. */
export async function revokedToken(h: Harness): Promise<string> {
  const issued = await h.admin('POST', '/_chatterbox/tokens', { username: 'alice@acme.example' });
  assert.equal(issued.statusCode, 201, issued.body);
  const token = issued.json().access_token as string;
  const revoked = await h.app.inject({
    method: 'POST',
    url: '/services/oauth2/revoke',
    payload: new URLSearchParams({ token }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(revoked.statusCode, 200, revoked.body);
  return token;
}

/**
 * The shared auth-failure check (STYLE #12): every bad credential gets 401 INVALID_SESSION_ID with
 * the exact body, no Sforce-Limit-Info (nothing was counted), and changes nothing.
 */
export async function assertAuthFailures(
  h: Harness,
  request: { method: InjectOptions['method']; url: string; payload?: InjectOptions['payload'] },
  revoked: string,
): Promise<void> {
  for (const [credential, headers] of badCredentials(revoked)) {
    const response = await h.request({ ...request, headers });
    const context = `${request.method} ${request.url} with ${credential}`;
    if (request.method === 'HEAD') {
      // HEAD: the GET's status and headers, no body (SPEC §1).
      assert.equal(response.statusCode, 401, context);
      assert.equal(response.headers['content-type'], JSON_TYPE, context);
      assert.equal(response.body, '', context);
    } else {
      assertError(response, 401, 'INVALID_SESSION_ID', 'Session expired or invalid', context);
    }
    assert.equal(response.headers['sforce-limit-info'], undefined, context);
  }
}
