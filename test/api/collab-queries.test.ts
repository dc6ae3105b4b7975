import assert from 'node:assert/strict';
import { after, before, describe, type TestContext, test } from 'node:test';
import type { CompiledQuery } from 'kysely';
import { Provisioning } from '../../src/control/provisioning.js';
import { KeyPrefix } from '../../src/ids/salesforce-id.js';
import type { UserRecord } from '../../src/store/records.js';
import { apiBase, caller, type Demo, loadDemo } from '../helpers/collab.js';
import { makeGroup } from '../helpers/feed-fixtures.js';
import { createHarness, type Harness } from '../helpers/harness.js';

/**
 * Lists load without N+1 queries (PREAMBLE): a page of 40 costs the same number of store queries as
 * a page of 2. Queries are counted at Kysely's executor; each request is measured three times and
 * the smallest count kept, so a session re-check (the session cache has a TTL) doesn't count.
 */
describe('collaboration lists cost a constant number of queries', () => {
  let h: Harness;
  let d: Demo;
  let call: ReturnType<typeof caller>;
  let queries = 0;
  const people: UserRecord[] = [];
  const tokens: Record<string, string> = {};
  const base = apiBase();
  const SMALL = 2;
  const LARGE = 40;

  before(async () => {
    h = await createHarness();
    d = await loadDemo(h);
    call = caller(h);
    for (const name of ['admin', 'alice', 'bob'] as const)
      tokens[name] = await h.login(d.users[name].username);
    const executor = h.services.store.db.getExecutor();
    const execute = executor.executeQuery.bind(executor);
    executor.executeQuery = ((query: CompiledQuery) => {
      queries++;
      return execute(query);
    }) as typeof executor.executeQuery;
    await seed();
  });
  after(() => h.close());

  /**
   * Two of everything and forty of everything: groups "Small i" / "Large i" (owned by different
   * people, two members each), forty people who join "Crowd", follow alice, are followed by bob and
   * ask to join "Lobby"; two ask to join "Foyer"; the first also follows "Crowd".
   */
  async function seed(): Promise<void> {
    const provisioning = new Provisioning(h.services.store, h.services.clock);
    for (let i = 0; i < LARGE; i++) {
      people.push(
        await provisioning.createUser({
          orgId: d.orgId,
          username: `person${i}@acme.example`,
          passwordHash: 'unused',
          firstName: 'Person',
          lastName: `Number ${String(i).padStart(2, '0')}`,
          type: 'standard',
        }),
      );
    }
    const store = h.services.store;
    const now = h.services.clock.now();
    const owners = [d.users.admin, d.users.alice, ...people];
    /** A group of the internal scope with its owner as the only member. */
    const group = (
      name: string,
      ownerId: string,
      visibility: 'PublicAccess' | 'PrivateAccess' = 'PublicAccess',
    ) => makeGroup(h, { name, visibility, owner: ownerId });
    const member = async (groupId: string, userId: string) =>
      store.memberships.addMember({
        id: await store.newId(KeyPrefix.groupMember),
        orgId: d.orgId,
        groupId,
        userId,
        role: 'StandardMember',
        createdAt: now,
      });
    const follow = async (subscriberId: string, subjectId: string, kind: 'user' | 'group') =>
      store.follows.create({
        id: await store.newId(KeyPrefix.subscription),
        orgId: d.orgId,
        communityId: null,
        subscriberId,
        subjectId,
        subjectKind: kind,
        createdAt: now,
      });
    const crowd = await group('Crowd', d.users.alice.id);
    const lobby = await group('Lobby', d.users.alice.id, 'PrivateAccess');
    const foyer = await group('Foyer', d.users.alice.id, 'PrivateAccess');
    const ask = async (groupId: string, userId: string) =>
      store.joinRequests.createPendingRequest({
        id: await store.newId(KeyPrefix.joinRequest),
        orgId: d.orgId,
        groupId,
        userId,
        status: 'Pending',
        responseMessage: null,
        createdAt: now,
        modifiedAt: now,
      });
    for (let i = 0; i < LARGE; i++) {
      const person = people[i] as UserRecord;
      if (i < SMALL) await ask(foyer, person.id);
      if (i === 0) await follow(person.id, crowd, 'group');
      const small = i < SMALL ? await group(`Small ${i}`, (owners[i] as UserRecord).id) : undefined;
      const large = await group(`Large ${String(i).padStart(2, '0')}`, (owners[i] as UserRecord).id);
      if (small) await member(small, d.users.bob.id);
      await member(large, d.users.dan.id);
      await member(crowd, person.id);
      await follow(person.id, d.users.alice.id, 'user');
      await follow(d.users.bob.id, i % 2 === 0 ? person.id : large, i % 2 === 0 ? 'user' : 'group');
      await ask(lobby, person.id);
    }
  }

  /** Store queries of one request (the least of three runs), after checking it succeeded. */
  async function cost(
    url: string,
    token: string | undefined,
    count: number,
    listKey: string,
  ): Promise<number> {
    let least = Number.POSITIVE_INFINITY;
    for (let run = 0; run < 3; run++) {
      queries = 0;
      const response = await call('GET', url, token);
      assert.equal(response.statusCode, 200, response.body);
      const body = response.json();
      const list = listKey === 'results' ? body.results : body[listKey];
      assert.equal(list.length, count, `${url}: ${list.length} items`);
      least = Math.min(least, queries);
    }
    return least;
  }

  async function same(
    t: TestContext,
    small: [string, string],
    large: [string, string],
    token: string | undefined,
    listKey: string,
  ) {
    const few = await cost(small[0], token, Number(small[1]), listKey);
    const many = await cost(large[0], token, Number(large[1]), listKey);
    t.diagnostic(`${few} queries for ${small[1]} items, ${many} for ${large[1]}`);
    assert.equal(many, few);
  }

  const groupIds = async (prefix: string) =>
    (
      await h.services.store.db
        .selectFrom('groups')
        .select('id')
        .where('name', 'like', `${prefix}%`)
        .orderBy('name')
        .execute()
    ).map((r) => r.id);

  test('GET /chatter/groups', async (t) => {
    await same(
      t,
      [`${base}/chatter/groups?q=small`, String(SMALL)],
      [`${base}/chatter/groups?q=large&pageSize=250`, String(LARGE)],
      tokens.bob,
      'groups',
    );
  });

  test('GET /chatter/groups/batch/{ids}', async (t) => {
    const small = await groupIds('Small');
    const large = await groupIds('Large');
    await same(
      t,
      [`${base}/chatter/groups/batch/${small.join(',')}`, String(small.length)],
      [`${base}/chatter/groups/batch/${large.join(',')}`, String(large.length)],
      tokens.bob,
      'results',
    );
  });

  test('GET /chatter/users/{id}/groups', async (t) => {
    await same(
      t,
      [`${base}/chatter/users/${d.users.bob.id}/groups`, String(SMALL + 1)],
      [`${base}/chatter/users/${d.users.dan.id}/groups?pageSize=250`, String(LARGE)],
      tokens.alice,
      'groups',
    );
  });

  test('GET /chatter/groups/{id}/members', async (t) => {
    // Alice owns both (so both pages have a myMembership): "Small 1" has her and bob.
    const [small] = await groupIds('Small 1');
    const [crowd] = await groupIds('Crowd');
    await same(
      t,
      [`${base}/chatter/groups/${small}/members`, String(SMALL)],
      [`${base}/chatter/groups/${crowd}/members?pageSize=1000`, String(LARGE + 1)],
      tokens.alice,
      'members',
    );
  });

  test('GET /chatter/groups/{id}/members/requests', async (t) => {
    const [lobby] = await groupIds('Lobby');
    const [foyer] = await groupIds('Foyer');
    await same(
      t,
      [`${base}/chatter/groups/${foyer}/members/requests`, String(SMALL)],
      [`${base}/chatter/groups/${lobby}/members/requests`, String(LARGE)],
      tokens.alice,
      'requests',
    );
  });

  test('GET /chatter/users/{id}/followers and following', async (t) => {
    const person = people[0] as UserRecord;
    await same(
      t,
      [`${base}/chatter/users/${person.id}/followers`, '1'],
      [`${base}/chatter/users/${d.users.alice.id}/followers?pageSize=1000`, String(LARGE)],
      tokens.admin,
      'followers',
    );
    await same(
      t,
      [`${base}/chatter/users/${person.id}/following`, '2'],
      [`${base}/chatter/users/${d.users.bob.id}/following?pageSize=1000`, String(LARGE)],
      tokens.admin,
      'following',
    );
  });
});
