import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { deleteKeys, escapeGlob } from '../lib/redis-keys.js';
import type { ControlChange, ControlSnapshot, ControlState } from './control-state.js';

interface ChangeMessage {
  from: string;
  id: string;
  change: ControlChange;
}

/** How long a change waits for the other servers to confirm they applied it. */
const ACK_TIMEOUT_MS = 2_000;
/** The shared settings outlive a server by this long; a deployment started later begins afresh. */
const SNAPSHOT_TTL_MS = 60_000;

/**
 * Several servers on one Redis behave as one server (SPEC §10): quota settings, maintenance,
 * faults and the clock offset are kept in one Redis key (`<prefix>control`), and a change on any
 * server is written there and announced on a channel. Every other server reloads the key, applies
 * it and confirms; the control-plane call that made the change returns once all of them have (or
 * after ACK_TIMEOUT_MS), so a test that changes a setting on one server sees it on the next
 * request to any server. Fault firings are counted in Redis so `times` holds across servers.
 * A reset is announced too: the others empty their journals and session caches.
 */
export class ControlSync {
  readonly #id = randomUUID();
  readonly #subscriber: Redis;
  readonly #pending = new Map<string, { acks: number; expected: number | undefined; done: () => void }>();
  #heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly control: ControlState,
    private readonly onRemoteReset: () => void,
  ) {
    // Subscribing waits for the connection (the command client fails fast instead, decision 0021).
    this.#subscriber = redis.duplicate({ enableOfflineQueue: true });
  }

  get #key(): string {
    return `${this.prefix}control`;
  }

  get #channel(): string {
    return `${this.prefix}control:changes`;
  }

  get #ackChannel(): string {
    return `${this.prefix}control:acks`;
  }

  /** Takes over the settings of the servers already running, or publishes this one's. */
  async start(): Promise<void> {
    this.control.faults.shared = {
      fire: (id) => this.redis.incr(`${this.prefix}fault:${id}`),
      counts: async (ids) =>
        (await this.redis.mget(ids.map((id) => `${this.prefix}fault:${id}`))).map((v) => Number(v ?? 0)),
    };
    this.#subscriber.on('message', (channel, message) => {
      void this.#receive(channel, message);
    });
    await this.#subscriber.subscribe(this.#channel, this.#ackChannel);
    const existing = await this.redis.get(this.#key);
    if (existing) this.control.restore(JSON.parse(existing) as ControlSnapshot);
    else await this.#write();
    this.control.onChange((change) => this.#publish(change));
    this.#heartbeat = setInterval(() => {
      void this.redis.pexpire(this.#key, SNAPSHOT_TTL_MS).catch(() => undefined);
    }, SNAPSHOT_TTL_MS / 3);
    this.#heartbeat.unref();
  }

  async stop(): Promise<void> {
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#subscriber.disconnect();
  }

  async #write(): Promise<void> {
    await this.redis.set(this.#key, JSON.stringify(this.control.snapshot()), 'PX', SNAPSHOT_TTL_MS);
  }

  async #publish(change: ControlChange): Promise<void> {
    await this.#write();
    if (change === 'faults' || change === 'reset') await this.#forgetFirings();
    const id = randomUUID();
    const acked = new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        resolve();
      }, ACK_TIMEOUT_MS);
      timer.unref();
      this.#pending.set(id, {
        acks: 0,
        expected: undefined,
        done: () => {
          clearTimeout(timer);
          this.#pending.delete(id);
          resolve();
        },
      });
    });
    const message: ChangeMessage = { from: this.#id, id, change };
    // Every subscribed server receives it, this one included: wait for the others' acks (which
    // may arrive before PUBLISH answers).
    const receivers = await this.redis.publish(this.#channel, JSON.stringify(message));
    const pending = this.#pending.get(id);
    if (pending) {
      pending.expected = Math.max(0, receivers - 1);
      if (pending.acks >= pending.expected) pending.done();
    }
    await acked;
  }

  /** Firing counts of faults that no longer exist (or of every fault, on reset) are dropped. */
  async #forgetFirings(): Promise<void> {
    const live = new Set(this.control.faults.list().map((f) => `${this.prefix}fault:${f.id}`));
    await deleteKeys(this.redis, `${escapeGlob(this.prefix)}fault:*`, (key) => !live.has(key));
  }

  async #receive(channel: string, raw: string): Promise<void> {
    const message = JSON.parse(raw) as ChangeMessage;
    if (channel === this.#ackChannel) {
      const pending = this.#pending.get(message.id);
      if (!pending) return;
      pending.acks += 1;
      if (pending.expected !== undefined && pending.acks >= pending.expected) pending.done();
      return;
    }
    if (message.from === this.#id) return;
    const snapshot = await this.redis.get(this.#key);
    if (snapshot) this.control.restore(JSON.parse(snapshot) as ControlSnapshot);
    if (message.change === 'reset') {
      this.control.journal.clear();
      this.onRemoteReset();
    }
    await this.redis.publish(
      this.#ackChannel,
      JSON.stringify({ from: this.#id, id: message.id, change: message.change }),
    );
  }
}
