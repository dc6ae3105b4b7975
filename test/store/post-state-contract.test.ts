import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { KeyPrefix } from '../../src/ids/salesforce-id.js';
import type { Store } from '../../src/store/store.js';
import { testStore } from '../helpers/harness.js';
import { openTestStore, type TestStore } from '../helpers/store.js';
import { newOrg, newUser, statusUpdate, T0 } from './fixtures.js';

describe(`store contract on ${testStore}: bookmarks, mutes, reads and edits of posts`, () => {
  let t: TestStore;
  let store: Store;
  let org: string;
  let ann: string;
  let ben: string;
  let cat: string;
  const ids: string[] = [];
  before(async () => {
    t = await openTestStore();
    store = t.store;
    org = (await newOrg(store, 'State org')).id;
    ann = (await newUser(store, org, { username: 'ann@state.example' })).id;
    ben = (await newUser(store, org, { username: 'ben@state.example' })).id;
    cat = (await newUser(store, org, { username: 'cat@state.example' })).id;
    const range = await store.reserveIds(KeyPrefix.feedElement, 2);
    for (let i = 0; i < 2; i++) {
      ids.push(range.id(i));
      await store.posts.insertElement(statusUpdate(range.id(i), org, ann), []);
    }
  });
  after(() => t.close());

  test('mark sets and clears bookmarks and mutes, idempotently; viewerState reads them with reads in one go', async () => {
    const [a, b] = ids as [string, string];
    await store.postState.mark('feed_bookmarks', ben, a, true, T0);
    await store.postState.mark('feed_bookmarks', ben, a, true, T0 + 1);
    await store.postState.mark('feed_mutes', ben, b, true, T0);
    await store.postState.markRead(a, ben, T0 + 5);
    await store.postState.markRead(a, ben, T0 + 7);
    assert.deepEqual(await store.postState.viewerState(ben, [a, b, a]), {
      bookmarked: new Set([a]),
      muted: new Set([b]),
      readAt: new Map([[a, T0 + 7]]),
    });
    assert.deepEqual(await store.postState.viewerState(ann, [a, b]), {
      bookmarked: new Set(),
      muted: new Set(),
      readAt: new Map(),
    });
    assert.deepEqual(await store.postState.viewerState(ben, []), {
      bookmarked: new Set(),
      muted: new Set(),
      readAt: new Map(),
    });
    await store.postState.mark('feed_bookmarks', ben, a, false, T0);
    await store.postState.mark('feed_bookmarks', ben, a, false, T0);
    await store.postState.mark('feed_mutes', ben, b, false, T0);
    await store.postState.unmarkRead(a, ben);
    assert.deepEqual(await store.postState.viewerState(ben, [a, b]), {
      bookmarked: new Set(),
      muted: new Set(),
      readAt: new Map(),
    });
  });

  test('readers: latest read first, keyset after a cursor, and their count', async () => {
    const [, b] = ids as [string, string];
    await store.postState.markRead(b, ann, T0 + 1);
    await store.postState.markRead(b, ben, T0 + 3);
    await store.postState.markRead(b, cat, T0 + 3);
    const all = await store.postState.readers(b, 10);
    const [first, second] = [ben, cat].sort().reverse() as [string, string];
    assert.deepEqual(all, [
      { userId: first, lastReadAt: T0 + 3 },
      { userId: second, lastReadAt: T0 + 3 },
      { userId: ann, lastReadAt: T0 + 1 },
    ]);
    assert.deepEqual(await store.postState.readers(b, 1, { at: T0 + 3, id: first }), [
      { userId: second, lastReadAt: T0 + 3 },
    ]);
    assert.equal(await store.postState.readerCount(b), 3);
  });

  test('recordEdit counts revisions from 1 and names the last editor; findElements carries it', async () => {
    const [a] = ids as [string];
    const [before] = await store.posts.findElements(org, [a]);
    assert.equal(before?.conversation, undefined);
    await store.postState.recordEdit(a, ann, T0 + 10);
    await store.postState.recordEdit(a, ben, T0 + 20);
    const [after] = await store.posts.findElements(org, [a]);
    assert.deepEqual(after?.conversation, {
      lastEditedBy: ben,
      lastEditedAt: T0 + 20,
      revision: 3,
      questionTitle: null,
      bestAnswerId: null,
      bestAnswerBy: null,
    });
  });

  test('settings: no row until set; set twice keeps the last', async () => {
    assert.equal(await store.settings.groupEmailFrequency(cat), undefined);
    await store.settings.setGroupEmailFrequency(cat, 'Never');
    await store.settings.setGroupEmailFrequency(cat, 'WeeklyDigest');
    assert.equal(await store.settings.groupEmailFrequency(cat), 'WeeklyDigest');
    assert.equal(await store.settings.groupEmailFrequency(ben), undefined);
  });
});
