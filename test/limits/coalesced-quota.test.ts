import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setImmediate as endOfTurn } from 'node:timers/promises';
import { sql } from 'kysely';
import { StoreUsageCounters } from '../../src/limits/store-usage.js';
import type { TakeRequest, Takes } from '../../src/limits/usage.js';
import type { Store } from '../../src/store/store.js';
import { testStore } from '../helpers/harness.js';
import { openTestStore, rawDatabase, type TestStore } from '../helpers/store.js';

const NOW = Date.parse('2026-03-02T10:30:00.000Z');
const TAKES = 40;

/**
 * Takes of one org: three users, a daily limit of 20 and an hourly one of 6; every seventh take
 * skips the daily quota (a batch's subrequest), every fifth the hourly one (not Chatter).
 */
function takesOf(orgId: string, appId: string): TakeRequest[] {
  return Array.from({ length: TAKES }, (_, i) => ({
    orgId,
    userId: `005u${i % 3}`,
    appId,
    now: NOW + i,
    dailyLimit: i % 7 === 6 ? undefined : 20,
    hourlyLimit: i % 5 === 4 ? undefined : 6,
  }));
}

/**
 * PostgreSQL without Redis: a server's takes of one org that arrive in one turn of the event loop,
 * or while that org's quota statement runs, go together in one statement (decisions 0037, 0042),
 * each answered as if counted alone.
 */
