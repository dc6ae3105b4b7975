import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { type CatalogKey, catalog, wireErrorCode } from '../../src/errors/catalog.js';
import { JSON_TYPE } from './harness.js';

export const XML_TYPE = 'application/xml;charset=UTF-8';

/** Every errorCode the catalogue can put on the wire (SPEC §2). */
export const CATALOGUE_CODES = new Set(Object.keys(catalog).map((key) => wireErrorCode(key as CatalogKey)));

/** The whole JSON response: status, the JSON content type and the body, deep-equal. */
export function assertJson(response: LightMyRequestResponse, status: number, body: unknown): void {
  assert.equal(response.statusCode, status, response.body);
  assert.equal(response.headers['content-type'], JSON_TYPE);
  assert.deepEqual(response.json(), body);
}

/** The whole error response: status, the JSON content type, and the one-element error array. */
export function assertError(
  response: LightMyRequestResponse,
  status: number,
  errorCode: string,
  message: string,
  context = '',
): void {
  const where = `${context} → ${response.statusCode} ${response.body.slice(0, 300)}`;
  assert.equal(response.statusCode, status, where);
  assert.equal(response.headers['content-type'], JSON_TYPE, where);
  assert.deepEqual(response.json(), [{ errorCode, message }], where);
}

/** Any error under /services/data: a catalogue array of one, as JSON (or XML when asked). */
/** What an answer needs to be checked: a light-my-request response, or one read from a stream. */
export type Answer = Pick<LightMyRequestResponse, 'statusCode' | 'headers' | 'body' | 'json'>;

export function assertCatalogueError(response: Answer, context = ''): void {
  const where = `${context} → ${response.statusCode} ${response.body.slice(0, 300)}`;
  assert.ok(response.statusCode >= 400 && response.statusCode < 600, where);
  if (response.headers['content-type'] === XML_TYPE) {
    assert.match(
      response.body,
      /^<\?xml version="1\.0" encoding="UTF-8"\?><Errors><Error><errorCode>[A-Z_]+<\/errorCode><message>[^<]+<\/message><\/Error><\/Errors>$/,
      where,
    );
    return;
  }
  assert.equal(response.headers['content-type'], JSON_TYPE, where);
  const body = response.json();
  assert.ok(Array.isArray(body) && body.length === 1, where);
  const [error] = body;
  assert.deepEqual(Object.keys(error).sort(), ['errorCode', 'message'], where);
  assert.ok(CATALOGUE_CODES.has(error.errorCode), where);
  assert.equal(typeof error.message, 'string', where);
  assert.ok(error.message.length > 0, where);
}

/** `Sforce-Limit-Info: api-usage=USED/MAX` as numbers (SPEC §1, §7). */
export function apiUsage(response: LightMyRequestResponse): { used: number; max: number } | undefined {
  const header = response.headers['sforce-limit-info'];
  if (header === undefined) return undefined;
  const match = /^api-usage=(\d+)\/(\d+)$/.exec(String(header));
  assert.ok(match, `malformed Sforce-Limit-Info: ${header}`);
  return { used: Number(match[1]), max: Number(match[2]) };
}
