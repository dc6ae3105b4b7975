/** One API request as the journal keeps it (SPEC §9). */
export interface JournalEntry {
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
  /** Assigned by the journal when recorded: 1, 2, 3, … in this process, never reused (not even after a clear). */
  id?: number;
  /** The request and response as sent, bounded and redacted when recorded (journal-capture.ts). */
  exchange?: JournalExchange;
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
 * The most recent API requests, in a ring of fixed size: recording never allocates more than the
 * ring, however much traffic passes, and the oldest entry is overwritten first.
 */
export class RequestJournal {
  readonly #ring: (JournalEntry | undefined)[];
  #next = 0;
  #count = 0;
  #lastId = 0;
  readonly #listeners = new Set<JournalListener>();

  constructor(readonly capacity: number) {
    this.#ring = new Array(Math.max(0, capacity)).fill(undefined);
  }

  record(entry: JournalEntry): void {
    if (this.capacity === 0) return;
    entry.id = ++this.#lastId;
    this.#ring[this.#next] = entry;
    this.#next = (this.#next + 1) % this.capacity;
    this.#count = Math.min(this.#count + 1, this.capacity);
    // The common case, nobody watching, costs one size check.
    if (this.#listeners.size > 0) for (const listener of this.#listeners) listener.recorded(entry);
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
    for (const listener of this.#listeners) listener.cleared();
  }
}