describe('PostgreSQL quota takes coalesced per org (decision 0037)', () => {
  if (testStore !== 'postgres') return;
  let shared: TestStore;
  /** Two servers on one database: the first store and a peer (test/helpers/store.ts). */
  const stores: Store[] = [];
  before(async () => {
    shared = await openTestStore();
    stores.push(shared.store, await shared.openPeer());
  });
  after(() => shared.close());
  /** Counters whose hourly sweep of expired buckets is done, so takes go straight to the queue. */
  const counters = async (store: Store) => {
    const usage = new StoreUsageCounters(store);
    await usage.take({ orgId: '00Dwarm', userId: '005w', appId: 'w', now: NOW, dailyLimit: 1 });
    return usage;
  };

  test('concurrent takes near the limits answer exactly as the same takes one after the other', async () => {
    const [store] = stores as [Store];
    const usage = await counters(store);
    const sequential: Takes[] = [];
    for (const take of takesOf('00Dseq', 'appSeq')) sequential.push(await usage.take(take));
    const q0 = store.queries.count;
    const concurrent = await Promise.all(takesOf('00Dcon', 'appCon').map((take) => usage.take(take)));
    // The 40 arrived in one turn: calls of 16, 16 and 8 (decision 0042), none of them alone.
    assert.equal(store.queries.count - q0, 3);
    assert.deepEqual(concurrent, sequential);
    // What that is: the daily quota admits 20 of the 35 that count there, each at its own position.
    const daily = concurrent.flatMap((t) => (t.daily?.ok ? [t.daily.used] : []));
    assert.deepEqual(
      daily,
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    assert.equal(concurrent.filter((t) => t.daily && !t.daily.ok).length, 15);
  });

  test('two servers firing at once: exactly the limit admitted, each position once', async () => {
    const usages = await Promise.all(stores.map(counters));
    const limit = 30;
    const fire = (usage: StoreUsageCounters, server: number) =>
      Promise.all(
        Array.from({ length: 25 }, async (_, i) => {
          const userId = `005s${server}u${i % 2}`;
          const take = { orgId: '00Dtwo', userId, appId: 'app', now: NOW, dailyLimit: limit, hourlyLimit: 9 };
          return { userId, ...(await usage.take(take)) };
        }),
      );
    const takes = (await Promise.all(usages.map(fire))).flat();
    const admitted = takes.filter((t) => t.daily?.ok);
    assert.deepEqual(
      admitted.map((t) => t.daily?.used).sort((a = 0, b = 0) => a - b),
      Array.from({ length: limit }, (_, i) => i + 1),
    );
    assert.deepEqual(
      takes.filter((t) => !t.daily?.ok).map((t) => [t.daily?.used, t.hourly]),
      Array.from({ length: 50 - limit }, () => [limit, undefined]),
    );
    // Each user's hourly quota of 9, among the takes the daily quota admitted: each position once.
    for (const userId of ['005s0u0', '005s0u1', '005s1u0', '005s1u1']) {
      const mine = admitted.filter((t) => t.userId === userId);
      const used = mine.filter((t) => t.hourly?.ok).map((t) => t.hourly?.used);
      const accepted = Math.min(9, mine.length);
      assert.deepEqual(
        used.sort((a = 0, b = 0) => a - b),
        Array.from({ length: accepted }, (_, i) => i + 1),
        userId,
      );
      assert.deepEqual(
        mine.filter((t) => !t.hourly?.ok).map((t) => t.hourly),
        Array.from({ length: mine.length - accepted }, () => ({
          ok: false,
          used: 9,
          retryAfterMs: 1_800_000,
        })),
      );
    }
  });

  test('far from the limit (shared lock) and near it (exclusive): exactly the limit across two servers', async () => {
    const usages = await Promise.all(stores.map(counters));
    const { rows } = await sql<{ max: string }>`select current_setting('max_connections') as max`.execute(
      rawDatabase(stores[0] as Store),
    );
    // The first ~40 takes are at least max_connections × 16 below the limit: the shared way.
    const limit = Number(rows[0]?.max) * 16 + 40;
    const fire = (usage: StoreUsageCounters) =>
      Promise.all(
        Array.from({ length: limit / 2 + 30 }, () =>
          usage.take({ orgId: '00Dfar', userId: '005far', appId: 'app', now: NOW, dailyLimit: limit }),
        ),
      );
    const takes = (await Promise.all(usages.map(fire))).flat();
    const admitted = takes.filter((t) => t.daily?.ok).map((t) => t.daily?.used ?? 0);
    // Exactly the limit admitted. Positions are exact only near the limit: on the shared way two
    // servers' calls may read the same sum at once (decision 0029), so a `used` may repeat there.
    assert.equal(admitted.length, limit);
    assert.ok(admitted.every((used) => used >= 1 && used <= limit));
    assert.equal(Math.max(...admitted), limit);
    assert.equal(takes.filter((t) => t.daily?.ok === false && t.daily.used === limit).length, 60);
  });

  test('a failing statement fails each take queued in it with its error', async () => {
    const [store] = stores as [Store];
    const usage = await counters(store);
    const db = rawDatabase(store);
    await sql`alter function chatterbox_take_quotas rename to chatterbox_take_quotas_away`.execute(db);
    try {
      const take = (i: number) =>
        usage.take({
          orgId: '00Dfail',
          userId: `005f${i}`,
          appId: 'app',
          now: NOW,
          dailyLimit: 10,
          hourlyLimit: 10,
        });
      const lone = Promise.allSettled([take(0)]);
      // Its call is scheduled in this turn and sent at its end; the next four arrive a turn later,
      // while it runs, and queue for the next call.
      await endOfTurn();
      await endOfTurn();
      const outcomes = [...(await lone), ...(await Promise.allSettled([1, 2, 3, 4].map(take)))];
      const errors = outcomes.map((o) => (o.status === 'rejected' ? (o.reason as { code?: string }) : o));
      // The lone first call, then the four that queued behind it, in one call: one error for them.
      assert.deepEqual(
        errors.map((e) => (e as { code?: string }).code),
        ['42883', '42883', '42883', '42883', '42883'],
      );
      assert.notEqual(errors[0], errors[1]);
      assert.ok(errors.slice(1).every((e) => e === errors[1]));
    } finally {
      await sql`alter function chatterbox_take_quotas_away rename to chatterbox_take_quotas`.execute(db);
    }
    // Nothing was counted; the next take is answered as the first.
    assert.deepEqual(
      await usage.take({
        orgId: '00Dfail',
        userId: '005f0',
        appId: 'app',
        now: NOW,
        dailyLimit: 10,
        hourlyLimit: 10,
      }),
      { daily: { ok: true, used: 1, retryAfterMs: 0 }, hourly: { ok: true, used: 1, retryAfterMs: 0 } },
    );
  });
});
