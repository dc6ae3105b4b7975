import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { safeEqual } from '../auth/secrets.js';

/**
 * Batch subrequests go through the same pipeline as direct calls (STYLE #15) and are told apart by
 * this header, carrying a secret made when the process starts: a client cannot forge it, so it
 * cannot dodge the daily quota by posing as a subrequest (SPEC §7).
 */
export const SUBREQUEST_HEADER = 'x-chatterbox-subrequest';
export const SUBREQUEST_SECRET = randomBytes(24).toString('base64url');

export function isSubrequest(request: FastifyRequest): boolean {
  const value = request.headers[SUBREQUEST_HEADER];
  return typeof value === 'string' && safeEqual(value, SUBREQUEST_SECRET);
}
