import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { migrate, openStore } from '../../src/store/open-store.js';
import { testStore } from '../helpers/harness.js';
import { rawDatabase } from '../helpers/store.js';

/**
 * Two connections to one SQLite file, as two --workers processes have (SPEC §10). A transaction
 * holds the write lock from its start, so one that reads before it writes can always commit.
 */
describe('SQLite transactions shared by processes', { skip: testStore !== 'sqlite' }, () => {
  test('a transaction that read first still commits when another connection tries to write meanwhile', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chatterbox-tx-'));
    const options = { sqlitePath: join(dir, 'shared.db'), pgSchema: 'public', idInstance: 'Cb' };
    const first = await openStore(options);
    await migrate(first);
    const second = await openStore(options);
    try {
      await first.putSetting('owner', 'nobody');
      // The other process would wait up to busy_timeout for the lock; in one thread it can only fail.
      await sql`pragma busy_timeout = 50`.execute(rawDatabase(second));
      let otherWrite: unknown;
      await first.transaction(async (tx) => {
        assert.equal(await tx.getSetting('owner'), 'nobody');
        otherWrite = await second.putSetting('owner', 'second').then(
          () => 'written',
          (error: { code?: string }) => error.code,
        );
        await tx.putSetting('owner', 'first');
      });
      assert.equal(otherWrite, 'SQLITE_BUSY');
      assert.equal(await second.getSetting('owner'), 'first');
    } finally {
      await second.close();
      await first.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
