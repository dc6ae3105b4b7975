import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { formatId18 } from '../../src/ids/id-generator.js';
import type { UserRecord } from '../../src/store/records.js';
import { photoShape, USER_MOTIF, userPhotoUrl } from '../helpers/common-shapes.js';
import { createHarness, type Harness, JSON_TYPE } from '../helpers/harness.js';
import { demoUser } from '../helpers/oauth.js';
import { rawDatabase } from '../helpers/store.js';
import { FIELDS } from '../helpers/wire-fields.js';

const v36 = '/services/data/v36.0/chatter';

/** reference/chatter-facts.md §2.1: what User Detail adds to User Summary. */
const USER_DETAIL_FIELDS = [
  ...FIELDS.userSummary,
  'aboutMe',
  'address',
  'chatterActivity',
  'chatterInfluence',
  'email',
  'followersCount',
  'followingCounts',
  'groupCount',
  'hasChatter',
  'managerId',
  'managerName',
  'phoneNumbers',
  'thanksReceived',
  'username',
];

const sorted = (keys: string[]) => [...keys].sort();
const notFound = [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }];
const invalidId = (id: string) => [{ errorCode: 'INVALID_ID_FIELD', message: `Invalid identifier: ${id}` }];
const invalidInput = (message: string) => [{ errorCode: 'INVALID_INPUT', message }];

function assertJson(response: { statusCode: number; headers: Record<string, unknown> }, status: number) {
  assert.equal(response.statusCode, status);
  assert.equal(response.headers['content-type'], JSON_TYPE);
}

describe('GET /chatter/users/{userId} golden User Detail (chatter-facts §2.1)', () => {
  let h: Harness;
  let erinId: string;
  let orgId: string;
  before(async () => {
    h = await createHarness();
    const created = await h.admin('POST', '/_chatterbox/users', {
      username: 'erin@acme.example',
      password: 'erin-password',
      firstName: 'Erin',
      lastName: "O'Neil",
      type: 'standard',
    });
    assert.equal(created.statusCode, 201);
    erinId = created.json().id;
    orgId = created.json().orgId;
  });
  after(() => h.close());

  test('GET /services/data/v36.0/chatter/users/{id} answers the whole User Detail', async () => {
    const token = await h.login('alice@acme.example');
    const response = await h.request({ method: 'GET', url: `${v36}/users/${erinId}`, token });
    assertJson(response, 200);
    const expected = {
      additionalLabel: null,
      communityNickname: 'erin',
      companyName: null,
      // User-entered text is entity-encoded by default (SPEC §1).
      displayName: 'Erin O&#39;Neil',
      firstName: 'Erin',
      id: erinId,
      isActive: true,
      isInThisCommunity: true,
      lastName: 'O&#39;Neil',
      motif: USER_MOTIF,
      mySubscription: null,
      name: 'Erin O&#39;Neil',
      photo: photoShape(erinId, userPhotoUrl('/services/data/v36.0', erinId)),
      reputation: null,
      title: null,
      type: 'User',
      url: `${v36}/users/${erinId}`,
      userType: 'Internal',
      aboutMe: null,
      address: { city: null, country: null, formattedAddress: null, state: null, street: null, zip: null },
      bannerPhoto: {
        bannerPhotoUrl: null,
        bannerPhotoVersionId: null,
        url: `${v36}/users/${erinId}/banner-photo`,
      },
      chatterActivity: { commentCount: 0, commentReceivedCount: 0, likeReceivedCount: 0, postCount: 0 },
      chatterInfluence: null,
      email: 'erin@acme.example',
      followersCount: 0,
      followingCounts: { people: 0, records: 0, total: 0 },
      groupCount: 0,
      hasChatter: true,
      managerId: null,
      managerName: null,
      phoneNumbers: [],
      thanksReceived: null,
      username: 'erin@acme.example',
    };
    assert.deepEqual(response.json(), expected);
    // The field lists of the reference, checked on their own so a missing or extra key is named.
    assert.deepEqual(sorted(Object.keys(response.json())), sorted([...USER_DETAIL_FIELDS, 'bannerPhoto']));
    assert.deepEqual(sorted(Object.keys(response.json().photo)), sorted(FIELDS.photo));
    assert.equal(orgId.startsWith('00D'), true);
  });

  test('GET /services/data/v35.0/chatter/users/{id} has no bannerPhoto (36.0+) and echoes v35.0', async () => {
    const token = await h.login('erin@acme.example', 'erin-password');
    const v35 = await h.request({ method: 'GET', url: `/services/data/v35.0/chatter/users/me`, token });
    const v36body = (await h.request({ method: 'GET', url: `${v36}/users/me`, token })).json();
    assertJson(v35, 200);
    assert.deepEqual(sorted(Object.keys(v35.json())), sorted(USER_DETAIL_FIELDS));
    const { bannerPhoto: _banner, ...rest } = v36body;
    const expected = JSON.parse(JSON.stringify(rest).replaceAll('/v36.0/', '/v35.0/'));
    assert.deepEqual(v35.json(), expected);
  });

  test('GET /chatter/users/{id} with X-Chatter-Entity-Encoding: false answers raw text', async () => {
    const token = await h.login('alice@acme.example');
    const response = await h.request({
      method: 'GET',
      url: `${v36}/users/${erinId}`,
      token,
      headers: { 'x-chatter-entity-encoding': 'false' },
    });
    assertJson(response, 200);
    assert.equal(response.json().lastName, "O'Neil");
    assert.equal(response.json().displayName, "Erin O'Neil");
  });
});

