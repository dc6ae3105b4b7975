import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { AppSecrets } from '../../src/auth/app-secrets.js';
import { seedDemoOrg } from '../../src/demo/demo-org.js';
import { ActivityChanges } from '../../src/domain/activity.js';
import { formatId18 } from '../../src/ids/id-generator.js';
import { KeyPrefix } from '../../src/ids/salesforce-id.js';
import { Clock } from '../../src/lib/clock.js';
import * as m005 from '../../src/store/migrations/005-user-activity.js';
import type {
  CommunityRecord,
  ConnectedAppRecord,
  LikeRecord,
  NewFeedElement,
  SessionRecord,
} from '../../src/store/records.js';
import type { Store } from '../../src/store/store.js';
import { activityFromRows } from '../helpers/activity-oracle.js';
import { testStore } from '../helpers/harness.js';
import { openTestStore, rawDatabase, type TestStore } from '../helpers/store.js';
import { newOrg, newUser, statusUpdate, T0 } from './fixtures.js';

/**
 * The store's post, comment and like writes as the services make them: each followed, in its
 * transaction, by the activity accounting of src/domain/activity.ts (decision 0014).
 */
const recorded = {
  async insertElement(tx: Store, element: NewFeedElement, mentions: readonly string[]) {
    await tx.posts.insertElement(element, mentions);
    await new ActivityChanges().postsCreated([element.authorId]).record(tx);
  },
  async deleteElement(tx: Store, orgId: string, id: string, at: number) {
    await new ActivityChanges().postDeleted(await tx.posts.deleteElement(orgId, id, at)).record(tx);
  },
  async insertComment(tx: Store, comment: Parameters<Store['comments']['insertComment']>[0]) {
    const post = await tx.comments.insertComment(comment);
    await new ActivityChanges().commentAdded(comment.authorId, post).record(tx);
  },
  async deleteComment(tx: Store, orgId: string, comment: { id: string; feedElementId: string }, at: number) {
    await new ActivityChanges()
      .commentDeleted(await tx.comments.deleteComment(orgId, comment, at))
      .record(tx);
  },
  /** false when the user already liked the item. */
  async insertLike(tx: Store, like: LikeRecord): Promise<boolean> {
    const item = await tx.likes.insertLike(like);
    await new ActivityChanges().liked(item, 1).record(tx);
    return item !== undefined;
  },
  async deleteLike(tx: Store, like: LikeRecord) {
    await new ActivityChanges().liked(await tx.likes.deleteLike(like), -1).record(tx);
  },
};

/**
 * The store contract (STYLE #10): one suite, run on SQLite and on PostgreSQL by the test runner
 * (CHATTERBOX_TEST_STORE). Every answer here must be the same on both stores.
 */

async function newCommunity(store: Store, orgId: string, name: string, guestUserId: string | null = null) {
  const community: CommunityRecord = {
    id: await store.newId(KeyPrefix.community),
    orgId,
    name,
    description: `${name} description`,
    urlPathPrefix: name.toLowerCase().replace(/\s+/g, ''),
    status: 'Live',
    guestAccess: guestUserId !== null,
    allowMembersToFlag: false,
    guestUserId,
  };
  await store.orgs.createCommunity(community, T0);
  return community;
}

async function newApp(store: Store, orgId: string, clientId: string, createdAt = T0) {
  const app: ConnectedAppRecord = {
    id: await store.newId(KeyPrefix.connectedApp),
    orgId,
    name: `App ${clientId}`,
    clientId,
    clientSecret: `${clientId}-secret`,
    runAsUserId: null,
  };
  await store.orgs.createApp(app, createdAt);
  return app;
}

