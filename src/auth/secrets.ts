import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { scryptOnThread } from './scrypt-thread.js';

let scryptStarted = 0;

/** scrypt on its own thread, one at a time (see scrypt-thread.ts for why). */
function scryptAsync(password: string, salt: Buffer, keylen: number): Promise<Buffer> {
  scryptStarted++;
  return scryptOnThread(password, salt, keylen);
}

/** How many scrypt computations this process has started (tests prove what a login costs). */
export function scryptCount(): number {
  return scryptStarted;
}

/**
 * A hash no password matches, in the stored format: checking a password against it costs one
 * scrypt, exactly as against a real one (random bytes, not a computed hash: nothing to spend at
 * start).
 */
export const UNMATCHABLE_PASSWORD_HASH = `scrypt$${randomBytes(16).toString('base64')}$${randomBytes(32).toString('base64')}`;

/** Passwords are stored as scrypt hashes: `scrypt$<salt b64>$<hash b64>` (SPEC §4). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, 32);
  return `scrypt$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, saltB64, hashB64] = stored.split('$');
  if (scheme !== 'scrypt' || !saltB64 || !hashB64) return false;
  const expected = Buffer.from(hashB64, 'base64');
  const actual = await scryptAsync(password, Buffer.from(saltB64, 'base64'), expected.length);
  return timingSafeEqual(actual, expected);
}

/**
 * Tokens are long random strings; a fast hash is enough to store them (unlike passwords, they
 * cannot be guessed), and it keeps the per-request lookup cheap.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

export function randomToken(bytes = 36): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * Random characters for an access or refresh token, from `[A-Za-z0-9._]` only (SPEC §1): clients
 * find tokens in their logs with `(00D\w{12,15})![.\w]*` and redact them, so a `-` would leave the
 * rest of the token in the log. Base64url with `.` for `-` keeps every bit of the randomness.
 * Tokens issued before this (with `-`) are still verified by their hash.
 */
export function tokenCharacters(bytes: number): string {
  return randomBytes(bytes).toString('base64url').replaceAll('-', '.');
}

/** The token response's `signature`: Base64 HMAC-SHA256 of id + issued_at keyed with the client secret. */
export function signIdentity(id: string, issuedAt: string, clientSecret: string): string {
  return createHmac('sha256', clientSecret)
    .update(id + issuedAt)
    .digest('base64');
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
