import { safeEqual } from '../auth/secrets.js';
import { apiError } from '../errors/api-error.js';

/**
 * The control plane's guard (SPEC §9): `Authorization: Bearer <admin token>`. A request without
 * one, or with another token, gets 401 INVALID_SESSION_ID whose message names the admin token, so
 * nobody takes it for an expired API session.
 */
export function checkAdminToken(authorization: string | undefined, adminToken: string): void {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!match) throw apiError('ADMIN_TOKEN_MISSING');
  if (!safeEqual(match[1] as string, adminToken)) throw apiError('ADMIN_TOKEN_WRONG');
}