describe(`store contract on ${testStore}: orgs, communities and connected apps`, () => {
  let t: TestStore;
  let store: Store;
  before(async () => {
    t = await openTestStore();
    store = t.store;
  });
  after(() => t.close());

  test('orgs: createOrg, findOrg and firstOrg (oldest first, then by ID)', async () => {
    assert.equal(await store.orgs.firstOrg(), undefined);
    const later = await newOrg(store, 'Later', T0 + 1000);
    const first = await newOrg(store, 'First', T0);
    assert.deepEqual(await store.orgs.findOrg(first.id), first);
    assert.deepEqual(await store.orgs.findOrg(later.id), later);
    assert.equal(await store.orgs.findOrg(formatId18(KeyPrefix.org, 'Cb', 999)), undefined);
    assert.deepEqual(await store.orgs.firstOrg(), first);
  });

  test('communities: create, find within the org only, find in any org, set the guest user', async () => {
    const acme = await newOrg(store, 'Acme communities');
    const other = await newOrg(store, 'Other communities');
    const guest = await newUser(store, acme.id, { username: 'guest@communities.example', type: 'guest' });
    const community = await newCommunity(store, acme.id, 'Partner Portal');
    assert.deepEqual(await store.orgs.findCommunity(acme.id, community.id), community);
    assert.equal(await store.orgs.findCommunity(other.id, community.id), undefined, 'nothing crosses orgs');
    assert.deepEqual(await store.orgs.findCommunityAnyOrg(community.id), community);
    await store.orgs.setCommunityGuest(community.id, guest.id);
    assert.deepEqual(await store.orgs.findCommunity(acme.id, community.id), {
      ...community,
      guestUserId: guest.id,
    });
  });

  test('communities: members are added once, listed by name, checked in one query', async () => {
    const org = await newOrg(store, 'Membership org');
    const alice = await newUser(store, org.id, { username: 'alice@members.example' });
    const bob = await newUser(store, org.id, { username: 'bob@members.example' });
    const zeta = await newCommunity(store, org.id, 'Zeta');
    const alpha = await newCommunity(store, org.id, 'Alpha');
    await store.orgs.addCommunityMember(org.id, zeta.id, alice.id);
    await store.orgs.addCommunityMember(org.id, zeta.id, alice.id);
    await store.orgs.addCommunityMember(org.id, alpha.id, alice.id);
    await store.orgs.addCommunityMember(org.id, zeta.id, bob.id);

    assert.deepEqual(
      (await store.orgs.listCommunities(org.id)).map((c) => c.name),
      ['Alpha', 'Zeta'],
    );
    assert.deepEqual(
      (await store.orgs.listCommunities(org.id, alice.id)).map((c) => c.name),
      ['Alpha', 'Zeta'],
    );
    assert.deepEqual(
      (await store.orgs.listCommunities(org.id, bob.id)).map((c) => c.name),
      ['Zeta'],
    );
    assert.deepEqual(await store.orgs.communityMembers(alpha.id, []), []);
    assert.deepEqual((await store.orgs.communityMembers(alpha.id, [alice.id, bob.id, alice.id])).sort(), [
      alice.id,
    ]);
    assert.deepEqual(
      (await store.orgs.communityMembers(zeta.id, [alice.id, bob.id])).sort(),
      [alice.id, bob.id].sort(),
    );
    assert.equal(await store.orgs.isCommunityMember(alpha.id, alice.id), true);
    assert.equal(await store.orgs.isCommunityMember(alpha.id, bob.id), false);
  });

  test('connected apps: create, find by client ID and by ID, first app of an org', async () => {
    const org = await newOrg(store, 'Apps org');
    const other = await newOrg(store, 'Apps other org');
    const second = await newApp(store, org.id, 'second-app', T0 + 5);
    const first = await newApp(store, org.id, 'first-app', T0);
    assert.deepEqual(await store.orgs.findAppByClientId('first-app'), first);
    assert.deepEqual(await store.orgs.findApp(second.id), second);
    assert.equal(await store.orgs.findAppByClientId('no-such-app'), undefined);
    assert.deepEqual(await store.orgs.firstApp(org.id), first);
    assert.equal(await store.orgs.firstApp(other.id), undefined);
  });
});

