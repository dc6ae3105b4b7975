import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { mock } from 'node:test';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { type Config, defaults } from '../../src/config.js';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PASSWORD } from '../../src/demo/demo-org.js';
import { buildApp } from '../../src/http/app.js';
import type { LazyValidators } from '../../src/http/lazy-validators.js';
import type { Clock } from '../../src/lib/clock.js';
import { createRuntime, type Runtime } from '../../src/main.js';
import type { Services } from '../../src/services.js';
import { dropPostgresSchema } from '../../src/store/dialects/postgres.js';
import { checkStatementShapes } from '../../src/store/statement-shapes.js';

// Every statement compiled once per shape is also built with its own values and compared, in every
// suite that opens a store: a builder that picked its SQL by a value fails the test that reached it.
checkStatementShapes(true);

/** Which store the suite runs on: CHATTERBOX_TEST_STORE=sqlite (default) or postgres (STYLE #10). */
export const testStore = (process.env.CHATTERBOX_TEST_STORE ?? 'sqlite') as 'sqlite' | 'postgres';
export const testDatabaseUrl =
  process.env.CHATTERBOX_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const ADMIN_TOKEN = 'test-admin-token';

export function testConfig(overrides: Partial<Config> = {}): Config {
  // Each harness gets its own PostgreSQL schema, so test files and runs never collide.
  const pgSchema = `cbtest_${process.pid}_${randomBytes(4).toString('hex')}`;
  return {
    ...defaults,
    db: ':memory:',
    databaseUrl: testStore === 'postgres' ? testDatabaseUrl : undefined,
    pgSchema,
    demo: true,
    adminToken: ADMIN_TOKEN,
    adminTokenGenerated: false,
    logLevel: 'silent',
    // Suites that send hundreds of requests with one token must not meet the hourly quota (200 by
    // default); the quota tests set their own limits.
    hourlyLimit: 1_000_000,
    ...overrides,
  };
}

export interface Harness {
  app: FastifyInstance;
  services: Services;
  runtime: Runtime;
  config: Config;
  /** A fresh access token for a demo (or any) user, through the password grant. */
  login(username: string, password?: string): Promise<string>;
  /** An in-process request; `token` becomes `Authorization: Bearer`. */
  request(options: InjectOptions & { token?: string }): Promise<LightMyRequestResponse>;
  /** A control-plane request with the admin token. */
  admin(method: InjectOptions['method'], url: string, payload?: unknown): Promise<LightMyRequestResponse>;
  /**
   * Stops the server clock until the returned function is called, so that a steady-state
   * measurement does not cross a time-based re-check (the session cache's TTL), nor an hourly
   * count the turn of an hour (see freezeClocks).
   */
  freezeClock(): () => void;
  /** How many store round trips (queries) fn makes. */
  countQueries(fn: () => Promise<unknown>): Promise<number>;
  /** Starts listening on 127.0.0.1, a free port; returns the base URL (no trailing slash). */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Receives the app's pino log lines (see captureLogs); by default the app logs nothing. */
  logStream?: Writable;
  /** The console's built files (default: dist/web). */
  consoleDir?: string;
  /** The app's lazily compiled route validators (default: its own). */
  validators?: LazyValidators;
}

export async function createHarness(
  overrides: Partial<Config> = {},
  options: HarnessOptions = {},
): Promise<Harness> {
  const config = testConfig(overrides);
  const runtime = await createRuntime(config);
  const logger = options.logStream ? { level: 'info', stream: options.logStream } : false;
  const app = await buildApp(runtime.services, {
    logger,
    reset: runtime.reset,
    ...(options.consoleDir ? { consoleDir: options.consoleDir } : {}),
    ...(options.validators ? { validators: options.validators } : {}),
  });
  await app.ready();
  const harness: Harness = {
    app,
    services: runtime.services,
    runtime,
    config,
    async login(username, password = DEMO_PASSWORD) {
      const response = await app.inject({
        method: 'POST',
        url: '/services/oauth2/token',
        payload: new URLSearchParams({
          grant_type: 'password',
          client_id: DEMO_CLIENT_ID,
          client_secret: DEMO_CLIENT_SECRET,
          username,
          password,
        }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      if (response.statusCode !== 200) throw new Error(`login ${username} failed: ${response.body}`);
      return response.json().access_token as string;
    },
    async request({ token, ...options }) {
      const headers = { ...(options.headers ?? {}) } as Record<string, string>;
      if (token) headers.authorization = `Bearer ${token}`;
      return app.inject({ ...options, headers });
    },
    async admin(method, url, payload) {
      return app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
      });
    },
    freezeClock() {
      return freezeClocks(runtime.services.clock);
    },
    async countQueries(fn) {
      const { queries } = runtime.services.store;
      const before = queries.count;
      await fn();
      return queries.count - before;
    },
    async listen() {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const address = app.server.address();
      if (address === null || typeof address === 'string') throw new Error('not listening on a port');
      return `http://127.0.0.1:${address.port}`;
    },
    async close() {
      await app.close();
      await runtime.close();
      if (config.databaseUrl) await dropPostgresSchema(config.databaseUrl, config.pgSchema);
    },
  };
  return harness;
}

/**
 * Stops real time under server clocks, all at one instant, until the returned function is called;
 * moving a clock (the control plane's POST /_chatterbox/clock) still moves it. A test that counts
 * requests against the hourly quota freezes its servers' clocks: otherwise the turn of an hour
 * during the test (CI runs for over an hour) starts a new window and the count with it.
 */
export function freezeClocks(...clocks: Clock[]): () => void {
  const now = Date.now();
  const frozen = clocks.map((clock) => mock.method(clock, 'now', () => now + clock.offsetMs));
  return () => {
    for (const clock of frozen) clock.mock.restore();
  };
}

export const JSON_TYPE = 'application/json;charset=UTF-8';

/** A log stream for createHarness({…}, { logStream }) that keeps every line, parsed. */
export function captureLogs(): { stream: Writable; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  return { stream, lines };
}
