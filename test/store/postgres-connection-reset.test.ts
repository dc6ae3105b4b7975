import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { createHarness, type Harness, testDatabaseUrl, testStore } from '../helpers/harness.js';

/**
 * PostgreSQL ends the pool's idle connections (pg_terminate_backend, a server restart, a reset by
 * the network). The pool reports that as an 'error' event, which once killed the whole process;
 * the server must stay up and answer the next request on a new connection.
 */
describe('PostgreSQL ends the pooled connections', {
  skip: testStore !== 'postgres' && 'PostgreSQL only',
}, () => {
  let h: Harness;
  let token: string;

  before(async () => {
    h = await createHarness();
    token = await h.login('alice@acme.example');
  });
  after(() => h?.close());

  test('the process stays up and the next request answers 200', async () => {
    const me = async () => h.request({ method: 'GET', url: '/services/data/v36.0/chatter/users/me', token });
    // Several requests at once, so the pool holds more than one connection.
    const first = await Promise.all([me(), me(), me(), me()]);
    assert.deepEqual(
      first.map((r) => r.statusCode),
      [200, 200, 200, 200],
    );

    const admin = new pg.Client({ connectionString: testDatabaseUrl });
    await admin.connect();
    const applicationName = `chatterbox/${h.config.pgSchema}`.slice(0, 63);
    let ended: number;
    try {
      const result = await admin.query(
        'select count(pg_terminate_backend(pid))::int as ended from pg_stat_activity where application_name = $1',
        [applicationName],
      );
      ended = result.rows[0].ended;
      // pg_terminate_backend only signals: on a loaded machine a backend may still be exiting, and
      // its client not yet told, when the next request takes it from the pool. Gone, they are told.
      for (let waited = 0; ; waited += 20) {
        const left = await admin.query(
          'select count(*)::int as left from pg_stat_activity where application_name = $1',
          [applicationName],
        );
        if (left.rows[0].left === 0) break;
        assert.ok(waited < 60_000, `${left.rows[0].left} connections of this server never ended`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      await admin.end();
    }
    assert.ok(ended >= 1, `no connection of this server was found to end (${ended})`);
    // Let the pool see the ends (its clients' 'error' events) before the next request.
    await new Promise((resolve) => setTimeout(resolve, 200));

    const again = await me();
    assert.equal(again.statusCode, 200, again.body);
    assert.equal(again.json().username, 'alice@acme.example');
  });
});
