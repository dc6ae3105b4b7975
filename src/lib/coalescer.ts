interface Waiting<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: items of one key submitted while that key's previous call is running wait, and go
 * together (at most `maxPerCall`, in the order they arrived) in the next call. A lone item is
 * passed on at once: no timer, nothing waits for company. A call that fails fails each of its
 * items with its error; the items queued behind it go in the next call.
 */
export class Coalescer<T, R> {
  readonly #queues = new Map<string, Waiting<T, R>[]>();

  constructor(
    private readonly run: (items: T[]) => Promise<R[]>,
    private readonly maxPerCall: number,
  ) {}

  submit(key: string, item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const queue = this.#queues.get(key);
      if (queue) {
        queue.push({ item, resolve, reject });
        return;
      }
      const started: Waiting<T, R>[] = [{ item, resolve, reject }];
      this.#queues.set(key, started);
      void this.#drain(key, started);
    });
  }

  /** Runs the key's queue call after call until it is empty, then forgets the key. */
  async #drain(key: string, queue: Waiting<T, R>[]): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.splice(0, this.maxPerCall);
      try {
        const results = await this.run(batch.map((w) => w.item));
        for (const [i, w] of batch.entries()) w.resolve(results[i] as R);
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
    this.#queues.delete(key);
  }
}