describe(`store contract on ${testStore}: users`, () => {
  let t: TestStore;
  let store: Store;
  let orgId: string;
  let otherOrgId: string;
  before(async () => {
    t = await openTestStore();
    store = t.store;
    orgId = (await newOrg(store, 'Users org')).id;
    otherOrgId = (await newOrg(store, 'Other users org')).id;
  });
  after(() => t.close());

  test('create, then find (within the org), findAnyOrg, findMany and findByUsername', async () => {
    const fields = {
      username: 'Ada.Admin@Users.example',
      firstName: 'Ada',
      lastName: 'Admin',
      title: 'Chief',
      companyName: 'Acme',
      aboutMe: 'raw <b>text</b> & more',
      type: 'admin' as const,
    };
    const created = await newUser(store, orgId, fields);
    const expected = {
      id: created.id,
      orgId,
      username: fields.username,
      email: fields.username,
      firstName: 'Ada',
      lastName: 'Admin',
      nickname: 'Ada.Admin',
      title: 'Chief',
      companyName: 'Acme',
      aboutMe: 'raw <b>text</b> & more',
      type: 'admin',
      isActive: true,
      createdAt: T0,
      modifiedAt: T0,
      photoId: null,
    };
    assert.deepEqual(await store.users.find(orgId, created.id), expected);
    assert.equal(await store.users.find(otherOrgId, created.id), undefined, 'nothing crosses orgs');
    assert.deepEqual(await store.users.findAnyOrg(created.id), expected);
    assert.deepEqual(await store.users.findByUsername('ada.admin@users.EXAMPLE'), expected);
    assert.equal(await store.users.usernameTaken('ADA.ADMIN@users.example'), true);
    assert.equal(await store.users.usernameTaken('nobody@users.example'), false);
    const missing = formatId18(KeyPrefix.user, 'Cb', 999_999);
    assert.deepEqual(await store.users.findMany(orgId, [missing, created.id, created.id]), [expected]);
    assert.deepEqual(await store.users.findMany(orgId, []), []);
  });

  test('updateAboutMe and setActive change the record and its modification time', async () => {
    const user = await newUser(store, orgId, { username: 'editable@users.example' });
    await store.users.updateAboutMe(otherOrgId, user.id, 'not in this org', T0 + 1);
    assert.equal((await store.users.find(orgId, user.id))?.aboutMe, null);
    await store.users.updateAboutMe(orgId, user.id, 'About me', T0 + 2);
    await store.users.setActive(user.id, false, T0 + 3);
    const changed = await store.users.find(orgId, user.id);
    assert.equal(changed?.aboutMe, 'About me');
    assert.equal(changed?.isActive, false);
    assert.equal(changed?.modifiedAt, T0 + 3);
    await store.users.updateAboutMe(orgId, user.id, null, T0 + 4);
    assert.equal((await store.users.find(orgId, user.id))?.aboutMe, null);
  });

  test('credentials, recordLoginFailure and resetLoginFailures', async () => {
    const user = await newUser(store, orgId, { username: 'locked@users.example', passwordHash: 'scrypt$x' });
    assert.deepEqual(await store.users.credentials('LOCKED@users.example'), {
      id: user.id,
      orgId,
      isActive: true,
      passwordHash: 'scrypt$x',
      failedLogins: 0,
      lockedUntil: null,
    });
    await store.users.recordLoginFailure(user.id, null);
    await store.users.recordLoginFailure(user.id, T0 + 900_000);
    assert.deepEqual(
      { ...(await store.users.credentials('locked@users.example')) },
      {
        id: user.id,
        orgId,
        isActive: true,
        passwordHash: 'scrypt$x',
        failedLogins: 2,
        lockedUntil: T0 + 900_000,
      },
    );
    await store.users.resetLoginFailures(user.id);
    const reset = await store.users.credentials('locked@users.example');
    assert.equal(reset?.failedLogins, 0);
    assert.equal(reset?.lockedUntil, null);
    assert.equal(await store.users.credentials('nobody@users.example'), undefined);
  });

  test('search: by name or nickname, case-insensitive, sorted by last then first name, paged', async () => {
    const org = (await newOrg(store, 'Search org')).id;
    const community = await newCommunity(store, org, 'Search community');
    const users = {
      zed: await newUser(store, org, {
        username: 'zed@search.example',
        firstName: 'Zed',
        lastName: 'Anders',
      }),
      amy: await newUser(store, org, {
        username: 'amy@search.example',
        firstName: 'Amy',
        lastName: 'Anders',
      }),
      bo: await newUser(store, org, { username: 'bo@search.example', firstName: 'Bo', lastName: 'Baker' }),
      nick: await newUser(store, org, {
        username: 'nick@search.example',
        firstName: 'Carl',
        lastName: 'Cole',
        nickname: 'AndersFan',
      }),
      ext: await newUser(store, org, {
        username: 'ext@search.example',
        firstName: 'Eve',
        lastName: 'Anders',
        type: 'external',
      }),
    };
    await newUser(store, otherOrgId, {
      username: 'far@search.example',
      firstName: 'Far',
      lastName: 'Anders',
    });
    await store.orgs.addCommunityMember(org, community.id, users.ext.id);
    await store.orgs.addCommunityMember(org, community.id, users.bo.id);
    const internal = ['standard', 'admin'] as ('standard' | 'admin' | 'external')[];
    const ids = (r: { users: { id: string }[] }) => r.users.map((u) => u.id);

    const all = await store.users.search(org, { types: internal, offset: 0, limit: 10 });
    assert.deepEqual(ids(all), [users.amy.id, users.zed.id, users.bo.id, users.nick.id]);
    assert.equal(all.total, 4);

    const anders = await store.users.search(org, { q: 'ANDERS', types: internal, offset: 0, limit: 10 });
    assert.deepEqual(ids(anders), [users.amy.id, users.zed.id, users.nick.id]);
    const fullName = await store.users.search(org, { q: 'amy and', types: internal, offset: 0, limit: 10 });
    assert.deepEqual(ids(fullName), [users.amy.id]);

    const page2 = await store.users.search(org, { q: 'anders', types: internal, offset: 1, limit: 1 });
    assert.deepEqual(ids(page2), [users.zed.id]);
    assert.equal(page2.total, 3, 'the total ignores paging');

    const inCommunity = await store.users.search(org, {
      communityId: community.id,
      types: ['standard', 'admin', 'external'],
      offset: 0,
      limit: 10,
    });
    assert.deepEqual(ids(inCommunity), [users.ext.id, users.bo.id]);
    assert.equal(inCommunity.total, 2);
  });

  test('search: % and _ in the term match themselves, not any characters', async () => {
    const org = (await newOrg(store, 'Escaping org')).id;
    const percent = await newUser(store, org, {
      username: 'pct@esc.example',
      firstName: '100%',
      lastName: 'Sure',
    });
    const underscore = await newUser(store, org, {
      username: 'under@esc.example',
      firstName: 'snake_case',
      lastName: 'Fan',
    });
    const backslash = await newUser(store, org, {
      username: 'bs@esc.example',
      firstName: 'Back\\slash',
      lastName: 'User',
    });
    await newUser(store, org, { username: 'plain@esc.example', firstName: '1000', lastName: 'snakeXcase' });
    const search = async (q: string) =>
      (await store.users.search(org, { q, types: ['standard'], offset: 0, limit: 10 })).users.map(
        (u) => u.id,
      );
    assert.deepEqual(await search('0%'), [percent.id]);
    assert.deepEqual(await search('%'), [percent.id]);
    assert.deepEqual(await search('e_c'), [underscore.id]);
    assert.deepEqual(await search('_'), [underscore.id]);
    assert.deepEqual(await search('k\\s'), [backslash.id]);
  });
});

