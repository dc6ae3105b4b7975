import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, afterEach, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/http/app.js';
import { createRuntime, type Runtime } from '../../src/main.js';
import { AuthRepository } from '../../src/store/auth-repository.js';
import { dropPostgresSchema } from '../../src/store/dialects/postgres.js';
import { OrgRepository } from '../../src/store/org-repository.js';
import { UserRepository } from '../../src/store/user-repository.js';
import { ADMIN_TOKEN, JSON_TYPE, testConfig } from '../helpers/harness.js';
import { rawDatabase } from '../helpers/store.js';

const ME = '/services/data/v36.0/chatter/users/me';
const ERROR_ID =
  /^An unexpected error occurred\. Please include this ErrorId if you contact support: (\d+-\d{6} \(-?\d+\))$/;

/** Makes one repository method throw until the returned function is called. */
function breakMethod<T extends object>(prototype: T, name: keyof T & string): () => void {
  const original = prototype[name];
  (prototype as Record<string, unknown>)[name] = async () => {
    throw new Error(`simulated failure in ${name}`);
  };
  return () => {
    (prototype as Record<string, unknown>)[name] = original;
  };
}

describe('unexpected failures are 500 UNKNOWN_EXCEPTION, logged, rolled back (SPEC §2)', () => {
  const config = testConfig();
  const logs: Record<string, unknown>[] = [];
  let runtime: Runtime;
  let app: FastifyInstance;
  let alice: string;
  let repair: (() => void) | undefined;
  before(async () => {
    runtime = await createRuntime(config);
    const stream = new Writable({
      write(chunk, _encoding, done) {
        logs.push(JSON.parse(String(chunk)));
        done();
      },
    });
    app = await buildApp(runtime.services, { logger: { level: 'warn', stream }, reset: runtime.reset });
    const tokens = await admin('POST', '/_chatterbox/tokens', { username: 'alice@acme.example' });
    alice = tokens.json().access_token;
  });
  afterEach(() => {
    repair?.();
    repair = undefined;
  });
  after(async () => {
    await app.close();
    await runtime.close();
    if (config.databaseUrl) await dropPostgresSchema(config.databaseUrl, config.pgSchema);
  });

  function admin(method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) {
    return app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      ...(payload ? { payload } : {}),
    });
  }

  test('PATCH users/me failing in the store is 500 with an ErrorId logged with the stack; the server keeps serving', async () => {
    repair = breakMethod(UserRepository.prototype, 'updateAboutMe');
    const response = await app.inject({
      method: 'PATCH',
      url: ME,
      headers: { authorization: `Bearer ${alice}` },
      payload: { aboutMe: 'never stored' },
    });
    assert.equal(response.statusCode, 500);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    const [error] = response.json();
    const errorId = ERROR_ID.exec(error.message)?.[1];
    assert.ok(errorId, error.message);
    assert.deepEqual(response.json(), [{ errorCode: 'UNKNOWN_EXCEPTION', message: error.message }]);
    const logged = logs.find((line) => line.errorId === errorId) as { err: { stack: string }; msg: string };
    assert.equal(logged.msg, 'unexpected error');
    assert.match(logged.err.stack, /simulated failure in updateAboutMe\n\s+at /);
    repair();
    repair = undefined;
    const me = await app.inject({ method: 'GET', url: ME, headers: { authorization: `Bearer ${alice}` } });
    assert.equal(me.statusCode, 200);
    assert.equal(me.json().aboutMe, null);
  });

  test('a failure in the middle of a multi-write operation leaves nothing half-written', async () => {
    // Creating a user writes the user, then its community memberships, in one transaction.
    const org = (await runtime.services.store.users.findByUsername('alice@acme.example'))?.orgId as string;
    const community = (await runtime.services.store.orgs.listCommunities(org))[0]?.id as string;
    const half = {
      username: 'half@partner.example',
      password: 'pw-123456',
      firstName: 'Half',
      lastName: 'Written',
      type: 'external',
      communities: [community],
    };
    repair = breakMethod(OrgRepository.prototype, 'addCommunityMember');
    const response = await admin('POST', '/_chatterbox/users', half);
    assert.equal(response.statusCode, 500);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    assert.match(response.json()[0].message, ERROR_ID);
    assert.equal(await runtime.services.store.users.findByUsername('half@partner.example'), undefined);
    repair();
    repair = undefined;
    // The same request now succeeds: the username was not left taken.
    const retried = await admin('POST', '/_chatterbox/users', half);
    assert.equal(retried.statusCode, 201);
  });

  test('a session whose second write fails leaves no refresh token behind; OAuth answers server_error', async () => {
    const countRefreshTokens = async () =>
      Number(
        (
          await rawDatabase(runtime.services.store)
            .selectFrom('refresh_tokens')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await countRefreshTokens();
    repair = breakMethod(AuthRepository.prototype, 'createSession');
    const tokens = await admin('POST', '/_chatterbox/tokens', { username: 'bob@acme.example' });
    assert.equal(tokens.statusCode, 500);
    assert.equal(tokens.headers['content-type'], JSON_TYPE);
    assert.match(tokens.json()[0].message, ERROR_ID);
    assert.equal(await countRefreshTokens(), before);
    const login = await app.inject({
      method: 'POST',
      url: '/services/oauth2/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload:
        'grant_type=password&client_id=chatterbox-demo&client_secret=chatterbox-demo-secret&username=bob@acme.example&password=demo-password-1',
    });
    assert.equal(login.statusCode, 500);
    assert.equal(login.headers['content-type'], JSON_TYPE);
    const body = login.json();
    assert.match(body.error_description, ERROR_ID);
    assert.deepEqual(body, { error: 'server_error', error_description: body.error_description });
  });
});
