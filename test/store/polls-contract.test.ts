import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { KeyPrefix } from '../../src/ids/salesforce-id.js';
import type { Store } from '../../src/store/store.js';
import { testStore } from '../helpers/harness.js';
import { openTestStore, type TestStore } from '../helpers/store.js';
import { newOrg, newUser, statusUpdate } from './fixtures.js';

describe(`store contract on ${testStore}: poll choices and votes`, () => {
  let t: TestStore;
  let store: Store;
  let ann: string;
  let ben: string;
  let post: string;
  const choices: string[] = [];
  before(async () => {
    t = await openTestStore();
    store = t.store;
    const org = (await newOrg(store, 'Polls org')).id;
    ann = (await newUser(store, org, { username: 'ann@polls.example' })).id;
    ben = (await newUser(store, org, { username: 'ben@polls.example' })).id;
    post = await store.newId(KeyPrefix.feedElement);
    await store.posts.insertElement({ ...statusUpdate(post, org, ann), type: 'PollPost' }, []);
    const ids = await store.reserveIds(KeyPrefix.pollChoice, 2);
    choices.push(ids.id(0), ids.id(1));
    await store.polls.insertChoices([
      { id: ids.id(0), feedElementId: post, position: 1, text: 'One' },
      { id: ids.id(1), feedElementId: post, position: 2, text: 'Two' },
    ]);
    await store.polls.insertChoices([]);
  });
  after(() => t.close());

  const shape = (counts: [number, number], mine: number | null) =>
    [0, 1].map((i) => ({
      id: choices[i],
      feedElementId: post,
      position: i + 1,
      text: i === 0 ? 'One' : 'Two',
      voteCount: counts[i],
      isMine: mine === i,
    }));

  test('choicesOf: by position with counts, the reader’s vote marked; none for no IDs', async () => {
    assert.deepEqual(await store.polls.choicesOf([post], ann), shape([0, 0], null));
    assert.deepEqual(await store.polls.choicesOf([post], null), shape([0, 0], null));
    assert.deepEqual(await store.polls.choicesOf([], ann), []);
  });

  test('vote counts a vote; a second vote by the same user moves it', async () => {
    const [one, two] = choices as [string, string];
    await store.transaction((tx) => tx.polls.vote(post, ann, one));
    await store.transaction((tx) => tx.polls.vote(post, ben, one));
    assert.deepEqual(await store.polls.choicesOf([post], ann), shape([2, 0], 0));
    await store.transaction((tx) => tx.polls.vote(post, ann, two));
    assert.deepEqual(await store.polls.choicesOf([post], ann), shape([1, 1], 1));
    assert.deepEqual(await store.polls.choicesOf([post], ben), shape([1, 1], 0));
  });
});
