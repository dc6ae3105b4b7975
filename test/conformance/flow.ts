import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Harness } from '../helpers/harness.js';

/**
 * Server-side steps and checks shared by the client conformance suites (issue 10): each suite
 * drives its own client through the same flow, and these look at what the server saw.
 */
export interface JournalRow {
  id: number;
  method: string;
  path: string;
  status: number;
  errorCode: string | null;
  username: string | null;
  retryOf: number | null;
}

/** The newest `limit` journal rows, newest first. */
export async function journal(h: Harness, limit = 20): Promise<JournalRow[]> {
  const response = await h.admin('GET', `/_chatterbox/requests?limit=${limit}`);
  assert.equal(response.statusCode, 200);
  return response.json().requests;
}

/** The rows newer than `since` (an id from an earlier look), oldest first, as "METHOD path status". */
export async function requestsSince(h: Harness, since: number): Promise<JournalRow[]> {
  return (await journal(h, 1000)).filter((row) => row.id > since).reverse();
}

export async function lastJournalId(h: Harness): Promise<number> {
  return (await journal(h, 1))[0]?.id ?? 0;
}

export function lines(rows: JournalRow[]): string[] {
  return rows.map((r) => `${r.method} ${r.path} ${r.status}${r.errorCode ? ` ${r.errorCode}` : ''}`);
}

/** Revokes an access token as an operator would (the session expires for the client). */
export async function revoke(h: Harness, token: string): Promise<void> {
  const response = await h.request({
    method: 'POST',
    url: '/services/oauth2/revoke',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ token }).toString(),
  });
  assert.equal(response.statusCode, 200);
}

/** Every Chatter request answers the hourly 503 from now on (quota 0), until `openHourly`. */
export async function exhaustHourly(h: Harness): Promise<void> {
  assert.equal((await h.admin('PUT', '/_chatterbox/limits', { hourly: 0 })).statusCode, 200);
}

export async function openHourly(h: Harness): Promise<void> {
  assert.equal((await h.admin('PUT', '/_chatterbox/limits', { hourly: 200 })).statusCode, 200);
  assert.equal((await h.admin('DELETE', '/_chatterbox/limits/usage')).statusCode, 204);
}

/**
 * For a client that backs off after a 503: waits until the journal shows the first refusal after
 * `since`, then reopens the quota, so that the client's own retry gets through.
 */
export async function reopenAfterFirst503(h: Harness, since: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await requestsSince(h, since)).some((row) => row.status === 503)) {
      await openHourly(h);
      return;
    }
    await sleep(20);
  }
  throw new Error('the client sent no request that the hourly quota refused');
}

export const HOURLY_MESSAGE =
  'You have reached the Connect API\u2019s hourly request limit for this user and application. Please try again later.';

/** A post's body with a mention, in Feed Item Input form (SPEC §6). */
export function mentionPost(text: string, mentionId: string, subjectId: string) {
  return {
    feedElementType: 'FeedItem',
    subjectId,
    body: {
      messageSegments: [
        { type: 'Text', text },
        { type: 'Mention', id: mentionId },
      ],
    },
  };
}

export function textBody(text: string) {
  return { body: { messageSegments: [{ type: 'Text', text }] } };
}
