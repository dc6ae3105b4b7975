import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { hashToken } from '../../src/auth/secrets.js';
import type { Change, ChangeFeed } from '../../src/store/change-feed.js';
import { openStore } from '../../src/store/open-store.js';
import { rawDatabase } from '../../src/store/raw-database.js';
import type { Store } from '../../src/store/store.js';
import { createHarness, type Harness, testStore } from '../helpers/harness.js';
import { demoUser, usersMe } from '../helpers/oauth.js';

/**
 * SQLite's change feed (decision 0039): a server's own writes announce exactly what they change,
 * through its connection's triggers, with migration 018's payloads; another connection's commit
 * is heard as "everything" at the next request.
 */
describe('SQLite change feed (decision 0039)', { skip: testStore !== 'sqlite' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'cb-sqlite-feed-'));
  const file = join(dir, 'feed.db');
  let h: Harness;
  let changes: ChangeFeed;
  let other: Store;
  const seen: Change[] = [];

  before(async () => {
    h = await createHarness({ db: file });
    assert.ok(h.services.changes);
    changes = h.services.changes;
    changes.onChange((change) => seen.push(change));
    other = await openStore({ sqlitePath: file, pgSchema: 'public', idInstance: 'Cb' });
  });
  after(async () => {
    await other?.close();
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The changes fn's requests announced. */
  async function announced(fn: () => Promise<void>): Promise<Change[]> {
    changes.mark();
    seen.length = 0;
    await fn();
    return [...seen];
  }

  test("the server's own writes announce the row they changed, and nothing else", async () => {
    const alice = (await demoUser(h, 'alice@acme.example')).id;
    const bob = (await demoUser(h, 'bob@acme.example')).id;
    const token = await h.login('alice@acme.example');
    assert.deepEqual(
      await announced(async () => {
        const patched = await h.request({
          method: 'PATCH',
          url: usersMe,
          token,
          payload: { aboutMe: 'Hello' },
        });
        assert.equal(patched.statusCode, 200, patched.body);
      }),
      [{ kind: 'user', userId: alice }],
    );
    const followed = await announced(async () => {
      const follow = await h.request({
        method: 'POST',
        url: '/services/data/v36.0/chatter/users/me/following',
        token,
        payload: { subjectId: bob },
      });
      assert.equal(follow.statusCode, 201, follow.body);
    });
    assert.deepEqual(followed, [
      { kind: 'stats', userId: alice },
      { kind: 'stats', userId: bob },
    ]);
    assert.deepEqual(
      await announced(async () => {
        const revoke = await h.request({
          method: 'POST',
          url: '/services/oauth2/revoke',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams({ token }).toString(),
        });
        assert.equal(revoke.statusCode, 200, revoke.body);
      }),
      [{ kind: 'session', tokenHash: hashToken(token) }],
    );
  });

  test("a wrong password (the login throttle's columns) announces nothing", async () => {
    assert.deepEqual(
      await announced(async () => {
        await assert.rejects(h.login('alice@acme.example', 'not her password'), /failed: .*invalid_grant/);
      }),
      [],
    );
  });

  test("another connection's commit is heard as everything, once, when the next request arrives", async () => {
    assert.deepEqual(
      await announced(async () => {
        await rawDatabase(other).updateTable('users').set({ about_me: 'from elsewhere' }).execute();
        changes.mark();
        changes.mark();
      }),
      [{ kind: 'all' }],
    );
    assert.deepEqual(
      await announced(async () => {
        changes.mark();
      }),
      [],
    );
  });

  test("a request looks once: another connection's commit after its mark is heard by the next request", async () => {
    const mark = changes.mark();
    seen.length = 0;
    await rawDatabase(other).updateTable('users').set({ about_me: 'after the mark' }).execute();
    assert.equal(changes.caughtUp(mark), true);
    assert.deepEqual(seen, []);
    changes.mark();
    assert.deepEqual(seen, [{ kind: 'all' }]);
  });

  test('inside an open transaction the feed cannot tell, and says so; after it, it can', async () => {
    await h.services.store.transaction(async (tx) => {
      await tx.getSetting('health');
      assert.equal(changes.caughtUp(changes.mark()), false);
    });
    assert.equal(changes.caughtUp(changes.mark()), true);
  });
});
