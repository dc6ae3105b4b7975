import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import type { Change } from '../../src/store/change-feed.js';
import { changeChannel, PostgresChangeFeed } from '../../src/store/dialects/postgres-changes.js';
import { testDatabaseUrl, testStore } from '../helpers/harness.js';

/**
 * PostgreSQL's change feed (decisions 0031, 0042): a request is caught up once a round trip sent
 * after its mark returned on the listening connection; requests read in one turn of the event loop
 * share one such round trip.
 */
describe('PostgreSQL change feed round trips (decisions 0031, 0042)', {
  skip: testStore !== 'postgres',
}, () => {
  const schema = `cbfeed_${process.pid}_${randomBytes(4).toString('hex')}`;
  const feed = new PostgresChangeFeed(testDatabaseUrl, schema, 0);
  const other = new pg.Client({ connectionString: testDatabaseUrl });
  const seen: Change[] = [];
  before(async () => {
    await feed.start();
    assert.equal(feed.live, true);
    feed.onChange((change) => seen.push(change));
    await other.connect();
  });
  after(async () => {
    await feed.close();
    await other.end();
  });

  test('requests that take their marks in one turn share one round trip', async () => {
    const sent = feed.mark();
    // Each request takes its mark and asks to be caught up in turn, as verify() does.
    const caughtUp = Array.from({ length: 5 }, () => feed.caughtUp(feed.mark()));
    assert.deepEqual(await Promise.all(caughtUp), [true, true, true, true, true]);
    assert.equal(feed.mark() - sent, 1);
    // Now caught up with every mark taken before it returned, at once.
    assert.equal(feed.caughtUp(sent), true);
  });

  test('a mark taken after a round trip went waits for the next, which brings what was committed before the mark', async () => {
    const first = feed.caughtUp(feed.mark());
    assert.equal(await first, true);
    seen.length = 0;
    await other.query('select pg_notify($1, $2)', [changeChannel(schema), 'u:005000000000001']);
    const sent = feed.mark();
    const next = feed.caughtUp(sent);
    assert.notEqual(next, true);
    assert.equal(await next, true);
    assert.deepEqual(seen, [{ kind: 'user', userId: '005000000000001' }]);
    assert.equal(feed.mark() - sent, 1);
  });
});
