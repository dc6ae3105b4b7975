import assert from 'node:assert/strict';
import { after, before, describe, mock, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { GroupRepository } from '../../src/store/group-repository.js';
import {
  apiBase,
  assertError,
  assertJson,
  caller,
  type Demo,
  groupById,
  groupDetailBody,
  loadDemo,
  membershipId,
} from '../helpers/collab.js';
import { createHarness, type Harness, testStore } from '../helpers/harness.js';
import { rawDatabase } from '../helpers/store.js';

/** How many requests race for one name. Below the PostgreSQL pool (10): each holds a connection. */
const N = 5;
const DUPLICATE = ['DUPLICATE_VALUE', 'A group with this name already exists.'] as const;

/**
 * Makes the next `n` name pre-checks answer "free" before any of their transactions writes: the
 * interleaving of a race lost between servers, so that only the store's unique index (migration
 * 006, decision 0015) can refuse the later writes. On PostgreSQL every transaction has its own
 * connection: the real pre-check runs, then waits until all `n` have run. In-process SQLite runs one
 * transaction at a time (one connection), so there the pre-check answers "free" outright, as the
 * stale read of another worker process would.
 */
function raceThePreCheck(n: number): { restore(): void } {
  const original = GroupRepository.prototype.nameTaken;
  let arrived = 0;
  let releaseAll = () => {};
  const allArrived = new Promise<void>((resolve) => {
    releaseAll = resolve;
  });
  const method = mock.method(
    GroupRepository.prototype,
    'nameTaken',
    async function (this: GroupRepository, ...args: Parameters<GroupRepository['nameTaken']>) {
      if (testStore === 'sqlite') return false;
      const taken = await original.apply(this, args);
      arrived++;
      if (arrived === n) releaseAll();
      await allArrived;
      return taken;
    },
  );
  return { restore: () => method.mock.restore() };
}

/** Makes every name pre-check answer "free", so that the unique index alone decides. */
function skipThePreCheck(): { restore(): void } {
  const method = mock.method(GroupRepository.prototype, 'nameTaken', async () => false);
  return { restore: () => method.mock.restore() };
}

describe('group names stay unique under concurrency (decision 0015)', () => {
  let h: Harness;
  let d: Demo;
  let call: ReturnType<typeof caller>;
  const tokens: Record<string, string> = {};
  const base = apiBase();
  const groupsUrl = `${base}/chatter/groups`;

  before(async () => {
    h = await createHarness();
    d = await loadDemo(h);
    call = caller(h);
    for (const name of ['admin', 'alice', 'bob'] as const)
      tokens[name] = await h.login(d.users[name].username);
  });
  after(() => h.close());

  /** Live groups of the internal scope whose name is `name` in any ASCII case. */
  async function liveGroupsNamed(name: string): Promise<{ id: string; name: string }[]> {
    return rawDatabase(h.services.store)
      .selectFrom('groups')
      .select(['id', 'name'])
      .where('org_id', '=', d.orgId)
      .where('community_id', 'is', null)
      .where('deleted_at', 'is', null)
      .where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()))
      .execute();
  }

  async function countRows(table: 'groups' | 'group_members'): Promise<number> {
    const row = await rawDatabase(h.services.store)
      .selectFrom(table)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * Exactly one response has `status`; every other one is the duplicate error, byte for byte the
   * answer `sequential` (a duplicate the pre-check refused) got. Returns the winner.
   */
  function assertOneWinner(
    responses: LightMyRequestResponse[],
    status: number,
    sequential: LightMyRequestResponse,
  ): LightMyRequestResponse {
    const all = responses.map((r) => `${r.statusCode} ${r.body.slice(0, 200)}`).join('\n');
    const winners = responses.filter((r) => r.statusCode === status);
    assert.equal(winners.length, 1, all);
    assertError(sequential, 409, ...DUPLICATE);
    for (const loser of responses.filter((r) => r.statusCode !== status)) {
      assertError(loser, 409, ...DUPLICATE);
      assert.equal(loser.body, sequential.body);
      assert.equal(loser.headers['content-type'], sequential.headers['content-type']);
    }
    return winners[0] as LightMyRequestResponse;
  }

  /** N creates of one name (in varied case and spacing), by several users, all at once. */
  async function raceCreates(name: string): Promise<LightMyRequestResponse[]> {
    const spellings = [name, name.toLowerCase(), name.toUpperCase(), ` ${name} `, name];
    const who = ['alice', 'bob', 'admin'];
    return Promise.all(
      spellings.slice(0, N).map((spelling, i) =>
        call('POST', groupsUrl, tokens[who[i % who.length] as string], {
          name: spelling,
          visibility: 'PublicAccess',
        }),
      ),
    );
  }

  /** The 201 Group Detail of a create that won, for its owner. */
  async function assertCreated(winner: LightMyRequestResponse): Promise<void> {
    const group = await groupById(h, d.orgId, winner.json().id);
    const owner = Object.values(d.users).find((u) => u.id === group.ownerId);
    assert.ok(owner);
    assertJson(
      winner,
      201,
      groupDetailBody(base, group, {
        owner,
        memberCount: 1,
        myRole: 'GroupOwner',
        membershipId: await membershipId(h, group.id, owner.id),
        canReadContent: true,
      }),
    );
  }

  async function assertRaceCreates(name: string): Promise<void> {
    const groupsBefore = await countRows('groups');
    const membersBefore = await countRows('group_members');
    const responses = await raceCreates(name);
    const sequential = await call('POST', groupsUrl, tokens.bob, { name, visibility: 'PrivateAccess' });
    const winner = assertOneWinner(responses, 201, sequential);
    await assertCreated(winner);
    assert.deepEqual(
      (await liveGroupsNamed(name)).map((g) => g.id),
      [winner.json().id],
    );
    // The losers' transactions left nothing behind: one group, its one owner membership.
    assert.equal(await countRows('groups'), groupsBefore + 1);
    assert.equal(await countRows('group_members'), membersBefore + 1);
  }

  test(`POST /chatter/groups ${N} times at once with one name: one 201, the rest 409 DUPLICATE_VALUE`, async () => {
    await assertRaceCreates('Race Club');
  });

  test('POST /chatter/groups: creates that all passed the pre-check still give one 201, the rest 409', async () => {
    const race = raceThePreCheck(N);
    let responses: LightMyRequestResponse[];
    try {
      responses = await raceCreates('Photo Finish');
    } finally {
      race.restore();
    }
    const sequential = await call('POST', groupsUrl, tokens.bob, {
      name: 'Photo Finish',
      visibility: 'PublicAccess',
    });
    const winner = assertOneWinner(responses, 201, sequential);
    await assertCreated(winner);
    assert.equal((await liveGroupsNamed('Photo Finish')).length, 1);
  });

  /** N groups of alice's, named `${prefix} 0`… */
  async function makeGroups(prefix: string): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < N; i++) {
      const created = await call('POST', groupsUrl, tokens.alice, {
        name: `${prefix} ${i}`,
        visibility: 'PublicAccess',
      });
      assert.equal(created.statusCode, 201, created.body);
      ids.push(created.json().id);
    }
    return ids;
  }

  /** Renames all the groups to `name` at once. */
  function renameAll(ids: string[], name: string): Promise<LightMyRequestResponse[]> {
    return Promise.all(ids.map((id) => call('PATCH', `${groupsUrl}/${id}`, tokens.alice, { name })));
  }

  /** After the race, a sequential rename of a group that lost it: the pre-check refuses that one. */
  function renameALoser(ids: string[], responses: LightMyRequestResponse[], name: string) {
    const loser = ids[responses.findIndex((r) => r.statusCode !== 200)];
    return call('PATCH', `${groupsUrl}/${loser}`, tokens.alice, { name });
  }

  /** The 200 Group Detail of the rename that won; the other groups kept their names. */
  async function assertRenamed(winner: LightMyRequestResponse, prefix: string, name: string) {
    const group = await groupById(h, d.orgId, winner.json().id);
    assert.equal(group.name, name);
    assertJson(
      winner,
      200,
      groupDetailBody(base, group, {
        owner: d.users.alice,
        memberCount: 1,
        myRole: 'GroupOwner',
        membershipId: await membershipId(h, group.id, d.users.alice.id),
        canReadContent: true,
      }),
    );
    assert.deepEqual(
      (await liveGroupsNamed(name)).map((g) => g.id),
      [group.id],
    );
    const kept = await rawDatabase(h.services.store)
      .selectFrom('groups')
      .select('name')
      .where('org_id', '=', d.orgId)
      .where('name', 'like', `${prefix} %`)
      .execute();
    assert.equal(kept.length, N - 1);
  }

  test(`PATCH /chatter/groups/{id} ${N} groups at once to one name: one 200, the rest 409 DUPLICATE_VALUE`, async () => {
    const ids = await makeGroups('Relay');
    const responses = await renameAll(ids, 'Baton');
    const sequential = await renameALoser(ids, responses, 'baton');
    await assertRenamed(assertOneWinner(responses, 200, sequential), 'Relay', 'Baton');
  });

  test('PATCH /chatter/groups/{id}: renames that all passed the pre-check still give one 200, the rest 409', async () => {
    const ids = await makeGroups('Lap');
    const race = raceThePreCheck(N);
    let responses: LightMyRequestResponse[];
    try {
      responses = await renameAll(ids, 'Finish Line');
    } finally {
      race.restore();
    }
    const sequential = await renameALoser(ids, responses, 'finish line');
    await assertRenamed(assertOneWinner(responses, 200, sequential), 'Lap', 'Finish Line');
  });

  test('the unique index has the pre-check’s key: scope, any case, live groups only', async () => {
    // With the pre-check out of the way, every answer below is the index's alone.
    const skip = skipThePreCheck();
    try {
      const post = (name: string, prefix = base) =>
        call('POST', `${prefix}/chatter/groups`, tokens.alice, { name, visibility: 'PublicAccess' });
      const first = await post('Index Key');
      assert.equal(first.statusCode, 201, first.body);
      assertError(await post('INDEX key'), 409, ...DUPLICATE);
      // Another scope (a community) has names of its own.
      const partners = apiBase('36.0', d.community.id);
      assert.equal((await post('Index Key', partners)).statusCode, 201);
      assertError(await post('index KEY', partners), 409, ...DUPLICATE);
      // A deleted group's name is free again.
      const deleted = await call('DELETE', `${groupsUrl}/${first.json().id}`, tokens.alice);
      assert.equal(deleted.statusCode, 204, deleted.body);
      assert.equal((await post('index key')).statusCode, 201);
      // A rename onto a taken name, and a rename of a group to its own name in another case.
      const other = await post('Index Other');
      assert.equal(other.statusCode, 201, other.body);
      const otherUrl = `${groupsUrl}/${other.json().id}`;
      assertError(await call('PATCH', otherUrl, tokens.alice, { name: 'Index Key' }), 409, ...DUPLICATE);
      const recased = await call('PATCH', otherUrl, tokens.alice, { name: 'INDEX OTHER' });
      assert.equal(recased.statusCode, 200, recased.body);
      assert.equal(recased.json().name, 'INDEX OTHER');
    } finally {
      skip.restore();
    }
  });

  test('POST /chatter/groups refuses a name taken in the same non-ASCII spelling (pre-check and index agree)', async () => {
    // SQLite's lower() folds ASCII letters only; the pre-check once compared it with JavaScript's
    // toLowerCase() and so missed "Équipe" twice. Now both sides are the store's lower().
    const first = await call('POST', groupsUrl, tokens.alice, {
      name: 'Équipe Été',
      visibility: 'PublicAccess',
    });
    assert.equal(first.statusCode, 201, first.body);
    assertError(
      await call('POST', groupsUrl, tokens.bob, { name: 'Équipe Été', visibility: 'PublicAccess' }),
      409,
      ...DUPLICATE,
    );
  });

  test('a name alike in any case of any script is taken, on both stores alike (decision 0020)', async () => {
    // SQLite's lower() once let "ÉQUIPE NUIT" in beside "équipe nuit"; the folded key does not.
    for (const [name, alike] of [
      ['équipe nuit', 'ÉQUIPE NUIT'],
      ['Straße', 'STRASSE'],
      ['Δίκτυο ΟΔΟΣ', 'δίκτυο οδος'],
      ['ﬁnance', 'FINANCE'],
    ]) {
      const first = await call('POST', groupsUrl, tokens.alice, { name, visibility: 'PublicAccess' });
      assert.equal(first.statusCode, 201, first.body);
      assertError(
        await call('POST', groupsUrl, tokens.bob, { name: alike, visibility: 'PublicAccess' }),
        409,
        ...DUPLICATE,
      );
      const other = await call('POST', groupsUrl, tokens.bob, {
        name: `${alike} 2`,
        visibility: 'PublicAccess',
      });
      assert.equal(other.statusCode, 201, other.body);
      assertError(
        await call('PATCH', `${base}/chatter/groups/${other.json().id}`, tokens.bob, { name: alike }),
        409,
        ...DUPLICATE,
      );
    }
  });
});
