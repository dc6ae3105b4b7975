import { createHmac } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PASSWORD } from '../../src/demo/demo-org.js';
import type { UserRecord } from '../../src/store/records.js';
import type { Harness } from './harness.js';

export { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PASSWORD };

/** POST /services/oauth2/token with form-encoded parameters (what every real client sends). */
export function tokenRequest(
  h: Harness,
  params: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return h.request({
    method: 'POST',
    url: '/services/oauth2/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: new URLSearchParams(params).toString(),
  });
}

export function passwordGrant(
  h: Harness,
  username: string,
  password = DEMO_PASSWORD,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return tokenRequest(
    h,
    {
      grant_type: 'password',
      client_id: DEMO_CLIENT_ID,
      client_secret: DEMO_CLIENT_SECRET,
      username,
      password,
    },
    headers,
  );
}

/** SPEC §4, computed here independently of the server: Base64 HMAC-SHA256 of id + issued_at. */
export function expectedSignature(id: string, issuedAt: string, clientSecret: string): string {
  return createHmac('sha256', clientSecret)
    .update(id + issuedAt)
    .digest('base64');
}

export async function demoUser(h: Harness, username: string): Promise<UserRecord> {
  const user = await h.services.store.users.findByUsername(username);
  if (!user) throw new Error(`no user ${username}`);
  return user;
}

export const usersMe = '/services/data/v36.0/chatter/users/me';

export const SESSION_EXPIRED = [{ errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' }];

/** The control plane's 401 bodies (SPEC §9): no bearer token, or one that is not the admin token. */
export const ADMIN_TOKEN_MISSING = [
  {
    errorCode: 'INVALID_SESSION_ID',
    message:
      "The control plane needs the admin token: send Authorization: Bearer <admin token> (the server's --admin-token or CHATTERBOX_ADMIN_TOKEN, or the token it printed at start).",
  },
];
export const ADMIN_TOKEN_WRONG = [
  {
    errorCode: 'INVALID_SESSION_ID',
    message:
      "That is not the admin token: send Authorization: Bearer <admin token> (the server's --admin-token or CHATTERBOX_ADMIN_TOKEN, or the token it printed at start).",
  },
];
