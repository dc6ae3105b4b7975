import { ExchangeRing, type ExchangeSlot } from './exchange-ring.js';

/** One API request as the journal keeps it (SPEC §9). */
export interface JournalEntry {
  /** Assigned by the journal when recorded: 1, 2, 3, … in this process, never reused (not even after a clear). */
  id: number;
  /** Epoch ms of the server clock when the request arrived. */
  time: number;
  method: string;
  /** The full path, without the query. */
  path: string;
  status: number;
  errorCode: string | null;
  username: string | null;
  /** The connected app's client ID, when the request named it (the token endpoint). */
  clientId: string | null;
  /** The session's connected app, turned into its client ID when the journal is read. */
  appId: string | null;
  durationMs: number;
  /**
   * The id of the entry this request repeats: same session, method, path with query, and body,
   * arriving within RETRY_WINDOW_MS of it (issue 10: "did my client back off after the 503?").
   */
  retryOf: number | null;
  /** Where the ring holds the request and response as sent (`RequestJournal.exchange`). */
  exchange?: ExchangeSlot | undefined;
}

/** One side of an exchange: headers and the start of the body, secrets already redacted. */
export interface JournalMessage {
  headers: Record<string, string>;
  /** At most the journal's body bound, in characters; null when there was no body. */
  body: string | null;
  /** The whole body's size in bytes. */
  bodyBytes: number;
  truncated: boolean;
}

export interface JournalExchange {
  request: JournalMessage;
  response: JournalMessage;
}

/** Told of every entry as it is recorded and of every clear; called synchronously, so it must be cheap. */
export interface JournalListener {
  recorded(entry: JournalEntry): void;
  cleared(): void;
}

/**
 * What a request is compared by to find the one it retries; undefined when it had no session.
 * `digest` is the body's, when the body was read: a request refused before that (by a quota or a
 * fault) is known by its length only, and matches a read one of the same length.
 */
export type RetryKey = { request: string; length: string; digest: string | undefined } | undefined;

interface Recent {
  id: number;
  time: number;
  length: string;
  digest: string | undefined;
}

export const RETRY_WINDOW_MS = 60_000;

/**
 * The bytes of exchanges the journal keeps for each entry it holds (decision 0041): a users/me
 * exchange takes about 1.5 KiB, a feed page's about 5 KiB (its bodies bounded to 4096 characters
 * each). When large ones fill the ring, the oldest entries lose their exchange, not their row.
 */
export const EXCHANGE_BYTES_PER_ENTRY = 4096;
/** However many entries the journal holds, its exchanges take at most this (the latest ~16 000). */
export const MAX_EXCHANGE_BYTES = 64 * 1024 * 1024;

/**
 * The most recent API requests, in a ring of fixed size: recording never allocates more than the
 * ring, however much traffic passes, and the oldest entry is overwritten first. Beside it, the
 * last entry of each distinct request of the past minute, to mark retries; bounded the same way.
 */
export class RequestJournal {
  readonly #ring: (JournalEntry | undefined)[];
  #next = 0;
  #count = 0;
  #lastId = 0;
  readonly #listeners = new Set<JournalListener>();
  /** Insertion order is arrival order: the oldest key comes first, and is evicted first. */
  readonly #recent = new Map<string, Recent>();
  readonly #exchanges: ExchangeRing | undefined;

  constructor(readonly capacity: number) {
    this.#ring = new Array(Math.max(0, capacity)).fill(undefined);
    this.#exchanges =
      capacity > 0
        ? new ExchangeRing(Math.min(capacity * EXCHANGE_BYTES_PER_ENTRY, MAX_EXCHANGE_BYTES))
        : undefined;
  }

  /** `exchange` is made only when the journal keeps entries. */
  record(
    entry: Omit<JournalEntry, 'id' | 'retryOf' | 'exchange'>,
    exchange: () => JournalExchange,
    retryKey: RetryKey = undefined,
  ): void {
    if (this.#exchanges === undefined) return;
    const id = ++this.#lastId;
    const retryOf = retryKey === undefined ? null : this.#remember(retryKey, id, entry.time);
    const recorded: JournalEntry = { id, ...entry, retryOf, exchange: this.#exchanges.write(exchange()) };
    this.#ring[this.#next] = recorded;
    this.#next = (this.#next + 1) % this.capacity;
    this.#count = Math.min(this.#count + 1, this.capacity);
    // The common case, nobody watching, costs one size check.
    if (this.#listeners.size > 0) for (const listener of this.#listeners) listener.recorded(recorded);
  }

  /** The id of the identical request of the last minute, if any; then this one takes its place. */
  #remember(key: NonNullable<RetryKey>, id: number, time: number): number | null {
    const earlier = this.#recent.get(key.request);
    const elapsed = earlier === undefined ? -1 : time - earlier.time;
    const sameBody =
      earlier !== undefined &&
      earlier.length === key.length &&
      (earlier.digest === undefined || key.digest === undefined || earlier.digest === key.digest);
    this.#recent.delete(key.request);
    this.#recent.set(key.request, { id, time, length: key.length, digest: key.digest });
    for (const [oldKey, old] of this.#recent) {
      if (this.#recent.size <= this.capacity && time - old.time <= RETRY_WINDOW_MS) break;
      this.#recent.delete(oldKey);
    }
    return sameBody && elapsed >= 0 && elapsed <= RETRY_WINDOW_MS ? earlier.id : null;
  }

  /** Newest first, at most `limit`; only the entries `matches` accepts, when given. */
  list(limit: number, matches?: (entry: JournalEntry) => boolean): JournalEntry[] {
    const entries: JournalEntry[] = [];
    for (let i = 1; i <= this.#count && entries.length < limit; i++) {
      const entry = this.#ring[(this.#next - i + this.capacity) % this.capacity] as JournalEntry;
      if (!matches || matches(entry)) entries.push(entry);
    }
    return entries;
  }

  /** The entry with this id, while the ring still holds it. */
  find(id: number): JournalEntry | undefined {
    const age = this.#lastId - id;
    if (!Number.isInteger(id) || age < 0 || age >= this.#count) return undefined;
    return this.#ring[(this.#next - 1 - age + this.capacity) % this.capacity];
  }

  /** The entry's request and response, while the ring still holds them. */
  exchange(entry: JournalEntry): JournalExchange | undefined {
    return entry.exchange === undefined ? undefined : this.#exchanges?.read(entry.exchange);
  }

  /** Starts telling `listener` of new entries and clears; the returned function stops it. */
  subscribe(listener: JournalListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get length(): number {
    return this.#count;
  }

  clear(): void {
    this.#ring.fill(undefined);
    this.#next = 0;
    this.#count = 0;
    this.#recent.clear();
    for (const listener of this.#listeners) listener.cleared();
  }
}
