import { createHash, createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';

const scryptOnce = promisify(scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;

/**
 * At most one scrypt per core at a time. Each takes 16 MB and a core for ~50 ms; libuv would run
 * four at once on any machine, and on two cores the extra two only waited for CPU while holding
 * their memory (a burst of logins took the server from 150 MB to 290 MB RSS, bench scenario e).
 */
const SCRYPT_SLOTS = Math.max(1, Math.min(4, availableParallelism()));
let scryptRunning = 0;
let scryptStarted = 0;
const scryptWaiting: (() => void)[] = [];

async function scryptAsync(password: string, salt: Buffer, keylen: number): Promise<Buffer> {
  scryptStarted++;
  if (scryptRunning >= SCRYPT_SLOTS) await new Promise<void>((resolve) => scryptWaiting.push(resolve));
  else scryptRunning++;
  try {
    return await scryptOnce(password, salt, keylen);
  } finally {
    // The slot passes straight to the next waiter, if any.
    const next = scryptWaiting.shift();
    if (next) next();
    else scryptRunning--;
  }
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
