import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import type pg from 'pg';
import type { CircuitBreaker } from '../../dependencies/circuit-breaker.js';

/**
 * Every bound on a PostgreSQL call (decision 0021), from the one `--dependency-timeout-ms`: a
 * connection must open within it, a statement must finish within it on the server
 * (statement_timeout), and an answer must arrive within it plus a second on the client
 * (query_timeout: a black-holed connection never delivers the server's own timeout). 0 = none.
 */
export function poolTimeouts(timeoutMs: number): pg.PoolConfig {
  if (timeoutMs <= 0) return {};
  return {
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs + 1_000,
    // A connection whose peer vanished is found by TCP keepalive, not only by the next query.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  };
}

/** The server-side settings of every connection, as the `options` startup parameter. */
export function sessionOptions(schema: string, timeoutMs: number): string {
  const timeouts =
    timeoutMs > 0
      ? // A transaction left open by a client that stopped talking holds its locks no longer.
        ` -c statement_timeout=${timeoutMs} -c idle_in_transaction_session_timeout=${timeoutMs * 2}`
      : '';
  return `-c search_path="${schema}"${timeouts}`;
}

/**
 * The pool as Kysely sees it, with the store's breaker in front: while PostgreSQL is known down a
 * connection is refused at once (DependencyUnavailable, a 503), and a connection that failed under
 * a query is destroyed on release instead of going back to the pool, where the next request
 * would wait on it again.
 */
export class GuardedPool implements PostgresPool {
  readonly #clients = new WeakMap<pg.PoolClient, GuardedClient>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly breaker: CircuitBreaker,
  ) {}

  async connect(): Promise<PostgresPoolClient> {
    const probe = this.breaker.enter();
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      // No connection at all: whatever the reason, PostgreSQL cannot be reached now.
      this.breaker.trip(error);
      this.breaker.abandoned(probe);
      throw this.breaker.unavailable(error);
    }
    let guarded = this.#clients.get(client);
    if (!guarded) {
      guarded = new GuardedClient(client, this.breaker);
      this.#clients.set(client, guarded);
    } else if (guarded.trustedUntilTrip < this.breaker.trips) {
      // An idle connection that lived through an outage may lead into a black hole that never
      // answers: drop it rather than make a request find out (after a timeout). The pool opens
      // a new one.
      client.release(true);
      this.breaker.abandoned(probe);
      return this.connect();
    }
    guarded.begin(probe);
    return guarded;
  }

  end(): Promise<void> {
    return this.pool.end();
  }
}

class GuardedClient implements PostgresPoolClient {
  #probe = false;
  #lost: Error | undefined;
  /** The breaker's trip count when this connection last answered. */
  trustedUntilTrip: number;

  constructor(
    private readonly client: pg.PoolClient,
    private readonly breaker: CircuitBreaker,
  ) {
    this.trustedUntilTrip = breaker.trips;
    client.on('error', (error) => {
      this.#lost = error;
    });
  }

  begin(probe: boolean): void {
    this.#probe = probe;
    this.#lost = undefined;
  }

  query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
  query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  query<R>(
    sqlOrCursor: string | PostgresCursor<R>,
    parameters?: ReadonlyArray<unknown>,
  ): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
    if (typeof sqlOrCursor !== 'string') {
      return (this.client as unknown as PostgresPoolClient).query(sqlOrCursor);
    }
    return (
      this.client.query(sqlOrCursor, parameters as unknown[]) as unknown as Promise<PostgresQueryResult<R>>
    ).then(
      (result) => {
        this.#settle();
        return result;
      },
      (error: unknown) => {
        const probe = this.#probe;
        this.#probe = false;
        const kind = this.breaker.failed(error, probe);
        if (kind === undefined) {
          // PostgreSQL answered with an error of its own (a constraint, a syntax error): it is up.
          if (probe) this.breaker.succeeded();
          throw error;
        }
        this.#lost = error as Error;
        throw this.breaker.unavailable(error);
      },
    );
  }

  release(destroy?: boolean): void {
    this.breaker.abandoned(this.#probe);
    this.#probe = false;
    this.client.release(this.#lost ?? destroy);
  }

  #settle(): void {
    this.trustedUntilTrip = this.breaker.trips;
    if (this.#probe || this.breaker.isOpen) this.breaker.succeeded();
    this.#probe = false;
  }
}
