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
}

/**
 * The most recent API requests, in a ring of fixed size: recording never allocates more than the
 * ring, however much traffic passes, and the oldest entry is overwritten first.
 */
export class RequestJournal {
  readonly #ring: (JournalEntry | undefined)[];
  #next = 0;
  #count = 0;

  constructor(readonly capacity: number) {
    this.#ring = new Array(Math.max(0, capacity)).fill(undefined);
  }

  record(entry: JournalEntry): void {
    if (this.capacity === 0) return;
    this.#ring[this.#next] = entry;
    this.#next = (this.#next + 1) % this.capacity;
    this.#count = Math.min(this.#count + 1, this.capacity);
  }

  /** Newest first, at most `limit`. */
  list(limit: number): JournalEntry[] {
    const entries: JournalEntry[] = [];
    for (let i = 1; i <= Math.min(limit, this.#count); i++) {
      entries.push(this.#ring[(this.#next - i + this.capacity) % this.capacity] as JournalEntry);
    }
    return entries;
  }

  get length(): number {
    return this.#count;
  }

  clear(): void {
    this.#ring.fill(undefined);
    this.#next = 0;
    this.#count = 0;
  }
}
