import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { migrate, openStore } from '../../src/store/open-store.js';

const dir = mkdtempSync(join(tmpdir(), 'chatterbox-mode-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Issue 9, item 14: the SQLite file held password hashes and secrets world-readable (0644). */
test('a new SQLite database, its -wal and -shm files are readable by their owner only (0600)', async () => {
  const path = join(dir, 'data', 'chatterbox.db');
  const store = await openStore({ sqlitePath: path, pgSchema: 'public', idInstance: 'Cb' });
  try {
    await migrate(store);
    await store.putSetting('written', 'yes');
    for (const file of [path, `${path}-wal`, `${path}-shm`]) {
      assert.equal((statSync(file).mode & 0o777).toString(8), '600', file);
    }
    assert.equal((statSync(join(dir, 'data')).mode & 0o777).toString(8), '700');
  } finally {
    await store.close();
  }
});
