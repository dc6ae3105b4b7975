import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { KeyPrefix } from '../../src/ids/salesforce-id.js';
import type { NewFile } from '../../src/store/file-repository.js';
import type { FileRecord } from '../../src/store/records.js';
import type { Store } from '../../src/store/store.js';
import { testStore } from '../helpers/harness.js';
import { openTestStore, type TestStore } from '../helpers/store.js';
import { newOrg, newUser, statusUpdate, T0 } from './fixtures.js';

describe(`store contract on ${testStore}: files`, () => {
  let t: TestStore;
  let store: Store;
  let org: string;
  let ann: string;
  const newFile = async (name: string, at: number): Promise<NewFile> => ({
    id: await store.newId(KeyPrefix.file),
    orgId: org,
    ownerId: ann,
    versionId: await store.newId(KeyPrefix.fileVersion),
    name,
    title: name,
    description: null,
    mimeType: 'text/plain',
    chunkSize: 4,
    createdAt: at,
  });
  const upload = async (file: NewFile, bytes: string) => {
    await store.files.begin(file);
    for (let seq = 0; seq * 4 < bytes.length; seq++)
      await store.files.appendChunk(
        file.id,
        seq,
        Buffer.from(bytes.slice(seq * 4, seq * 4 + 4)),
        file.createdAt,
      );
    await store.files.finish(file.id, {
      title: `${file.name} title`,
      description: 'd',
      contentSize: bytes.length,
      checksum: 'c',
      isImage: false,
    });
  };
  before(async () => {
    t = await openTestStore();
    store = t.store;
    org = (await newOrg(store, 'Files org')).id;
    ann = (await newUser(store, org, { username: 'ann@files.example' })).id;
  });
  after(() => t.close());

  test('an upload is hidden until finish, then found with what finish said', async () => {
    const file = await newFile('a.txt', T0);
    await store.files.begin(file);
    assert.deepEqual(await store.files.findMany(org, [file.id]), []);
    await store.files.appendChunk(file.id, 0, Buffer.from('abcd'), T0);
    await store.files.finish(file.id, {
      title: 'A',
      description: null,
      contentSize: 4,
      checksum: 'e2fc714c4727ee9395f324cd2e7f331f',
      isImage: true,
    });
    assert.deepEqual(await store.files.findMany(org, [file.id, file.id]), [
      {
        ...file,
        title: 'A',
        contentSize: 4,
        checksum: 'e2fc714c4727ee9395f324cd2e7f331f',
        isImage: true,
        modifiedAt: T0,
      },
    ]);
    assert.deepEqual(await store.files.findMany('00DCb0000000000AAA', [file.id]), []);
  });

  test('chunks reads a range of chunks in order, as bytes', async () => {
    const file = await newFile('b.txt', T0 + 1);
    await upload(file, 'abcdefghij');
    const all = await store.files.chunks(file.id, 0, 10);
    assert.deepEqual(
      all.map((c) => Buffer.from(c).toString()),
      ['abcd', 'efgh', 'ij'],
    );
    const middle = await store.files.chunks(file.id, 1, 1);
    assert.deepEqual(
      middle.map((c) => Buffer.from(c).toString()),
      ['efgh'],
    );
  });

  test('discard removes the file and every chunk; ownedPage sees ready files only, by keyset', async () => {
    const kept = await newFile('c.txt', T0 + 2);
    await upload(kept, 'xyz');
    const cut = await newFile('d.txt', T0 + 3);
    await store.files.begin(cut);
    await store.files.appendChunk(cut.id, 0, Buffer.from('1234'), T0);
    const owned = async () => (await store.files.ownedPage(org, ann, undefined, 100)).map((f) => f.name);
    const before = await owned();
    assert.equal(before.includes('d.txt'), false);
    await store.files.discard(cut.id);
    assert.deepEqual(await store.files.chunks(cut.id, 0, 10), []);
    assert.deepEqual(await owned(), before);
    const page = await store.files.ownedPage(org, ann, undefined, 2);
    assert.deepEqual(
      page.map((f) => f.name),
      ['c.txt', 'b.txt'],
    );
    const last = page.at(-1) as FileRecord;
    const next = await store.files.ownedPage(org, ann, { at: last.createdAt, id: last.id }, 2);
    assert.deepEqual(
      next.map((f) => f.name),
      ['a.txt'],
    );
  });

  test('rename sets title, description and modifiedAt', async () => {
    const file = await newFile('e.txt', T0 + 4);
    await upload(file, 'e');
    await store.files.rename(file.id, 'E', 'about e', T0 + 9);
    const [found] = await store.files.findMany(org, [file.id]);
    assert.deepEqual(
      { title: found?.title, description: found?.description, modifiedAt: found?.modifiedAt },
      { title: 'E', description: 'about e', modifiedAt: T0 + 9 },
    );
  });

  test('attach ties files to a post and a comment in order; attachedFiles and attachmentsFor find them; sharedWith', async () => {
    const f1 = await newFile('f1.txt', T0 + 5);
    const f2 = await newFile('f2.txt', T0 + 6);
    await upload(f1, '1');
    await upload(f2, '2');
    const post = await store.newId(KeyPrefix.feedElement);
    await store.posts.insertElement(statusUpdate(post, org, ann), []);
    const comment = await store.newId(KeyPrefix.comment);
    await store.files.attach(org, post, null, [f2.id, f1.id]);
    await store.files.attach(org, post, comment, [f1.id]);
    // An inline image at position 0 beside the attached file there; replaced, it moves.
    await store.files.attach(org, post, null, [f1.id], true);
    await store.files.replaceInline(org, post, null, [f2.id]);
    const of = async (ids: string[]) => (await store.files.attachedFiles(ids)).map((a) => a.attachment);
    assert.deepEqual(await of([post]), [
      { fileId: f2.id, feedElementId: post, commentId: null, inline: false, position: 0 },
      { fileId: f1.id, feedElementId: post, commentId: null, inline: false, position: 1 },
      { fileId: f2.id, feedElementId: post, commentId: null, inline: true, position: 0 },
      { fileId: f1.id, feedElementId: post, commentId: comment, inline: false, position: 0 },
    ]);
    assert.equal((await store.posts.findElements(org, [post]))[0]?.attachedFiles, 4);
    assert.deepEqual(await store.files.attachmentsFor([f1.id]), [
      { fileId: f1.id, feedElementId: post, commentId: null, inline: false, position: 1 },
      { fileId: f1.id, feedElementId: post, commentId: comment, inline: false, position: 0 },
    ]);
    assert.deepEqual(await of([]), []);
    // The post's subject once, however many times the post and its comments carry the file.
    const other = (await newUser(store, org, { username: 'bo@files.example' })).id;
    assert.deepEqual(await store.files.sharedWith(f1.id, other, undefined, 10), [
      { subjectKind: 'user', subjectId: ann },
    ]);
    assert.deepEqual(await store.files.sharedWith(f1.id, other, ann, 10), []);
    // The owner is not listed among the viewers.
    assert.deepEqual(await store.files.sharedWith(f1.id, ann, undefined, 10), []);
  });
});
