import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { CustomObjectRecord, SObjectRow } from '../../src/store/records.js';
import type { Store } from '../../src/store/store.js';
import { testStore } from '../helpers/harness.js';
import { openTestStore, type TestStore } from '../helpers/store.js';
import { newOrg, newUser, statusUpdate, T0 } from './fixtures.js';

describe(`store contract on ${testStore}: records and custom objects`, () => {
  let t: TestStore;
  let store: Store;
  let org: string;
  let other: string;
  let ann: string;
  let account: SObjectRow;
  before(async () => {
    t = await openTestStore();
    store = t.store;
    org = (await newOrg(store, 'Records org')).id;
    other = (await newOrg(store, 'Other org')).id;
    ann = (await newUser(store, org, { username: 'ann@records.example' })).id;
    account = {
      id: await store.newId('001'),
      orgId: org,
      type: 'Account',
      name: 'Globex',
      ownerId: ann,
      createdById: ann,
      lastModifiedById: ann,
      createdAt: T0,
      modifiedAt: T0,
      deletedAt: null,
      fields: { Name: 'Globex', AnnualRevenue: 12.5, Active: true, CloseDate: '2015-06-01' },
    };
    await store.records.create(account);
  });
  after(() => t.close());

  test('create then find gives the record back, its JSON fields typed as written', async () => {
    assert.deepEqual(await store.records.find(org, account.id), account);
  });

  test('find sees only the org of the record', async () => {
    assert.equal(await store.records.find(other, account.id), undefined);
    assert.equal(await store.records.find(org, '001Cb000000zzzzAAA'), undefined);
  });

  test('update replaces name, owner and fields of a live record', async () => {
    const changed = await store.records.update(account.id, {
      name: 'Globex Corp',
      ownerId: ann,
      fields: { Name: 'Globex Corp' },
      modifiedAt: T0 + 1000,
      lastModifiedById: ann,
    });
    assert.equal(changed, true);
    assert.deepEqual(await store.records.find(org, account.id), {
      ...account,
      name: 'Globex Corp',
      fields: { Name: 'Globex Corp' },
      modifiedAt: T0 + 1000,
    });
  });

  test('findLive answers the live records among the IDs in one query; markDeleted takes one out once', async () => {
    const second: SObjectRow = { ...account, id: await store.newId('001'), name: 'Initech', fields: {} };
    await store.records.create(second);
    const ids = (rows: SObjectRow[]) => rows.map((r) => r.id).sort();
    assert.deepEqual(
      ids(await store.records.findLive(org, [account.id, second.id, second.id])),
      [account.id, second.id].sort(),
    );
    assert.deepEqual(await store.records.findLive(org, []), []);
    assert.equal(await store.records.markDeleted(second.id, T0 + 5), true);
    assert.equal(await store.records.markDeleted(second.id, T0 + 6), false);
    assert.equal(await store.records.update(second.id, { ...second, modifiedAt: T0 + 7 }), false);
    assert.deepEqual(ids(await store.records.findLive(org, [account.id, second.id])), [account.id]);
    assert.equal((await store.records.find(org, second.id))?.deletedAt, T0 + 5);
  });

  test('custom objects: listed per org, oldest first, fields as declared', async () => {
    const invoice: CustomObjectRecord = {
      id: await store.newId('01I'),
      orgId: org,
      name: 'Invoice__c',
      label: 'Invoice',
      labelPlural: 'Invoices',
      keyPrefix: 'a00',
      fields: [
        {
          name: 'Amount__c',
          label: 'Amount',
          type: 'currency',
          required: true,
          length: null,
          referenceTo: null,
        },
      ],
      createdAt: T0,
    };
    const ticket: CustomObjectRecord = {
      ...invoice,
      id: await store.newId('01I'),
      name: 'Ticket__c',
      keyPrefix: 'a01',
      fields: [],
      createdAt: T0 + 1,
    };
    await store.records.createObject(ticket);
    await store.records.createObject(invoice);
    assert.deepEqual(await store.records.listObjects(org), [invoice, ticket]);
    assert.deepEqual(await store.records.listObjects(other), []);
  });

  test('users.firstActiveAdmin: the oldest active admin of the org, or none', async () => {
    assert.equal(await store.users.firstActiveAdmin(org), undefined);
    await newUser(store, org, { username: 'old@records.example', type: 'admin', isActive: false });
    const admin = await newUser(store, org, {
      username: 'adm@records.example',
      type: 'admin',
      createdAt: T0 + 1,
    });
    await newUser(store, org, { username: 'adm2@records.example', type: 'admin', createdAt: T0 + 2 });
    assert.equal((await store.users.firstActiveAdmin(org))?.id, admin.id);
    assert.equal(await store.users.firstActiveAdmin(other), undefined);
  });

  test('posts and follows of a record: elementIdsOfSubject, feedSources.followedRecords, listFollowing by prefix, deleteAllOf', async () => {
    const ben = (await newUser(store, org, { username: 'ben@records.example' })).id;
    const onRecord = {
      ...statusUpdate(await store.newId('0D5'), org, ann),
      subjectId: account.id,
      subjectKind: 'record' as const,
    };
    await store.posts.insertElement(onRecord, []);
    const gone = { ...onRecord, id: await store.newId('0D5') };
    await store.posts.insertElement(gone, []);
    await store.posts.deleteElement(org, gone.id, T0 + 1);
    assert.deepEqual(await store.posts.elementIdsOfSubject(org, account.id), [onRecord.id]);
    assert.deepEqual(await store.posts.elementIdsOfSubject(other, account.id), []);
    const follow = (id: string, subjectId: string, subjectKind: 'user' | 'record') =>
      store.follows.create({
        id,
        orgId: org,
        communityId: null,
        subscriberId: ann,
        subjectId,
        subjectKind,
        createdAt: T0,
      });
    const toRecord = await store.newId('0E8');
    const toUser = await store.newId('0E8');
    await follow(toRecord, account.id, 'record');
    await follow(toUser, ben, 'user');
    const sources = await store.feeds.feedSources(ann);
    assert.deepEqual([sources.followedRecords, sources.followedUsers], [[account.id], [ben]]);
    const filter = {
      users: { communityId: null },
      groups: { communityId: null, open: ['PublicAccess' as const], membersOnly: [], viewerId: null },
    };
    const list = (kinds: ('user' | 'group' | 'record')[], subjectPrefix?: string) =>
      store.follows
        .listFollowing(ann, { filter, kinds, subjectPrefix, offset: 0, limit: 10 })
        .then((r) => r.subscriptions.map((x) => x.id).sort());
    assert.deepEqual(await list(['user', 'group', 'record']), [toRecord, toUser].sort());
    assert.deepEqual(await list(['record'], '001'), [toRecord]);
    assert.deepEqual(await list(['record'], '006'), []);
    await store.follows.deleteAllOf(account.id);
    assert.deepEqual(await list(['user', 'group', 'record']), [toUser]);
  });

  test('nextNumber counts per counter from 1, and a rolled-back transaction takes none', async () => {
    assert.equal(await store.nextNumber('CaseNumber'), 1);
    assert.equal(await store.nextNumber('CaseNumber'), 2);
    await assert.rejects(
      store.transaction(async (tx) => {
        await tx.nextNumber('CaseNumber');
        throw new Error('roll back');
      }),
    );
    assert.equal(await store.nextNumber('CaseNumber'), 3);
    assert.equal(await store.nextNumber('Other'), 1);
  });
});