describe(`store contract on ${testStore}: findManyWithStats`, () => {
  let t: TestStore;
  let store: Store;
  before(async () => {
    t = await openTestStore();
    store = t.store;
  });
  after(() => t.close());

  /**
   * Three users with follows, groups, posts, comments and likes, some of them deleted, written
   * either as rows straight into the tables (what migration 005 backfills from) or through the
   * repository's writes, which keep the activity counters as they go (decision 0014).
   */
  async function arrange(write: 'rows' | 'repository', suffix: string) {
    const org = (await newOrg(store, `Stats org ${suffix}`)).id;
    const other = (await newOrg(store, `Stats other org ${suffix}`)).id;
    const ann = await newUser(store, org, { username: `ann@stats-${suffix}.example` });
    const ben = await newUser(store, org, { username: `ben@stats-${suffix}.example` });
    const cat = await newUser(store, org, { username: `cat@stats-${suffix}.example` });
    const stranger = await newUser(store, other, { username: `stranger@stats-${suffix}.example` });
    const db = rawDatabase(store);

    const group = async (name: string, deletedAt: number | null) => {
      const id = await store.newId(KeyPrefix.group);
      await store.groups.create({
        id,
        orgId: org,
        communityId: null,
        name,
        description: null,
        informationTitle: null,
        informationText: null,
        visibility: 'PublicAccess',
        ownerId: ann.id,
        canHaveChatterGuests: false,
        isArchived: false,
        isAutoArchiveDisabled: false,
        isBroadcast: false,
        lastPostAt: null,
        createdAt: T0,
        modifiedAt: T0,
      });
      if (deletedAt !== null)
        await db.updateTable('groups').set({ deleted_at: deletedAt }).where('id', '=', id).execute();
      await store.memberships.addMember({
        id: await store.newId(KeyPrefix.groupMember),
        orgId: org,
        groupId: id,
        userId: ann.id,
        role: 'GroupOwner',
        createdAt: T0,
      });
      return id;
    };
    const liveGroup = await group('Live', null);
    await group('Deleted', T0);

    const follow = async (subscriber: string, subject: string, kind: 'user' | 'group') =>
      db
        .insertInto('subscriptions')
        .values({
          id: await store.newId(KeyPrefix.subscription),
          org_id: org,
          community_id: null,
          subscriber_id: subscriber,
          subject_id: subject,
          subject_kind: kind,
          created_at: T0,
        })
        .execute();
    await follow(ben.id, ann.id, 'user');
    await follow(cat.id, ann.id, 'user');
    await follow(ann.id, ben.id, 'user');
    await follow(ann.id, liveGroup, 'group');

    /** Deletions wait until everything is written, as they would come after it through the API. */
    const deletions: (() => Promise<void>)[] = [];
    const post = async (author: string, deleted = false) => {
      const id = await store.newId(KeyPrefix.feedElement);
      if (write === 'repository') {
        await store.transaction((tx) => recorded.insertElement(tx, statusUpdate(id, org, author), []));
        if (deleted) deletions.push(() => store.transaction((tx) => recorded.deleteElement(tx, org, id, T0)));
        return id;
      }
      await db
        .insertInto('feed_elements')
        .values({
          id,
          org_id: org,
          community_id: null,
          author_id: author,
          subject_id: author,
          subject_kind: 'user',
          body: '[]',
          text: '',
          text_key: '',
          type: 'TextPost',
          created_at: T0,
          modified_at: T0,
          comment_count: 0,
          like_count: 0,
          deleted_at: deleted ? T0 : null,
        })
        .execute();
      return id;
    };
    const comment = async (feedElementId: string, author: string, deleted = false) => {
      const id = await store.newId(KeyPrefix.comment);
      if (write === 'repository') {
        await store.transaction((tx) =>
          recorded.insertComment(tx, {
            id,
            orgId: org,
            feedElementId,
            authorId: author,
            segments: [],
            text: '',
            createdAt: T0,
            modifiedAt: T0,
          }),
        );
        // Comments go before posts: a comment of a deleted post can no longer be deleted.
        if (deleted)
          deletions.unshift(() =>
            store.transaction((tx) => recorded.deleteComment(tx, org, { id, feedElementId }, T0)),
          );
        return id;
      }
      await db
        .insertInto('comments')
        .values({
          id,
          org_id: org,
          feed_element_id: feedElementId,
          author_id: author,
          body: '[]',
          text: '',
          created_at: T0,
          modified_at: T0,
          like_count: 0,
          deleted_at: deleted ? T0 : null,
        })
        .execute();
      return id;
    };
    const like = async (feedElementId: string, commentId: string, user: string) => {
      const id = await store.newId(KeyPrefix.like);
      if (write === 'repository') {
        const record = {
          id,
          orgId: org,
          feedElementId,
          commentId: commentId || null,
          userId: user,
          createdAt: T0,
        };
        assert.equal(await store.transaction((tx) => recorded.insertLike(tx, record)), true);
        return;
      }
      await db
        .insertInto('likes')
        .values({
          id,
          org_id: org,
          feed_element_id: feedElementId,
          comment_id: commentId,
          user_id: user,
          created_at: T0,
        })
        .execute();
    };

    const annPost = await post(ann.id);
    const annDeletedPost = await post(ann.id, true);
    const benPost = await post(ben.id);
    await comment(annPost, ben.id);
    await comment(annPost, cat.id);
    await comment(annPost, cat.id, true);
    await comment(annDeletedPost, ben.id);
    const annComment = await comment(benPost, ann.id);
    const annDeletedComment = await comment(benPost, ann.id, true);
    await like(annPost, '', ben.id);
    await like(annPost, '', cat.id);
    await like(annDeletedPost, '', ben.id);
    await like(benPost, annComment, ben.id);
    await like(benPost, annDeletedComment, cat.id);
    await like(benPost, '', ann.id);
    for (const deletion of deletions) await deletion();
    return { org, ann, ben, cat, stranger };
  }

  async function assertStats(arranged: Awaited<ReturnType<typeof arrange>>) {
    const { org, ann, ben, cat, stranger } = arranged;
    const results = await store.users.findManyWithStats(org, [cat.id, stranger.id, ann.id, ben.id]);
    assert.deepEqual(
      results.map((r) => r.user.id),
      [cat.id, ann.id, ben.id],
      'in the order asked, other orgs left out',
    );
    assert.deepEqual(results[1]?.stats, {
      followersCount: 2,
      followingPeople: 1,
      followingRecords: 1,
      groupCount: 1,
      postCount: 1,
      commentCount: 1,
      commentReceivedCount: 2,
      likeReceivedCount: 3,
    });
    assert.deepEqual(results[2]?.stats, {
      followersCount: 1,
      followingPeople: 1,
      followingRecords: 0,
      groupCount: 0,
      postCount: 1,
      commentCount: 1,
      commentReceivedCount: 1,
      likeReceivedCount: 1,
    });
    assert.deepEqual(results[0]?.stats, {
      followersCount: 0,
      followingPeople: 1,
      followingRecords: 0,
      groupCount: 0,
      postCount: 0,
      commentCount: 1,
      commentReceivedCount: 0,
      likeReceivedCount: 0,
    });
    assert.deepEqual(await store.users.findWithStats(org, ann.id), results[1]);
    assert.deepEqual(await store.users.findManyWithStats(org, []), []);
  }

  test('counts followers, following, groups, posts, comments and likes received, in one call', async () => {
    await assertStats(await arrange('repository', 'writes'));
  });

  test('migration 005 backfills the activity counts from the rows, deleted ones left out', async () => {
    const arranged = await arrange('rows', 'rows');
    await m005.down(rawDatabase(store));
    await m005.up(rawDatabase(store));
    await assertStats(arranged);
  });

  test('a comment or like that lands on a deleted post or comment (a lost race) counts for nobody', async () => {
    const org = (await newOrg(store, 'Race org')).id;
    const [ann, ben, cat] = [
      await newUser(store, org, { username: 'ann@race.example' }),
      await newUser(store, org, { username: 'ben@race.example' }),
      await newUser(store, org, { username: 'cat@race.example' }),
    ];
    const write = <T>(fn: (tx: Store) => Promise<T>) => store.transaction(fn);
    const post = async (authorId: string) => {
      const id = await store.newId(KeyPrefix.feedElement);
      await write((tx) => recorded.insertElement(tx, statusUpdate(id, org, authorId), []));
      return id;
    };
    const comment = async (feedElementId: string, authorId: string) => {
      const id = await store.newId(KeyPrefix.comment);
      await write((tx) =>
        recorded.insertComment(tx, {
          id,
          orgId: org,
          feedElementId,
          authorId,
          segments: [],
          text: '',
          createdAt: T0,
          modifiedAt: T0,
        }),
      );
      return { id, feedElementId };
    };
    const like = async (feedElementId: string, commentId: string | null, userId: string) => {
      const record = {
        id: await store.newId(KeyPrefix.like),
        orgId: org,
        feedElementId,
        commentId,
        userId,
        createdAt: T0,
      };
      assert.equal(await write((tx) => recorded.insertLike(tx, record)), true);
      return record;
    };
    const people = [ann.id, ben.id, cat.id];
    const assertMatchesRows = async (step: string) => {
      const oracle = await activityFromRows(store, people);
      for (const { user, stats } of await store.users.findManyWithStats(org, people)) {
        const { postCount, commentCount, commentReceivedCount, likeReceivedCount } = stats;
        assert.deepEqual(
          { postCount, commentCount, commentReceivedCount, likeReceivedCount },
          oracle.get(user.id),
          `${step}: ${user.username}`,
        );
      }
    };

    // A post with a comment and likes made while it stood, then deleted.
    const gone = await post(ann.id);
    const benComment = await comment(gone, ben.id);
    const earlyLike = await like(gone, null, ben.id);
    const earlyCommentLike = await like(gone, benComment.id, ann.id);
    await write((tx) => recorded.deleteElement(tx, org, gone, T0));
    await assertMatchesRows('post deleted');
    // What the API refuses (404) once the post is gone, but a request that read the post just
    // before the deletion may still write.
    await comment(gone, cat.id);
    await assertMatchesRows('comment on the deleted post');
    await like(gone, null, cat.id);
    await assertMatchesRows('like of the deleted post');
    await like(gone, benComment.id, cat.id);
    await assertMatchesRows('like of a comment on the deleted post');
    await write((tx) => recorded.deleteLike(tx, earlyLike));
    await write((tx) => recorded.deleteLike(tx, earlyCommentLike));
    await assertMatchesRows('unlikes on the deleted post');
    await write((tx) => recorded.deleteComment(tx, org, benComment, T0));
    await assertMatchesRows('comment of the deleted post deleted');

    // A standing post whose comment was deleted: late likes and unlikes of that comment.
    const standing = await post(ann.id);
    const catComment = await comment(standing, cat.id);
    const catLike = await like(standing, catComment.id, ben.id);
    await write((tx) => recorded.deleteComment(tx, org, catComment, T0));
    await assertMatchesRows('comment deleted');
    await like(standing, catComment.id, ann.id);
    await write((tx) => recorded.deleteLike(tx, catLike));
    await assertMatchesRows('like and unlike of the deleted comment');
    assert.deepEqual(
      (await store.users.findManyWithStats(org, people)).map((r) => [
        r.stats.postCount,
        r.stats.likeReceivedCount,
      ]),
      [
        [1, 0],
        [0, 0],
        [0, 0],
      ],
    );
  });

  test('deleting a post or comment twice takes its activity back once', async () => {
    const { org, ann, ben, cat } = await arrange('repository', 'twice');
    const before = await store.users.findManyWithStats(org, [ann.id, ben.id, cat.id]);
    const [post] = await store.feeds.page({
      orgId: org,
      communityId: null,
      branches: [{ kind: 'author', id: ann.id }],
      hiddenGroups: [],
      sort: 'created',
      limit: 1,
    });
    assert.ok(post);
    const [comment] = await store.comments.recentComments([post.id], 1);
    assert.ok(comment);
    await store.transaction((tx) => recorded.deleteComment(tx, org, comment, T0));
    await store.transaction((tx) => recorded.deleteComment(tx, org, comment, T0));
    await store.transaction((tx) => recorded.deleteElement(tx, org, post.id, T0));
    await store.transaction((tx) => recorded.deleteElement(tx, org, post.id, T0));
    const after = await store.users.findManyWithStats(org, [ann.id, ben.id, cat.id]);
    const activity = (r: (typeof after)[number] | undefined) => r && { ...r.stats };
    assert.deepEqual(activity(after[0]), {
      ...activity(before[0]),
      postCount: 0,
      commentReceivedCount: 0,
      likeReceivedCount: 1,
    });
    // ben's comment went with the post, cat's (the latest) was deleted first.
    assert.deepEqual(activity(after[1]), { ...activity(before[1]), commentCount: 0 });
    assert.deepEqual(activity(after[2]), { ...activity(before[2]), commentCount: 0 });
  });
});

