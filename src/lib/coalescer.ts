import { setImmediate as endOfTurn } from 'node:timers/promises';

interface Waiting<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: items of one key go together (at most `maxPerCall`, in the order they arrived) in
 * one call. A call goes at the end of the event loop's turn in which its first item arrived, or in
 * which the key's previous call returned (setImmediate, as ioredis's auto-pipelining does): every
 * item submitted in that turn, and every item that arrived while the previous call ran, goes in
 * it. No timer: a lone item waits for nothing but the rest of its turn (decision 0042). A call
 * that fails fails each of its items with its error; the items queued behind it go in the next.
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

  /** Runs the key's queue call after call, each at the end of a turn, until it is empty. */
  async #drain(key: string, queue: Waiting<T, R>[]): Promise<void> {
    do {
      await endOfTurn();
      const batch = queue.splice(0, this.maxPerCall);
      try {
        const results = await this.run(batch.map((w) => w.item));
        for (const [i, w] of batch.entries()) w.resolve(results[i] as R);
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    } while (queue.length > 0);
    this.#queues.delete(key);
  }
}
