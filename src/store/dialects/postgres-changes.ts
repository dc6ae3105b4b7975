import { createHash } from 'node:crypto';
import { setImmediate as endOfTurn } from 'node:timers/promises';
import pg from 'pg';
import type { CircuitBreaker } from '../../dependencies/circuit-breaker.js';
import { type Change, type ChangeFeed, ChangeListeners, parseChange } from '../change-feed.js';
import { poolTimeouts, sessionOptions } from './postgres-pool.js';

/** After a lost connection, the next attempt to listen again (and then every such interval). */
const RECONNECT_MS = 1_000;

/** The channel of migration 018's triggers for a schema. */
export function changeChannel(schema: string): string {
  return `chatterbox_changes_${createHash('md5').update(schema).digest('hex')}`;
}

/**
 * The store's changes as PostgreSQL announces them (migration 018's triggers, LISTEN on a
 * connection of its own). Notifications come at commit, in commit order, to this process's
 * writes as to everyone's.
 *
 * **Caught up.** A notification reaches a listener asynchronously: a client may get the answer of
 * a revoke from one server and send its next request to another before that server read the
 * notification from its socket. So a request waits for a round trip on the listening connection
 * that was *sent after it arrived*: PostgreSQL sends a listening session every notification
 * committed before a statement ends ahead of that statement's result (it flushes them before
 * ReadyForQuery), and pg emits each one as it parses it, before the statement settles. Requests
 * share such round trips (`select 1`), one in flight at a time: a request waits for the one in
 * flight if it was sent after its mark, else for the next. The next goes at the end of the event
 * loop's turn in which it was first wanted, or in which the one in flight returned, so every
 * request read in that turn shares it (decision 0042).
 *
 * **Down.** When the connection is lost (reset, PostgreSQL restarted, a round trip timed out), every
 * listener is told `all` (caches empty), caughtUp() answers false until LISTEN works again on a new
 * connection (tried every second), and nothing read meanwhile is cached.
 */
export class PostgresChangeFeed implements ChangeFeed {
  readonly #listeners = new ChangeListeners();
  #client: pg.Client | undefined;
  #closed = false;
  #retry: NodeJS.Timeout | undefined;
  /** Round trips sent; a mark is this count when taken. */
  #sent = 0;
  /** The latest round trip that returned while listening. */
  #returned = 0;
  #inFlight: { id: number; done: Promise<boolean> } | undefined;
  /** The next round trip, not sent yet: it carries every mark taken before it goes. */
  #next: Promise<boolean> | undefined;

  constructor(
    private readonly url: string,
    private readonly schema: string,
    private readonly timeoutMs: number,
    /** The store's: a round trip that found PostgreSQL unreachable opens it (decision 0021). */
    private readonly breaker?: CircuitBreaker | undefined,
  ) {}

  /** Listens (once; on failure it keeps trying in the background, the feed down meanwhile). */
  async start(): Promise<void> {
    await this.#listen();
  }

  get live(): boolean {
    return this.#client !== undefined;
  }

  get generation(): number {
    return this.#listeners.generation;
  }

  onChange(listener: (change: Change) => void): void {
    this.#listeners.add(listener);
  }

  mark(): number {
    return this.#sent;
  }

  caughtUp(mark: number): boolean | Promise<boolean> {
    if (!this.#client) return false;
    if (this.#returned > mark) return true;
    const inFlight = this.#inFlight;
    if (inFlight && inFlight.id > mark) return inFlight.done;
    this.#next ??= (inFlight ? inFlight.done : Promise.resolve())
      .then(() => endOfTurn())
      .then(() => {
        this.#next = undefined;
        return this.#client ? this.#roundTrip() : false;
      });
    return this.#next;
  }

  #roundTrip(): Promise<boolean> {
    const client = this.#client as pg.Client;
    const id = ++this.#sent;
    const done = client.query('select 1').then(
      () => {
        if (this.#client !== client) return false;
        if (id > this.#returned) this.#returned = id;
        return true;
      },
      (error: Error) => {
        // A black hole costs the first request one bound, not one for the feed and one more for
        // the store: the store's calls then fail fast as well.
        this.breaker?.failed(error);
        this.#lost(client, error);
        return false;
      },
    );
    const entry = { id, done };
    this.#inFlight = entry;
    void done.then(() => {
      if (this.#inFlight === entry) this.#inFlight = undefined;
    });
    return done;
  }

  async #listen(): Promise<void> {
    if (this.#closed) return;
    const client = new pg.Client({
      connectionString: this.url,
      options: sessionOptions(this.schema, this.timeoutMs),
      ...poolTimeouts(this.timeoutMs),
      application_name: `chatterbox/${this.schema}/changes`.slice(0, 63),
    });
    client.on('error', (error) => this.#lost(client, error));
    client.on('end', () => this.#lost(client, new Error('connection ended')));
    client.on('notification', (message) => {
      if (this.#client === client) this.#listeners.emit(parseChange(message.payload ?? ''));
    });
    try {
      await client.connect();
      await client.query(`listen "${changeChannel(this.schema)}"`);
    } catch {
      client.end().catch(() => undefined);
      this.#scheduleRetry();
      return;
    }
    if (this.#closed) {
      await client.end().catch(() => undefined);
      return;
    }
    // Whatever changed while nobody listened is unknown: start from empty caches.
    this.#listeners.emitAll();
    this.#client = client;
  }

  #lost(client: pg.Client, _error: Error): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    this.#listeners.emitAll();
    client.end().catch(() => undefined);
    this.#scheduleRetry();
  }

  #scheduleRetry(): void {
    if (this.#closed || this.#retry) return;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      void this.#listen();
    }, RECONNECT_MS);
    this.#retry.unref();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }
}