describe(`store contract on ${testStore}: sessions and refresh tokens`, () => {
  let t: TestStore;
  let store: Store;
  let orgId: string;
  let userId: string;
  let appId: string;
  before(async () => {
    t = await openTestStore();
    store = t.store;
    orgId = (await newOrg(store, 'Auth org')).id;
    userId = (await newUser(store, orgId, { username: 'auth@auth.example' })).id;
    appId = (await newApp(store, orgId, 'auth-app')).id;
  });
  after(() => t.close());

  const session = (tokenHash: string, refreshTokenId: string | null = null): SessionRecord => ({
    tokenHash,
    orgId,
    userId,
    appId,
    refreshTokenId,
    issuedAt: T0,
    lastUsedAt: T0,
    revokedAt: null,
  });

  test('createSession, findSession; touchSession only moves lastUsedAt forward', async () => {
    await store.auth.createSession(session('hash-a'));
    assert.deepEqual(await store.auth.findSession('hash-a'), session('hash-a'));
    assert.equal(await store.auth.findSession('hash-unknown'), undefined);
    await store.auth.touchSession('hash-a', T0 + 60_000);
    await store.auth.touchSession('hash-a', T0 + 30_000);
    assert.equal((await store.auth.findSession('hash-a'))?.lastUsedAt, T0 + 60_000);
  });

  test('revokeSession revokes once and reports whether it did', async () => {
    await store.auth.createSession(session('hash-r'));
    assert.equal(await store.auth.revokeSession('hash-r', T0 + 1), true);
    assert.equal(await store.auth.revokeSession('hash-r', T0 + 2), false);
    assert.equal(await store.auth.revokeSession('hash-unknown', T0 + 2), false);
    assert.equal((await store.auth.findSession('hash-r'))?.revokedAt, T0 + 1);
  });

  test('revokeRefreshToken revokes the token and only the sessions issued from it', async () => {
    const refresh = {
      id: 'refresh-1',
      tokenHash: 'refresh-hash-1',
      orgId,
      userId,
      appId,
      issuedAt: T0,
      revokedAt: null,
    };
    await store.auth.createRefreshToken(refresh);
    await store.auth.createRefreshToken({ ...refresh, id: 'refresh-2', tokenHash: 'refresh-hash-2' });
    assert.deepEqual(await store.auth.findRefreshToken('refresh-hash-1'), refresh);
    assert.equal(await store.auth.findRefreshToken('refresh-hash-unknown'), undefined);
    await store.auth.createSession(session('from-1-a', 'refresh-1'));
    await store.auth.createSession(session('from-1-b', 'refresh-1'));
    await store.auth.createSession(session('from-1-revoked', 'refresh-1'));
    await store.auth.revokeSession('from-1-revoked', T0 + 1);
    await store.auth.createSession(session('from-2', 'refresh-2'));
    await store.auth.createSession(session('standalone'));

    const revoked = await store.auth.revokeRefreshToken('refresh-1', T0 + 5);
    assert.deepEqual(revoked.sort(), ['from-1-a', 'from-1-b']);
    assert.equal((await store.auth.findRefreshToken('refresh-hash-1'))?.revokedAt, T0 + 5);
    assert.equal((await store.auth.findRefreshToken('refresh-hash-2'))?.revokedAt, null);
    assert.equal((await store.auth.findSession('from-1-a'))?.revokedAt, T0 + 5);
    assert.equal((await store.auth.findSession('from-1-revoked'))?.revokedAt, T0 + 1, 'kept its own time');
    assert.equal((await store.auth.findSession('from-2'))?.revokedAt, null);
    assert.equal((await store.auth.findSession('standalone'))?.revokedAt, null);
  });
});