describe('GET /chatter/users/{userId|me} and IDs (SPEC §3, §6)', () => {
  let h: Harness;
  let token: string;
  let alice: UserRecord;
  let aliceBody: unknown;
  before(async () => {
    h = await createHarness();
    token = await h.login('alice@acme.example');
    alice = await demoUser(h, 'alice@acme.example');
    aliceBody = (await h.request({ method: 'GET', url: `${v36}/users/${alice.id}`, token })).json();
  });
  after(() => h.close());

  test('GET /chatter/users/me is the context user, with the 18-character ID in URLs', async () => {
    const response = await h.request({ method: 'GET', url: `${v36}/users/me`, token });
    assertJson(response, 200);
    assert.deepEqual(response.json(), aliceBody);
    assert.equal(response.json().url, `${v36}/users/${alice.id}`);
    assert.equal(response.json().username, 'alice@acme.example');
  });

  test('GET /chatter/users/{id} takes 15 characters and 18 in any case (case restored from the checksum)', async () => {
    for (const id of [alice.id.slice(0, 15), alice.id.toLowerCase(), alice.id.toUpperCase(), alice.id]) {
      const response = await h.request({ method: 'GET', url: `${v36}/users/${id}`, token });
      assertJson(response, 200);
      assert.deepEqual(response.json(), aliceBody, id);
    }
  });

  test('GET /chatter/users/{id} with a malformed ID is 400 INVALID_ID_FIELD echoing it as supplied', async () => {
    // 'B' asks for an upper-case 11th character, a digit here: no ID has that checksum.
    const badChecksum = `${alice.id.slice(0, 15)}IAB`;
    for (const id of ['005', 'batch', `${alice.id}x`, badChecksum, '005Cb000000000!', 'me2']) {
      const response = await h.request({
        method: 'GET',
        url: `${v36}/users/${encodeURIComponent(id)}`,
        token,
      });
      assertJson(response, 400);
      assert.deepEqual(response.json(), invalidId(id), id);
    }
  });

  test('GET /chatter/users/{id} with an ID of another type (a group) is 400 INVALID_ID_FIELD as supplied', async () => {
    const group = await rawDatabase(h.services.store)
      .selectFrom('groups')
      .select('id')
      .executeTakeFirstOrThrow();
    for (const id of [group.id.toLowerCase(), group.id.slice(0, 15), alice.orgId]) {
      const response = await h.request({ method: 'GET', url: `${v36}/users/${id}`, token });
      assertJson(response, 400);
      assert.deepEqual(response.json(), invalidId(id));
    }
  });

  test('GET /chatter/users/{id} of a well-formed ID with no user is 404 NOT_FOUND', async () => {
    // A 15-character ID is case-sensitive: the lower-case form of alice's is another ID.
    const missing = [formatId18('005', 'Cb', 999), alice.id.slice(0, 15).toLowerCase()];
    for (const id of missing) {
      const response = await h.request({ method: 'GET', url: `${v36}/users/${id}`, token });
      assertJson(response, 404);
      assert.deepEqual(response.json(), notFound);
    }
  });

  test('GET /chatter/users/{id} of a user of another org is 404', async () => {
    const org = await h.admin('POST', '/_chatterbox/orgs', { name: 'Globex' });
    const other = await h.admin('POST', '/_chatterbox/users', {
      orgId: org.json().id,
      username: 'gil@globex.example',
      password: 'pw',
      firstName: 'Gil',
      lastName: 'Globex',
      type: 'standard',
    });
    const response = await h.request({ method: 'GET', url: `${v36}/users/${other.json().id}`, token });
    assertJson(response, 404);
    assert.deepEqual(response.json(), notFound);
  });

  test('GET /chatter/users/{id} of the guest user is 404', async () => {
    const org = await h.services.store.orgs.firstOrg();
    const [partner] = await h.services.store.orgs.listCommunities(org!.id);
    const response = await h.request({ method: 'GET', url: `${v36}/users/${partner!.guestUserId}`, token });
    assertJson(response, 404);
    assert.deepEqual(response.json(), notFound);
  });

  test('GET /chatter/users/me without Authorization on the internal scope is 401', async () => {
    const response = await h.request({ method: 'GET', url: `${v36}/users/me` });
    assertJson(response, 401);
    assert.deepEqual(response.json(), [
      { errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' },
    ]);
  });
});

describe('GET /chatter/users (SPEC §6: q, page, pageSize)', () => {
  let h: Harness;
  let token: string;
  /** Each user's detail, as a direct GET answers it: what a page must hold. */
  const detail = async (username: string, version = '36.0') => {
    const user = await demoUser(h, username);
    const response = await h.request({
      method: 'GET',
      url: `/services/data/v${version}/chatter/users/${user.id}`,
      token,
    });
    return response.json();
  };
  before(async () => {
    h = await createHarness();
    token = await h.login('bob@acme.example');
  });
  after(() => h.close());

  test('GET /chatter/users lists the internal users by name, inactive ones included', async () => {
    const response = await h.request({ method: 'GET', url: `${v36}/users`, token });
    assertJson(response, 200);
    assert.deepEqual(response.json(), {
      currentPageToken: 0,
      currentPageUrl: `${v36}/users?page=0&pageSize=25`,
      nextPageToken: null,
      nextPageUrl: null,
      previousPageToken: null,
      previousPageUrl: null,
      users: [
        await detail('admin@acme.example'),
        await detail('alice@acme.example'),
        await detail('bob@acme.example'),
        await detail('dan@acme.example'),
      ],
    });
  });

  test('GET /chatter/users?q= searches names; the q is echoed in the page URLs', async () => {
    const response = await h.request({
      method: 'GET',
      url: `/services/data/v41.0/chatter/users?q=an`,
      token,
    });
    assertJson(response, 200);
    const base = '/services/data/v41.0/chatter/users';
    assert.deepEqual(response.json(), {
      currentPageToken: 0,
      currentPageUrl: `${base}?q=an&page=0&pageSize=25`,
      nextPageToken: null,
      nextPageUrl: null,
      previousPageToken: null,
      previousPageUrl: null,
      // Alice ANders and DAN Departed; not Ada Admin, not Bob Baker.
      users: [await detail('alice@acme.example', '41.0'), await detail('dan@acme.example', '41.0')],
    });
    const none = await h.request({ method: 'GET', url: `${v36}/users?q=zz`, token });
    assertJson(none, 200);
    assert.deepEqual(none.json().users, []);
  });

  test('GET /chatter/users?q= with fewer than 2 characters (wildcards aside) is 400 INVALID_INPUT', async () => {
    for (const q of ['a', '', '*', 'a*', '**b']) {
      const response = await h.request({
        method: 'GET',
        url: `${v36}/users?q=${encodeURIComponent(q)}`,
        token,
      });
      assertJson(response, 400);
      assert.deepEqual(
        response.json(),
        invalidInput('Invalid q: the search term must have at least 2 characters other than wildcards.'),
        q,
      );
    }
  });

  test('GET /chatter/users?page=&pageSize= pages with current, next and previous links', async () => {
    const first = await h.request({ method: 'GET', url: `${v36}/users?pageSize=3`, token });
    assertJson(first, 200);
    assert.deepEqual(first.json(), {
      currentPageToken: 0,
      currentPageUrl: `${v36}/users?page=0&pageSize=3`,
      nextPageToken: 1,
      nextPageUrl: `${v36}/users?page=1&pageSize=3`,
      previousPageToken: null,
      previousPageUrl: null,
      users: [
        await detail('admin@acme.example'),
        await detail('alice@acme.example'),
        await detail('bob@acme.example'),
      ],
    });
    const second = await h.request({ method: 'GET', url: first.json().nextPageUrl, token });
    assertJson(second, 200);
    assert.deepEqual(second.json(), {
      currentPageToken: 1,
      currentPageUrl: `${v36}/users?page=1&pageSize=3`,
      nextPageToken: null,
      nextPageUrl: null,
      previousPageToken: 0,
      previousPageUrl: `${v36}/users?page=0&pageSize=3`,
      users: [await detail('dan@acme.example')],
    });
  });

  test('GET /chatter/users with pageSize or page out of bounds is 400 with the catalogue message', async () => {
    const cases: [string, string][] = [
      ['pageSize=0', 'Invalid pageSize: 0. Specify a value between 1 and 250.'],
      ['pageSize=251', 'Invalid pageSize: 251. Specify a value between 1 and 250.'],
      ['pageSize=-5', 'Invalid pageSize: -5. Specify a value between 1 and 250.'],
      ['pageSize=abc', 'Invalid pageSize: abc. Specify a value of type integer.'],
      ['pageSize=2.5', 'Invalid pageSize: 2.5. Specify a value of type integer.'],
      ['page=-1', 'Invalid page: -1. Specify a value between 0 and 100000.'],
      ['page=x', 'Invalid page: x. Specify a value of type integer.'],
    ];
    for (const [query, message] of cases) {
      const response = await h.request({ method: 'GET', url: `${v36}/users?${query}`, token });
      assertJson(response, 400);
      assert.deepEqual(response.json(), invalidInput(message), query);
    }
    for (const pageSize of [1, 250]) {
      const response = await h.request({ method: 'GET', url: `${v36}/users?pageSize=${pageSize}`, token });
      assertJson(response, 200);
    }
  });

  test('GET /chatter/users loads a page in a fixed number of queries (no N+1)', async (t) => {
    for (let i = 0; i < 8; i++) {
      const created = await h.admin('POST', '/_chatterbox/users', {
        username: `load${i}@acme.example`,
        password: 'pw',
        firstName: 'Load',
        lastName: `Tester ${i}`,
        type: 'standard',
      });
      assert.equal(created.statusCode, 201);
    }
    const unfreeze = h.freezeClock();
    t.after(unfreeze);
    await h.request({ method: 'GET', url: `${v36}/users?pageSize=1`, token });
    const one = await h.countQueries(() =>
      h.request({ method: 'GET', url: `${v36}/users?pageSize=1`, token }),
    );
    const twelve = await h.countQueries(() =>
      h.request({ method: 'GET', url: `${v36}/users?pageSize=12`, token }),
    );
    assert.equal(twelve, one);
  });
});

describe('PATCH /chatter/users/{userId|me} (SPEC §6: aboutMe)', () => {
  let h: Harness;
  let alice: UserRecord;
  let bob: UserRecord;
  let aliceToken: string;
  before(async () => {
    h = await createHarness();
    alice = await demoUser(h, 'alice@acme.example');
    bob = await demoUser(h, 'bob@acme.example');
    aliceToken = await h.login('alice@acme.example');
  });
  after(() => h.close());

  const patch = (url: string, token: string, payload?: unknown, headers: Record<string, string> = {}) =>
    h.request({
      method: 'PATCH',
      url,
      token,
      headers: payload === undefined ? headers : { 'content-type': 'application/json', ...headers },
      ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
    });
  const stored = async (id: string) => (await h.services.store.users.findAnyOrg(id))?.aboutMe;

  test('PATCH /chatter/users/me stores aboutMe raw and answers it entity-encoded by default', async () => {
    const raw = `<b>"Tom" & 'Jerry'</b> \\o/`;
    const response = await patch(`${v36}/users/me`, aliceToken, { aboutMe: raw });
    assertJson(response, 200);
    const encoded = '&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt; &#92;o/';
    const get = await h.request({ method: 'GET', url: `${v36}/users/me`, token: aliceToken });
    assert.equal(get.json().aboutMe, encoded);
    // The PATCH answers the same User Detail as a GET afterwards.
    assert.deepEqual(response.json(), get.json());
    assert.equal(await stored(alice.id), raw);
    const plain = await h.request({
      method: 'GET',
      url: `${v36}/users/me`,
      token: aliceToken,
      headers: { 'x-chatter-entity-encoding': 'false' },
    });
    assert.equal(plain.json().aboutMe, raw);
    const plainPatch = await patch(
      `${v36}/users/${alice.id}`,
      aliceToken,
      { aboutMe: raw },
      {
        'x-chatter-entity-encoding': 'false',
      },
    );
    assertJson(plainPatch, 200);
    assert.deepEqual(plainPatch.json(), plain.json());
  });

  test('PATCH /chatter/users/me takes aboutMe as a query parameter when there is no body', async () => {
    const response = await patch(
      `${v36}/users/me?aboutMe=${encodeURIComponent('From the query')}`,
      aliceToken,
    );
    assertJson(response, 200);
    assert.equal(response.json().aboutMe, 'From the query');
    assert.equal(await stored(alice.id), 'From the query');
  });

  test('PATCH /chatter/users/me takes 1000 characters; null or "" clear it; 1001 is 400 and changes nothing', async () => {
    const max = 'x'.repeat(1000);
    const ok = await patch(`${v36}/users/me`, aliceToken, { aboutMe: max });
    assertJson(ok, 200);
    assert.equal(ok.json().aboutMe, max);
    const tooLong = await patch(`${v36}/users/me`, aliceToken, { aboutMe: `${max}y` });
    assertJson(tooLong, 400);
    assert.deepEqual(tooLong.json(), invalidInput('Invalid aboutMe: specify at most 1000 characters.'));
    assert.equal(await stored(alice.id), max);
    for (const empty of [null, '']) {
      await patch(`${v36}/users/me`, aliceToken, { aboutMe: 'something' });
      const cleared = await patch(`${v36}/users/me`, aliceToken, { aboutMe: empty });
      assertJson(cleared, 200);
      assert.equal(cleared.json().aboutMe, null);
      assert.equal(await stored(alice.id), null);
    }
  });

  test('PATCH /chatter/users/me with a bad body is 400 and changes nothing', async () => {
    await patch(`${v36}/users/me`, aliceToken, { aboutMe: 'before' });
    const cases: [unknown, unknown][] = [
      [{}, invalidInput('Missing required field: aboutMe.')],
      [
        { aboutMe: { text: 'x' } },
        invalidInput('Invalid aboutMe: {"text":"x"}. Specify a value of type null or string.'),
      ],
      [
        { aboutMe: 'x', title: 'CEO' },
        [{ errorCode: 'JSON_PARSER_ERROR', message: 'Unrecognized field "title"' }],
      ],
    ];
    for (const [payload, body] of cases) {
      const response = await patch(`${v36}/users/me`, aliceToken, payload);
      assertJson(response, 400);
      assert.deepEqual(response.json(), body, JSON.stringify(payload));
    }
    assert.equal(await stored(alice.id), 'before');
  });

  test('PATCH /chatter/users/{id} of another user is 403 unless admin', async () => {
    const before = await stored(bob.id);
    const refused = await patch(`${v36}/users/${bob.id}`, aliceToken, { aboutMe: 'hijacked' });
    assertJson(refused, 403);
    assert.deepEqual(refused.json(), [
      { errorCode: 'INSUFFICIENT_ACCESS', message: "You don't have permission to edit this user's profile." },
    ]);
    assert.equal(await stored(bob.id), before);

    const adminToken = await h.login('admin@acme.example');
    const allowed = await patch(`${v36}/users/${bob.id.slice(0, 15)}`, adminToken, {
      aboutMe: 'Set by the admin',
    });
    assertJson(allowed, 200);
    assert.equal(allowed.json().id, bob.id);
    assert.equal(allowed.json().aboutMe, 'Set by the admin');
    assert.equal(await stored(bob.id), 'Set by the admin');
  });

  test('PATCH /chatter/users/{id} with a wrong-type or missing ID is 400 / 404', async () => {
    const adminToken = await h.login('admin@acme.example');
    const group = await rawDatabase(h.services.store)
      .selectFrom('groups')
      .select('id')
      .executeTakeFirstOrThrow();
    const wrongType = await patch(`${v36}/users/${group.id}`, adminToken, { aboutMe: 'x' });
    assertJson(wrongType, 400);
    assert.deepEqual(wrongType.json(), invalidId(group.id));
    const missing = await patch(`${v36}/users/${formatId18('005', 'Cb', 999)}`, adminToken, { aboutMe: 'x' });
    assertJson(missing, 404);
    assert.deepEqual(missing.json(), notFound);
  });
});

describe('GET /chatter/users/batch/{ids} (SPEC §6)', () => {
  let h: Harness;
  let token: string;
  before(async () => {
    h = await createHarness();
    token = await h.login('alice@acme.example');
  });
  after(() => h.close());

  const detailOf = async (id: string) =>
    (await h.request({ method: 'GET', url: `${v36}/users/${id}`, token })).json();

  test('GET /chatter/users/batch/{ids} answers one result per ID, in order, each with its status', async () => {
    const alice = await demoUser(h, 'alice@acme.example');
    const bob = await demoUser(h, 'bob@acme.example');
    const group = await rawDatabase(h.services.store)
      .selectFrom('groups')
      .select('id')
      .executeTakeFirstOrThrow();
    const missing = formatId18('005', 'Cb', 999);
    const ids = [alice.id, bob.id.slice(0, 15), missing, 'garbage', group.id, 'me', bob.id.toLowerCase()];
    const response = await h.request({ method: 'GET', url: `${v36}/users/batch/${ids.join(',')}`, token });
    assertJson(response, 200);
    assert.deepEqual(response.json(), {
      hasErrors: true,
      results: [
        { result: await detailOf(alice.id), statusCode: 200 },
        { result: await detailOf(bob.id), statusCode: 200 },
        { result: notFound, statusCode: 404 },
        { result: invalidId('garbage'), statusCode: 400 },
        { result: invalidId(group.id), statusCode: 400 },
        { result: await detailOf(alice.id), statusCode: 200 },
        { result: await detailOf(bob.id), statusCode: 200 },
      ],
    });
  });

  test('GET /chatter/users/batch/{ids} with every ID found has hasErrors false', async () => {
    const admin = await demoUser(h, 'admin@acme.example');
    const response = await h.request({ method: 'GET', url: `${v36}/users/batch/${admin.id}`, token });
    assertJson(response, 200);
    assert.deepEqual(response.json(), {
      hasErrors: false,
      results: [{ result: await detailOf(admin.id), statusCode: 200 }],
    });
  });

  test('GET /chatter/users/batch/{ids} takes 500 IDs; 501 or an empty item is 400', async () => {
    const alice = await demoUser(h, 'alice@acme.example');
    const five = await h.request({
      method: 'GET',
      url: `${v36}/users/batch/${Array(500).fill(alice.id).join(',')}`,
      token,
    });
    assertJson(five, 200);
    assert.equal(five.json().results.length, 500);
    const message = 'Invalid userIds: specify between 1 and 500 comma-separated IDs.';
    for (const list of [Array(501).fill(alice.id).join(','), `${alice.id},`, `,${alice.id}`]) {
      const response = await h.request({ method: 'GET', url: `${v36}/users/batch/${list}`, token });
      assertJson(response, 400);
      assert.deepEqual(response.json(), invalidInput(message));
    }
  });

  test('GET /chatter/users/batch/{ids} loads every ID in a fixed number of queries (no N+1)', async (t) => {
    const ids = (await rawDatabase(h.services.store).selectFrom('users').select('id').execute()).map(
      (r) => r.id,
    );
    // Another person than the viewer (alice): the one-ID call must pay for the follow lookup too,
    // which users/me (nobody follows themselves) skips.
    const bob = await demoUser(h, 'bob@acme.example');
    const unfreeze = h.freezeClock();
    t.after(unfreeze);
    await h.request({ method: 'GET', url: `${v36}/users/me`, token });
    const one = await h.countQueries(() =>
      h.request({ method: 'GET', url: `${v36}/users/batch/${bob.id}`, token }),
    );
    const all = await h.countQueries(() =>
      h.request({ method: 'GET', url: `${v36}/users/batch/${ids.join(',')}`, token }),
    );
    assert.equal(all, one);
  });
});
