/** The services a request may need besides this process: the store, and Redis when configured. */
export type Dependency = 'store' | 'redis';

/**
 * A dependency did not answer, or is known to be down (its breaker is open). The one error
 * serializer turns it into 503 SERVER_UNAVAILABLE (OAuth: temporarily_unavailable), never a 500.
 */
export class DependencyUnavailable extends Error {
  constructor(
    readonly dependency: Dependency,
    /** Seconds until the dependency is tried again (the Retry-After of the 503). */
    readonly retryAfterSeconds: number,
    options?: { cause?: unknown },
  ) {
    super(`${dependency} unavailable`, options);
    this.name = 'DependencyUnavailable';
  }
}

/**
 * How a failed call to a dependency failed, from the driver's error:
 * - `unreachable`: no answer at all (refused, timed out, no route): the dependency is down, trip
 *   the breaker;
 * - `lost`: the connection broke under one call (reset, ended by the server): that call fails,
 *   the next one opens a new connection;
 * - undefined: the dependency answered (a constraint violation, a syntax error): not an outage.
 */
export type FailureKind = 'unreachable' | 'lost';

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  // PostgreSQL: starting up or shutting down, too many connections.
  '57P03',
  '53300',
]);
const LOST_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', '57P01', '57P02', '57014']);
const UNREACHABLE_MESSAGES = [
  // pg: connect timeout of a client, and of the pool's wait for one; the client-side query timeout.
  /connection timeout/i,
  /timeout exceeded when trying to connect/i,
  /Query read timeout/,
  // ioredis: the command timeout; a command sent while the connection is down (no offline queue).
  /Command timed out/,
  /Stream isn't writeable/,
  /Reached the max retries per request limit/,
];
const LOST_MESSAGES = [
  /Connection terminated/i,
  /is not queryable/,
  /Connection is closed/,
  /socket hang up/i,
  /read ECONNRESET/,
];

export function failureKind(error: unknown): FailureKind | undefined {
  if (error instanceof DependencyUnavailable) return 'unreachable';
  const e = error as { code?: unknown; message?: unknown; name?: unknown } | null;
  if (e === null || typeof e !== 'object') return undefined;
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : '';
  if (UNREACHABLE_CODES.has(code) || UNREACHABLE_MESSAGES.some((m) => m.test(message))) return 'unreachable';
  // SQLSTATE class 08: connection exceptions.
  if (LOST_CODES.has(code) || /^08/.test(code) || LOST_MESSAGES.some((m) => m.test(message))) return 'lost';
  // better-sqlite3: the file stayed locked by another process past busy_timeout.
  if (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_')) return 'lost';
  if (e.name === 'MaxRetriesPerRequestError') return 'unreachable';
  return undefined;
}
