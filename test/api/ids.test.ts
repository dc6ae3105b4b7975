import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { to18 } from '../../src/ids/salesforce-id.js';
import { assertError } from '../helpers/api-assert.js';
import { createHarness, type Harness, JSON_TYPE } from '../helpers/harness.js';
import { rawDatabase } from '../helpers/store.js';

const V = '/services/data/v36.0';
const NOT_FOUND = 'The requested resource does not exist';

function swapCase(s: string): string {
  return [...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('');
}

describe('record IDs through the API (SPEC §3)', () => {
  let h: Harness;
  let token: string;
  let alice: string;
  let communityId: string;
  let groupId: string;
  let orgId: string;
  before(async () => {
    h = await createHarness();
    token = await h.login('alice@acme.example');
    const store = h.services.store;
    const user = await store.users.findByUsername('alice@acme.example');
    alice = user?.id as string;
    orgId = user?.orgId as string;
    communityId = (await store.orgs.listCommunities(orgId))[0]?.id as string;
    groupId = (
      await rawDatabase(store).selectFrom('groups').select('id').orderBy('id').executeTakeFirstOrThrow()
    ).id;
  });
  after(() => h.close());

  const getUser = (id: string) =>
    h.request({ method: 'GET', url: `${V}/chatter/users/${encodeURIComponent(id)}`, token });

  test('GET users/{id}: the 15-character ID and the 18 in any case name the same user; bodies use the 18', async () => {
    const canonical = await getUser(alice);
    assert.equal(canonical.statusCode, 200);
    assert.equal(canonical.json().id, alice);
    assert.equal(alice.length, 18);
    for (const id of [alice.slice(0, 15), alice.toLowerCase(), alice.toUpperCase(), swapCase(alice)]) {
      const response = await getUser(id);
      assert.equal(response.statusCode, 200, id);
      assert.equal(response.headers['content-type'], JSON_TYPE);
      assert.deepEqual(response.json(), canonical.json(), id);
    }
  });

  test('GET users/{id} with a malformed ID → 400 INVALID_ID_FIELD naming it as supplied', async () => {
    // 'B' marks the first character, the digit 0, as upper case.
    const badChecksum = `${alice.slice(0, 15)}B${alice.slice(16)}`;
    for (const id of [
      badChecksum,
      alice.slice(0, 14),
      alice.slice(0, 16),
      alice.slice(0, 17),
      `${alice}A`,
      `${alice.slice(0, 14)}-`,
      `${alice.slice(0, 14)}é`,
      'not an id',
      "o'brien",
      '<script>',
    ]) {
      assertError(await getUser(id), 400, 'INVALID_ID_FIELD', `Invalid identifier: ${id}`, id);
    }
  });

  test('GET users/{id} with a well-formed ID of another type → 400 INVALID_ID_FIELD', async () => {
    for (const id of [groupId, orgId, communityId, groupId.slice(0, 15), groupId.toLowerCase()]) {
      assertError(await getUser(id), 400, 'INVALID_ID_FIELD', `Invalid identifier: ${id}`, id);
    }
  });

  test('GET users/{id} with a user ID no record has, or of another org → 404 NOT_FOUND', async () => {
    assertError(await getUser(to18('005Cb0zzzzzzzzz')), 404, 'NOT_FOUND', NOT_FOUND);
    const org = await h.admin('POST', '/_chatterbox/orgs', { name: 'Elsewhere' });
    const stranger = await h.admin('POST', '/_chatterbox/users', {
      orgId: org.json().id,
      username: 'stranger@elsewhere.example',
      password: 'elsewhere-password-1',
      firstName: 'Some',
      lastName: 'Stranger',
      type: 'standard',
    });
    assert.equal(stranger.statusCode, 201, stranger.body);
    assertError(await getUser(stranger.json().id), 404, 'NOT_FOUND', NOT_FOUND);
  });

  test('PATCH users/{id}: the same rules, and a refused ID changes nothing', async () => {
    const bad = await h.request({
      method: 'PATCH',
      url: `${V}/chatter/users/${groupId}`,
      token,
      payload: { aboutMe: 'never stored' },
    });
    assertError(bad, 400, 'INVALID_ID_FIELD', `Invalid identifier: ${groupId}`);
    const lower = await h.request({
      method: 'PATCH',
      url: `${V}/chatter/users/${alice.toLowerCase()}`,
      token,
      payload: { aboutMe: 'by a lower-case ID' },
    });
    assert.equal(lower.statusCode, 200);
    assert.equal(lower.json().id, alice);
    assert.equal((await h.services.store.users.find(orgId, alice))?.aboutMe, 'by a lower-case ID');
  });

  test('GET users/batch/{ids}: each ID answered on its own, by the same rules', async () => {
    const ids = [alice.slice(0, 15), 'bad-id', groupId, to18('005Cb0zzzzzzzzz'), 'me', alice.toUpperCase()];
    const response = await h.request({
      method: 'GET',
      url: `${V}/chatter/users/batch/${ids.join(',')}`,
      token,
    });
    assert.equal(response.statusCode, 200);
    const results = response.json().results as { statusCode: number; result: unknown }[];
    assert.deepEqual(
      results.map((r) => r.statusCode),
      [200, 400, 400, 404, 200, 200],
    );
    assert.deepEqual(results[1]?.result, [
      { errorCode: 'INVALID_ID_FIELD', message: 'Invalid identifier: bad-id' },
    ]);
    assert.deepEqual(results[2]?.result, [
      { errorCode: 'INVALID_ID_FIELD', message: `Invalid identifier: ${groupId}` },
    ]);
    assert.deepEqual(results[3]?.result, [{ errorCode: 'NOT_FOUND', message: NOT_FOUND }]);
    for (const index of [0, 4, 5])
      assert.equal((results[index]?.result as { id?: string } | undefined)?.id, alice);
    assert.equal(response.json().hasErrors, true);
  });

  test('IDs in bodies and parameters: the same rules as in paths', async () => {
    const store = h.services.store;
    const admin = await h.login('admin@acme.example');
    const bob = (await store.users.findByUsername('bob@acme.example'))?.id as string;
    const leadership = (
      await rawDatabase(store)
        .selectFrom('groups')
        .select('id')
        .where('name', '=', 'Leadership')
        .executeTakeFirstOrThrow()
    ).id;
    const missingUser = to18('005Cb0zzzzzzzzz');
    const comment = to18('0D7Cb0zzzzzzzzz');
    const follow = (subjectId: string, asParameters = false) =>
      h.request({
        method: 'POST',
        url: `${V}/chatter/users/me/following${asParameters ? `?subjectId=${encodeURIComponent(subjectId)}` : ''}`,
        token,
        payload: asParameters ? undefined : { subjectId },
      });
    const addMember = (userId: string) =>
      h.request({
        method: 'POST',
        url: `${V}/chatter/groups/${leadership}/members`,
        token: admin,
        payload: { userId },
      });
    const setOwner = (owner: string) =>
      h.request({
        method: 'PATCH',
        url: `${V}/chatter/groups/${leadership}`,
        token: admin,
        payload: { owner },
      });

    const malformed = ['bad', `${bob.slice(0, 15)}x`, `${bob.slice(0, 15)}B${bob.slice(16)}`];
    // A group is something one may follow, but never a member or an owner.
    const senders: [(id: string) => ReturnType<Harness['request']>, string[]][] = [
      [follow, [comment, orgId]],
      [(id) => follow(id, true), [comment, orgId]],
      [addMember, [comment, leadership]],
      [setOwner, [comment, leadership]],
    ];
    for (const [send, wrongTypes] of senders) {
      for (const id of [...malformed, ...wrongTypes]) {
        assertError(await send(id), 400, 'INVALID_ID_FIELD', `Invalid identifier: ${id}`, id);
      }
    }
    assertError(await follow(missingUser), 404, 'NOT_FOUND', NOT_FOUND);
    assertError(await addMember(missingUser), 404, 'NOT_FOUND', NOT_FOUND);
    assert.equal(
      await store.follows.subscriptionIds(alice, [bob]).then((m) => m.size),
      0,
      'nothing followed',
    );

    const followed = await follow(bob.toLowerCase());
    assert.equal(followed.statusCode, 201, followed.body);
    assert.equal(followed.json().subject.id, bob);
    const added = await addMember(bob.toUpperCase());
    assert.equal(added.statusCode, 201, added.body);
    assert.equal(added.json().user.id, bob);
  });

  test('the community in /connect/communities/{id}: any case of the 18; malformed or wrong type → 400; missing → 404', async () => {
    const chatter = (id: string, auth = true) =>
      h.request({
        method: 'GET',
        url: `${V}/connect/communities/${id}/chatter`,
        token: auth ? token : undefined,
      });
    const canonical = await chatter(communityId);
    assert.equal(canonical.statusCode, 200);
    assert.equal(canonical.json().users, `${V}/connect/communities/${communityId}/chatter/users`);
    for (const id of [communityId.slice(0, 15), communityId.toLowerCase(), swapCase(communityId)]) {
      const response = await chatter(id);
      assert.equal(response.statusCode, 200, id);
      assert.deepEqual(response.json(), canonical.json(), `${id}: URLs carry the canonical ID`);
    }
    const guest = await chatter(communityId.toLowerCase(), false);
    assert.equal(guest.statusCode, 200, 'the guest user, found by a lower-case ID');
    assertError(await chatter('0DBnotanid'), 400, 'INVALID_ID_FIELD', 'Invalid identifier: 0DBnotanid');
    assertError(await chatter(alice), 400, 'INVALID_ID_FIELD', `Invalid identifier: ${alice}`);
    assertError(await chatter(to18('0DBCb0zzzzzzzzz')), 404, 'NOT_FOUND', NOT_FOUND);
  });
});

describe('generated IDs (SPEC §3)', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());

  /** Every ID of the demo org, table by table, in a stable order. */
  async function demoIds(): Promise<Record<string, string[]>> {
    const db = rawDatabase(h.services.store);
    const ids = async (
      table: 'orgs' | 'users' | 'communities' | 'connected_apps' | 'groups' | 'group_members',
    ) => (await db.selectFrom(table).select('id').orderBy('id').execute()).map((r) => r.id);
    return {
      orgs: await ids('orgs'),
      users: await ids('users'),
      communities: await ids('communities'),
      apps: await ids('connected_apps'),
      groups: await ids('groups'),
      members: await ids('group_members'),
    };
  }

  test('the demo org: prefix + instance Cb + 0 + 9 base-62 digits + checksum, in sequence', async () => {
    const ids = await demoIds();
    assert.deepEqual(ids.orgs, [to18('00DCb0000000001')]);
    assert.deepEqual(ids.communities, [to18('0DBCb0000000001')]);
    assert.deepEqual(ids.apps, [to18('0HaCb0000000001')]);
    // Five demo users and the community's guest.
    assert.deepEqual(
      ids.users,
      [1, 2, 3, 4, 5, 6].map((n) => to18(`005Cb000000000${n}`)),
    );
    for (const id of Object.values(ids).flat())
      assert.match(id, /^[0-9A-Za-z]{3}Cb0[0-9A-Za-z]{9}[A-Z0-5]{3}$/);
  });

  test('POST /_chatterbox/reset: the demo org has the same IDs, and the same calls create the same IDs', async () => {
    const before = await demoIds();
    const created = (await h.admin('POST', '/_chatterbox/orgs', { name: 'Made before reset' })).json().id;
    assert.equal(created, to18('00DCb0000000002'));
    const reset = await h.admin('POST', '/_chatterbox/reset');
    assert.equal(reset.statusCode, 200);
    assert.deepEqual(await demoIds(), before);
    const again = (await h.admin('POST', '/_chatterbox/orgs', { name: 'Made after reset' })).json().id;
    assert.equal(again, created);
  });
});
