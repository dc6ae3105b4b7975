import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AppSecrets, keyFromPassphrase } from '../../src/auth/app-secrets.js';
import * as m009 from '../../src/store/migrations/009-sealed-app-secrets.js';
import { createHarness, type Harness, JSON_TYPE } from '../helpers/harness.js';
import {
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  DEMO_PASSWORD,
  expectedSignature,
  tokenRequest,
} from '../helpers/oauth.js';
import { rawDatabase } from '../helpers/store.js';

async function storedSecret(h: Harness, clientId: string): Promise<string> {
  const row = await rawDatabase(h.services.store)
    .selectFrom('connected_apps')
    .select('client_secret')
    .where('client_id', '=', clientId)
    .executeTakeFirstOrThrow();
  return row.client_secret;
}

function grant(h: Harness, clientId: string, clientSecret: string) {
  return tokenRequest(h, {
    grant_type: 'password',
    client_id: clientId,
    client_secret: clientSecret,
    username: 'alice@acme.example',
    password: DEMO_PASSWORD,
  });
}

/** Issue 9, item 14: connected-app secrets were stored in clear text (decision 0022). */
describe('connected-app secrets are sealed at rest', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());

  test('the store holds no app secret in clear; grants verify it and sign with it', async () => {
    const created = await h.admin('POST', '/_chatterbox/apps', {
      name: 'Sealed',
      clientId: 'sealed-app',
      clientSecret: 'sealed-secret',
    });
    assert.equal(created.statusCode, 201);
    assert.equal(created.json().clientSecret, 'sealed-secret');
    for (const [clientId, secret] of [
      ['sealed-app', 'sealed-secret'],
      [DEMO_CLIENT_ID, DEMO_CLIENT_SECRET],
    ] as const) {
      const stored = await storedSecret(h, clientId);
      assert.match(stored, /^sealed:v1:[0-9a-f]{8}:[\w-]+:[\w-]+:[\w-]+$/);
      assert.ok(!stored.includes(secret), stored);
      const response = await grant(h, clientId, secret);
      assert.equal(response.statusCode, 200, response.body);
      const { id, issued_at: issuedAt, signature } = response.json();
      assert.equal(signature, expectedSignature(id, issuedAt, secret));
      const wrong = await grant(h, clientId, `${secret}x`);
      assert.equal(wrong.headers['content-type'], JSON_TYPE);
      assert.deepEqual(wrong.json(), {
        error: 'invalid_client',
        error_description: 'invalid client credentials',
      });
    }
  });

  test('migration 009 seals a secret stored in clear text, and it still verifies', async () => {
    const db = rawDatabase(h.services.store);
    await db
      .updateTable('connected_apps')
      .set({ client_secret: 'clear-text-secret' })
      .where('client_id', '=', 'sealed-app')
      .execute();
    // Stored before secrets were sealed: still accepted as it is.
    assert.equal((await grant(h, 'sealed-app', 'clear-text-secret')).statusCode, 200);
    await m009.up(db as never);
    const stored = await storedSecret(h, 'sealed-app');
    assert.match(stored, /^sealed:v1:/);
    const storeKey = new AppSecrets(async () => [await h.services.store.sealingKey()]);
    assert.equal(await storeKey.open(stored), 'clear-text-secret');
    assert.equal((await grant(h, 'sealed-app', 'clear-text-secret')).statusCode, 200);
  });
});

describe('connected-app secrets with --secret-key', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness({ secretKey: 'kept-outside-the-store' });
  });
  after(() => h.close());

  test('new secrets are sealed under that key; those sealed by the store key still open', async () => {
    const db = rawDatabase(h.services.store);
    const stored = await storedSecret(h, DEMO_CLIENT_ID);
    const passphrase = new AppSecrets(async () => [keyFromPassphrase('kept-outside-the-store')]);
    const storeKey = new AppSecrets(async () => [await h.services.store.sealingKey()]);
    assert.equal(await passphrase.isCurrent(stored), true);
    assert.equal(await storeKey.isCurrent(stored), false);
    assert.equal((await grant(h, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)).statusCode, 200);
    // A secret sealed before the key was set (by migration 009, with the store's key).
    await db
      .updateTable('connected_apps')
      .set({ client_secret: await storeKey.seal(DEMO_CLIENT_SECRET) })
      .where('client_id', '=', DEMO_CLIENT_ID)
      .execute();
    const response = await grant(h, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET);
    assert.equal(response.statusCode, 200, response.body);
    const { id, issued_at: issuedAt, signature } = response.json();
    assert.equal(signature, expectedSignature(id, issuedAt, DEMO_CLIENT_SECRET));
  });
});
