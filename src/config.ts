/** One typed config object (SPEC §10). Built from flags and env vars in main.ts only. */
export interface Config {
  port: number;
  host: string;
  db: string;
  databaseUrl: string | undefined;
  pgSchema: string;
  redisUrl: string | undefined;
  redisPrefix: string;
  demo: boolean;
  adminToken: string;
  adminTokenGenerated: boolean;
  publicUrl: string | undefined;
  hourlyLimit: number;
  dailyLimit: number;
  dailyLimitStatus: 429 | 403;
  /** Retry-After on quota refusals (SPEC §2: off unless asked for). */
  quotaRetryAfter: boolean;
  sessionTimeout: number;
  maxBodyBytes: number;
  /** The largest file an upload may carry (SPEC §12.2); uploads are not bound by maxBodyBytes. */
  maxFileBytes: number;
  workers: number;
  logLevel: string;
  /** JSON lines, or pino-pretty's coloured lines; default: pretty when stdout is a terminal. */
  logFormat: 'pretty' | 'json';
  /** The 2-character instance code inside generated IDs (SPEC §3). */
  idInstance: string;
  /** Failed logins in a row before the user is locked, and for how long (SPEC §4). */
  lockoutThreshold: number;
  lockoutSeconds: number;
  journalSize: number;
  /**
   * The bound on each call to PostgreSQL or Redis, in ms: connecting, a statement, a command
   * (decision 0021). 0 = no bound (bulk loads and long migrations).
   */
  dependencyTimeoutMs: number;
  /**
   * Seals connected-app secrets at rest (decision 0022); when unset, the store's own key does,
   * which a copy of the whole database then carries along.
   */
  secretKey: string | undefined;
  /** How long a request (headers and body) may take to arrive, in ms; 0: no limit (issue 9). */
  requestTimeoutMs: number;
  /** `serve --import FILE`: a snapshot loaded at start, and `--export-on-exit FILE` (decision 0030). */
  importFile: string | undefined;
  exportOnExit: string | undefined;
}

export const defaults: Omit<Config, 'adminToken' | 'adminTokenGenerated'> = {
  port: 8080,
  host: '127.0.0.1',
  db: './data/chatterbox.db',
  databaseUrl: undefined,
  pgSchema: 'public',
  redisUrl: undefined,
  redisPrefix: 'chatterbox:',
  demo: false,
  publicUrl: undefined,
  hourlyLimit: 200,
  dailyLimit: 15000,
  dailyLimitStatus: 429,
  quotaRetryAfter: false,
  sessionTimeout: 7200,
  maxBodyBytes: 10 * 1024 * 1024,
  maxFileBytes: 100 * 1024 * 1024,
  workers: 1,
  logLevel: 'info',
  logFormat: 'json',
  idInstance: 'Cb',
  lockoutThreshold: 10,
  lockoutSeconds: 15 * 60,
  journalSize: 1000,
  dependencyTimeoutMs: 5000,
  secretKey: undefined,
  importFile: undefined,
  exportOnExit: undefined,
  // A 10 MB body (the default limit) needs 175 KB/s to arrive in time.
  requestTimeoutMs: 60_000,
};