describe(`store contract on ${testStore}: IDs, settings, truncateAll, transactions, exclusive`, () => {
  let t: TestStore;
  let store: Store;
  before(async () => {
    t = await openTestStore();
    store = t.store;
  });
  after(() => t.close());

  test('newId counts per key prefix from 1, in the SPEC §3 format', async () => {
    assert.equal(await store.newId(KeyPrefix.group), formatId18('0F9', 'Cb', 1));
    assert.equal(await store.newId(KeyPrefix.group), formatId18('0F9', 'Cb', 2));
    assert.equal(await store.newId(KeyPrefix.comment), formatId18('0D7', 'Cb', 1));
    assert.equal(await store.newId(KeyPrefix.group), '0F9Cb0000000003KAA');
  });

  test('200 concurrent newId calls give 200 distinct IDs, the next 200 of the sequence', async () => {
    const ids = await Promise.all(Array.from({ length: 200 }, () => store.newId(KeyPrefix.like)));
    assert.equal(new Set(ids).size, 200);
    const expected = Array.from({ length: 200 }, (_, i) => formatId18('0I0', 'Cb', i + 1));
    assert.deepEqual([...ids].sort(), expected.sort());
  });

  test('200 concurrent newId calls from two servers on one database give 200 distinct IDs', {
    skip: testStore !== 'postgres' && 'two servers share a database on PostgreSQL',
  }, async () => {
    const peer = await t.openPeer();
    const ids = await Promise.all(
      Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? store : peer).newId(KeyPrefix.joinRequest)),
    );
    assert.equal(new Set(ids).size, 200);
  });

  test('settings: absent is undefined, put inserts then overwrites', async () => {
    assert.equal(await store.getSetting('limits'), undefined);
    await store.putSetting('limits', '{"daily":1}');
    await store.putSetting('limits', '{"daily":2}');
    assert.equal(await store.getSetting('limits'), '{"daily":2}');
  });

  test('transaction() rolls back everything when fn throws, IDs included', async () => {
    assert.equal(await store.newId(KeyPrefix.subscription), formatId18('0E8', 'Cb', 1));
    await assert.rejects(
      store.transaction(async (tx) => {
        await tx.putSetting('rolled-back', 'yes');
        await tx.newId(KeyPrefix.subscription);
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.equal(await store.getSetting('rolled-back'), undefined);
    assert.equal(await store.newId(KeyPrefix.subscription), formatId18('0E8', 'Cb', 2));
  });

  test('exclusive(): sections with one name never overlap, and a throw rolls back', async () => {
    const events: string[] = [];
    const section = (label: string) =>
      store.exclusive('contract', async (tx) => {
        events.push(`enter ${label}`);
        await tx.putSetting(`exclusive:${label}`, label);
        await new Promise((resolve) => setTimeout(resolve, 20));
        events.push(`leave ${label}`);
      });
    await Promise.all([section('a'), section('b'), section('c')]);
    for (let i = 0; i < events.length; i += 2) {
      assert.equal(events[i]?.replace('enter', 'leave'), events[i + 1], events.join(', '));
    }
    assert.equal(await store.getSetting('exclusive:b'), 'b');
    await assert.rejects(
      store.exclusive('contract', async (tx) => {
        await tx.putSetting('exclusive:thrown', 'yes');
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.equal(await store.getSetting('exclusive:thrown'), undefined);
  });

  test('exclusive(): two servers on one database never run the same section at once', {
    skip: testStore !== 'postgres' && 'two servers share a database on PostgreSQL',
  }, async () => {
    const peer = await t.openPeer();
    const events: string[] = [];
    const section = (s: Store, label: string) =>
      s.exclusive('seed', async () => {
        events.push(`enter ${label}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
        events.push(`leave ${label}`);
      });
    await Promise.all([section(store, 'a'), section(peer, 'b'), section(store, 'c'), section(peer, 'd')]);
    for (let i = 0; i < events.length; i += 2) {
      assert.equal(events[i]?.replace('enter', 'leave'), events[i + 1], events.join(', '));
    }
  });

  test('truncateAll empties every table of the schema but the sealing keys, and restarts the IDs', async () => {
    const secrets = new AppSecrets(async () => [await store.sealingKey()]);
    await secrets.ready();
    await seedDemoOrg(store, new Clock(), secrets);
    await store.putSetting('doomed', 'yes');
    const counts = async () => {
      const tables =
        store.kind === 'postgres'
          ? await sql<{ name: string }>`select table_name as name from information_schema.tables
              where table_schema = current_schema() and table_name not like 'kysely_%'`.execute(
              rawDatabase(store),
            )
          : await sql<{ name: string }>`select name from sqlite_master
              where type = 'table' and name not like 'kysely_%' and name not like 'sqlite_%'`.execute(
              rawDatabase(store),
            );
      const result: Record<string, number> = {};
      for (const { name } of tables.rows) {
        const row = await sql<{ n: number }>`select count(*) as n from ${sql.table(name)}`.execute(
          rawDatabase(store),
        );
        result[name] = Number(row.rows[0]?.n);
      }
      return result;
    };
    const filled = await counts();
    assert.ok(Object.keys(filled).length >= 18, Object.keys(filled).join(', '));
    assert.ok(filled.users && filled.groups && filled.group_members, 'the demo org filled the tables');
    await store.truncateAll();
    const after = await counts();
    // The key that sealed the app secrets outlives a reset (decision 0022): every server keeps
    // using it, and a server started later must open what the others sealed.
    assert.deepEqual(
      after,
      Object.fromEntries(Object.keys(filled).map((table) => [table, table === 'sealing_keys' ? 1 : 0])),
    );
    assert.equal(await store.isEmpty(), true);
    assert.equal(await store.newId(KeyPrefix.org), formatId18('00D', 'Cb', 1));
    assert.equal(await store.newId(KeyPrefix.user), formatId18('005', 'Cb', 1));
  });
});
