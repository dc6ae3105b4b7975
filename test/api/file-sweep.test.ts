import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { UPLOAD_IDLE_MS } from '../../src/domain/file-upload.js';
import { KeyPrefix } from '../../src/ids/salesforce-id.js';
import { prepareStore } from '../../src/main.js';
import { signIn } from '../helpers/feed-fixtures.js';
import type { Person } from '../helpers/feed-shapes.js';
import { createHarness, type Harness } from '../helpers/harness.js';
import { rawDatabase } from '../helpers/store.js';

const MINUTE = 60_000;

/**
 * Start-up sweep (decision 0009): a server that starts removes the uploads another server left
 * behind when it died mid-upload — those that wrote no chunk for UPLOAD_IDLE_MS by the server clock
 * — and their chunks; an upload still beating and every ready file stay.
 */
describe('start-up sweep of cut uploads', () => {
  let h: Harness;
  let alice: Person;

  before(async () => {
    h = await createHarness();
    const { people } = await signIn(h, ['alice']);
    alice = people.alice as Person;
  });
  after(() => h.close());

  /** An upload begun `startedAgo` and last written `beatAgo` ago (or finished, if `ready`). */
  const plant = async (name: string, startedAgo: number, beatAgo: number, ready = false) => {
    const { store, clock } = h.services;
    const id = await store.newId(KeyPrefix.file);
    const now = clock.now();
    await store.files.begin({
      id,
      orgId: alice.orgId,
      ownerId: alice.id,
      versionId: await store.newId(KeyPrefix.fileVersion),
      name,
      title: name,
      description: null,
      mimeType: 'text/plain',
      chunkSize: 4,
      createdAt: now - startedAgo,
    });
    assert.equal(await store.files.appendChunk(id, 0, Buffer.from('abcd'), now - beatAgo), true);
    if (ready)
      await store.files.finish(id, {
        title: name,
        description: null,
        contentSize: 4,
        checksum: 'c',
        isImage: false,
      });
    return id;
  };
  const rows = async () => {
    const db = rawDatabase(h.services.store);
    const files = await db.selectFrom('files').select(['id', 'status']).orderBy('id').execute();
    const chunks = await db.selectFrom('file_chunks').select('file_id').orderBy('file_id').execute();
    return { files: files.map((f) => `${f.id}:${f.status}`), chunks: chunks.map((c) => c.file_id) };
  };

  test('prepareStore removes idle uploads and their chunks; beating uploads and ready files stay', async () => {
    const dead = await plant('dead.txt', 20 * MINUTE, UPLOAD_IDLE_MS + MINUTE);
    // Started long ago but wrote a minute ago: a slow upload another server is writing right now.
    const live = await plant('slow.txt', 60 * MINUTE, MINUTE);
    const old = await plant('old.txt', 24 * 60 * MINUTE, 24 * 60 * MINUTE, true);
    const { config, store, clock, appSecrets } = h.services;
    await prepareStore(store, clock, config, appSecrets);
    assert.deepEqual(await rows(), {
      files: [`${live}:uploading`, `${old}:ready`].sort(),
      chunks: [live, old].sort(),
    });
    // The swept upload's writer learns at its next chunk that its row is gone, and writes nothing.
    assert.equal(await store.files.appendChunk(dead, 1, Buffer.from('efgh'), clock.now()), false);
    assert.deepEqual((await rows()).chunks, [live, old].sort());
    // An hour on, the slow upload has not written again: the next start-up removes it too.
    clock.advance(60 * MINUTE);
    try {
      await prepareStore(store, clock, config, appSecrets);
    } finally {
      clock.advance(-60 * MINUTE);
    }
    assert.deepEqual(await rows(), { files: [`${old}:ready`], chunks: [old] });
  });
});
