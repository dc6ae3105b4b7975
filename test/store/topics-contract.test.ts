import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { KeyPrefix } from '../../src/ids/salesforce-id.js';
import type { NewFeedElement } from '../../src/store/records.js';
import type { Store } from '../../src/store/store.js';
import { testStore } from '../helpers/harness.js';
import { openTestStore, type TestStore } from '../helpers/store.js';
import { newOrg, newUser, statusUpdate, T0 } from './fixtures.js';

describe(`store contract on ${testStore}: topics and their assignments`, () => {
  let t: TestStore;
  let store: Store;
  let org: string;
  const posts: NewFeedElement[] = [];
  before(async () => {
    t = await openTestStore();
    store = t.store;
    org = (await newOrg(store, 'Topics org')).id;
    const ann = (await newUser(store, org, { username: 'ann@topics.example' })).id;
    const range = await store.reserveIds(KeyPrefix.feedElement, 2);
    for (let i = 0; i < 2; i++) {
      const post = { ...statusUpdate(range.id(i), org, ann), createdAt: T0 + i, modifiedAt: T0 + i };
      posts.push(post);
      await store.posts.insertElement(post, []);
    }
  });
  after(() => t.close());

  const newTopic = async (name: string) =>
    store.topics.create({
      id: await store.newId(KeyPrefix.topic),
      orgId: org,
      name,
      description: null,
      createdAt: T0,
    });

  test('create refuses a name taken in any case; find and findByName read it back', async () => {
    const alpha = await newTopic('Alpha');
    assert.deepEqual(alpha, {
      id: alpha?.id,
      orgId: org,
      name: 'Alpha',
      description: null,
      createdAt: T0,
      talkingAbout: 0,
    });
    assert.equal(await newTopic('ALPHA'), undefined);
    assert.deepEqual(await store.topics.findByName(org, 'alpha'), alpha);
    assert.deepEqual(await store.topics.find(org, [alpha?.id as string]), [alpha]);
    assert.deepEqual(await store.topics.find('00DCb0000009999', [alpha?.id as string]), []);
  });

  test('assign counts once per post, unassign and postDeleted uncount; topicsOf and trending read them', async () => {
    const beta = (await newTopic('Beta')) as { id: string };
    const [p0, p1] = posts as [NewFeedElement, NewFeedElement];
    assert.equal(await store.topics.assign(beta.id, p0, T0 + 10), true);
    assert.equal(await store.topics.assign(beta.id, p0, T0 + 11), false);
    assert.equal(await store.topics.assign(beta.id, p1, T0 + 12), true);
    assert.equal((await store.topics.findByName(org, 'beta'))?.talkingAbout, 2);
    assert.deepEqual(
      (await store.topics.topicsOf([p0.id, p1.id])).map((r) => [r.feedElementId, r.topic.name]),
      [
        [p0.id, 'Beta'],
        [p1.id, 'Beta'],
      ],
    );
    assert.deepEqual(
      (await store.topics.trending(org, T0, 5)).map((x) => x.name),
      ['Beta'],
    );
    assert.deepEqual(await store.topics.trending(org, T0 + 13, 5), []);
    assert.equal(await store.topics.unassign(beta.id, p1.id), true);
    assert.equal(await store.topics.unassign(beta.id, p1.id), false);
    await store.topics.postDeleted(p0.id);
    assert.equal((await store.topics.findByName(org, 'beta'))?.talkingAbout, 0);
  });

  test('list: contains or exact match, keyset by name or by talkingAbout', async () => {
    const names = (
      await store.topics.list(org, { q: 'a', exactMatch: false, sort: 'alphaAsc', limit: 10 })
    ).map((x) => x.name);
    assert.deepEqual(names, ['Alpha', 'Beta']);
    const alpha = await store.topics.findByName(org, 'alpha');
    const page2 = await store.topics.list(org, {
      exactMatch: false,
      sort: 'alphaAsc',
      limit: 10,
      after: { key: 'alpha', id: alpha?.id as string },
    });
    assert.deepEqual(
      page2.map((x) => x.name),
      ['Beta'],
    );
    assert.deepEqual(
      (await store.topics.list(org, { q: 'BETA', exactMatch: true, sort: 'popularDesc', limit: 10 })).map(
        (x) => x.name,
      ),
      ['Beta'],
    );
  });
});
