import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { KeyPrefix } from '../../src/ids/salesforce-id.js';
import type { FeedElementRecord, GroupListFilter } from '../../src/store/records.js';
import type { Store } from '../../src/store/store.js';
import { testStore } from '../helpers/harness.js';
import { openTestStore, type TestStore } from '../helpers/store.js';
import { newGroup, newOrg, newUser, statusUpdate, T0 } from './fixtures.js';

describe(`store contract on ${testStore}: posts and group names`, () => {
  let t: TestStore;
  let store: Store;
  let org: string;
  let ann: string;
  const posts: FeedElementRecord[] = [];
  before(async () => {
    t = await openTestStore();
    store = t.store;
    org = (await newOrg(store, 'Posts org')).id;
    ann = (await newUser(store, org, { username: 'ann@posts.example' })).id;
    const range = await store.reserveIds(KeyPrefix.feedElement, 3);
    const elements = [0, 1, 2].map((i) => ({
      ...statusUpdate(range.id(i), org, ann),
      segments: [{ type: 'Text' as const, text: `post ${i}` }],
      text: `post ${i}`,
      createdAt: T0 + i,
      modifiedAt: T0 + i,
    }));
    await store.posts.insertElements(elements);
    await store.posts.insertElements([]);
    posts.push(...elements.map((e) => ({ ...e, commentCount: 0, likeCount: 0, attachedFiles: 0 })));
  });
  after(() => t.close());

  const byId = (a: FeedElementRecord, b: FeedElementRecord) => a.id.localeCompare(b.id);

  test('insertElements stores every row as findElements returns it', async () => {
    const ids = posts.map((p) => p.id);
    assert.deepEqual((await store.posts.findElements(org, [...ids, ids[0] as string])).sort(byId), posts);
    assert.deepEqual(await store.posts.findElements(org, []), []);
    const elsewhere = (await newOrg(store, 'Elsewhere')).id;
    assert.deepEqual(await store.posts.findElements(elsewhere, ids), []);
  });

  test('findElements leaves out deleted posts', async () => {
    await store.posts.deleteElement(org, posts[2]?.id as string, T0 + 9);
    assert.deepEqual(
      (
        await store.posts.findElements(
          org,
          posts.map((p) => p.id),
        )
      ).sort(byId),
      [posts[0], posts[1]],
    );
  });

  test('updateElementBody changes the body, text and modified time only', async () => {
    const change = {
      segments: [{ type: 'Text' as const, text: 'edited' }],
      text: 'edited',
      modifiedAt: T0 + 50,
    };
    await store.posts.updateElementBody(org, posts[0]?.id as string, change, [ann]);
    const edited = { ...(posts[0] as FeedElementRecord), ...change };
    assert.deepEqual(await store.posts.findElements(org, [edited.id]), [edited]);
    assert.deepEqual(await store.posts.findElements(org, [posts[1]?.id as string]), [posts[1]]);
  });

  test('touchGroupLastPost sets the group’s last post time', async () => {
    const group = await newGroup(store, org, ann, 'Touched');
    const [untouched] = await store.groups.findMany(org, [group]);
    assert.equal(untouched?.lastPostAt, null);
    await store.posts.touchGroupLastPost(group, T0 + 60);
    assert.deepEqual(await store.groups.findMany(org, [group]), [{ ...untouched, lastPostAt: T0 + 60 }]);
  });

  test('nameTaken: live groups of the same scope, in any case, except the one named', async () => {
    const group = await newGroup(store, org, ann, 'Gardening Club');
    assert.equal(await store.groups.nameTaken(org, null, 'gardening club'), true);
    assert.equal(await store.groups.nameTaken(org, null, 'GARDENING CLUB'), true);
    assert.equal(await store.groups.nameTaken(org, null, 'Gardening'), false);
    assert.equal(await store.groups.nameTaken(org, null, 'Gardening Club', group), false);
    const community = await store.newId(KeyPrefix.community);
    assert.equal(await store.groups.nameTaken(org, community, 'Gardening Club'), false);
    await store.groups.softDelete(group, T0 + 70);
    assert.equal(await store.groups.nameTaken(org, null, 'Gardening Club'), false);
  });

  test('search: visible groups by folded name, filtered by name, archive and member, paged with a total', async () => {
    const searchOrg = (await newOrg(store, 'Search org')).id;
    const owner = (await newUser(store, searchOrg, { username: 'owner@search.example' })).id;
    const viewer = (await newUser(store, searchOrg, { username: 'viewer@search.example' })).id;
    const open = await newGroup(store, searchOrg, owner, 'beta Builders', 'PublicAccess');
    const mine = await newGroup(store, searchOrg, owner, 'Alpha Team', 'PrivateAccess');
    const hidden = await newGroup(store, searchOrg, owner, 'Alpine Secrets', 'PrivateAccess');
    const archived = await newGroup(store, searchOrg, owner, 'Archived Alps', 'PublicAccess');
    const gone = await newGroup(store, searchOrg, owner, 'Alpha Gone', 'PublicAccess');
    await store.groups.update(archived, { isArchived: true }, T0 + 1);
    await store.groups.softDelete(gone, T0 + 2);
    await store.memberships.addMember({
      id: await store.newId(KeyPrefix.groupMember),
      orgId: searchOrg,
      groupId: mine,
      userId: viewer,
      role: 'StandardMember',
      createdAt: T0,
    });
    const filter: GroupListFilter = {
      communityId: null,
      open: ['PublicAccess'],
      membersOnly: ['PrivateAccess'],
      viewerId: viewer,
    };
    const search = async (extra: Partial<Parameters<Store['groups']['search']>[1]> = {}) => {
      const { groups, total } = await store.groups.search(searchOrg, {
        filter,
        offset: 0,
        limit: 10,
        ...extra,
      });
      return { ids: groups.map((g) => g.id), total };
    };

    assert.deepEqual(await search(), { ids: [mine, archived, open], total: 3 });
    assert.deepEqual(await search({ offset: 1, limit: 1 }), { ids: [archived], total: 3 });
    assert.deepEqual(await search({ nameContains: 'al' }), { ids: [mine, archived], total: 2 });
    assert.deepEqual(await search({ nameContains: '%' }), { ids: [], total: 0 });
    assert.deepEqual(await search({ isArchived: false }), { ids: [mine, open], total: 2 });
    assert.deepEqual(await search({ isArchived: true }), { ids: [archived], total: 1 });
    assert.deepEqual(await search({ memberId: viewer }), { ids: [mine], total: 1 });
    const idsFor = async (changed: Partial<GroupListFilter>) =>
      (
        await store.groups.search(searchOrg, { filter: { ...filter, ...changed }, offset: 0, limit: 10 })
      ).groups.map((g) => g.id);
    assert.deepEqual(await idsFor({ viewerId: null }), [archived, open]);
    await store.memberships.addMember({
      id: await store.newId(KeyPrefix.groupMember),
      orgId: searchOrg,
      groupId: hidden,
      userId: owner,
      role: 'GroupOwner',
      createdAt: T0,
    });
    assert.deepEqual(await idsFor({ open: [], viewerId: owner }), [hidden]);
    assert.deepEqual(await idsFor({ open: [], membersOnly: [] }), []);
    assert.deepEqual(await idsFor({ communityId: await store.newId(KeyPrefix.community) }), []);
  });
});
