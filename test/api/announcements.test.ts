import assert from 'node:assert/strict';
import { after, before, describe, mock, test } from 'node:test';
import { assertError, assertJson } from '../helpers/api-assert.js';
import { makeGroup, signIn } from '../helpers/feed-fixtures.js';
import { type Person, person } from '../helpers/feed-shapes.js';
import { createHarness, type Harness } from '../helpers/harness.js';

const v41 = '/services/data/v41.0';
const NOT_FOUND = ['NOT_FOUND', 'The requested resource does not exist'] as const;
const CANT_MANAGE = "Only the group's owner and managers can post or change its announcements.";

/** Group announcements (SPEC §12.6, §12.8; F2 §8). */
describe('chatter/announcements (SPEC §12.6)', () => {
  let h: Harness;
  let tokens: Record<string, string>;
  let people: Record<string, Person>;
  let groupId: string;
  let privateId: string;
  let unlistedId: string;

  const call = async (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    who = 'bob',
    payload?: unknown,
  ) => h.request({ method, url, token: tokens[who], ...(payload ? { payload: payload as object } : {}) });
  const ok = assertJson;
  const iso = (ms: number) => new Date(ms).toISOString();
  const message = (text: string) => ({ messageSegments: [{ type: 'Text', text }] });
  /** The Announcement as its own post reads it (GET feed-elements/{id}, by the same viewer). */
  const shape = async (
    a: { id: string; feedElement: { id: string } },
    expirationAt: number,
    who = 'bob',
    extra: { isArchived?: boolean; sendEmails?: boolean } = {},
  ) => ({
    expirationDate: iso(expirationAt),
    feedElement: (await call('GET', `${v41}/chatter/feed-elements/${a.feedElement.id}`, who)).json(),
    id: a.id,
    isArchived: extra.isArchived ?? false,
    sendEmails: extra.sendEmails ?? false,
    url: `${v41}/chatter/announcements/${a.id}`,
  });
  const groupAnnouncement = async (who = 'alice') =>
    (await call('GET', `${v41}/chatter/groups/${groupId}`, who)).json().announcement;

  before(async () => {
    h = await createHarness();
    ({ tokens, people } = await signIn(h, ['admin', 'alice', 'bob']));
    // A manager of the group, neither owner nor admin.
    const made = await h.admin('POST', '/_chatterbox/users', {
      orgId: people.alice?.orgId,
      username: 'dan@heralds.example',
      password: 'heralds-password-1',
      firstName: 'Dana',
      lastName: 'Manager',
      type: 'standard',
    });
    assert.equal(made.statusCode, 201, made.body);
    tokens.dan = await h.login('dan@heralds.example', 'heralds-password-1');
    people.dan = await person(h, 'dan@heralds.example');
    const member = (p: Person | undefined, role: 'GroupManager' | 'StandardMember') => ({
      id: p?.id as string,
      role,
    });
    groupId = await makeGroup(h, {
      name: 'Heralds',
      visibility: 'PublicAccess',
      owner: people.bob?.id as string,
      members: [member(people.alice, 'StandardMember'), member(people.dan, 'GroupManager')],
    });
    privateId = await makeGroup(h, {
      name: 'Sealed',
      visibility: 'PrivateAccess',
      owner: people.bob?.id as string,
    });
    unlistedId = await makeGroup(h, {
      name: 'Quiet',
      visibility: 'Unlisted',
      owner: people.bob?.id as string,
    });
  });
  after(() => h.close());

  test('POST chatter/announcements: an AdvancedTextPost; the group shows it until the exact instant it expires', async () => {
    // The server clock stands still but for the moves below (SPEC §9).
    let now = h.services.clock.now();
    const clock = mock.method(h.services.clock, 'now', () => now);
    try {
      const expirationAt = now + 60_000;
      const created = await call('POST', `${v41}/chatter/announcements`, 'bob', {
        body: message('Install the <updates>'),
        parentId: groupId,
        expirationDate: iso(expirationAt),
      });
      const a = created.json();
      assert.match(a.id, /^0BT/);
      assert.equal(a.feedElement.type, 'AdvancedTextPost');
      assert.equal(a.feedElement.body.text, 'Install the &lt;updates&gt;');
      ok(created, 201, await shape(a, expirationAt));
      ok(
        await call('GET', `${v41}/chatter/announcements/${a.id}`, 'alice'),
        200,
        await shape(a, expirationAt, 'alice'),
      );
      assert.deepEqual(await groupAnnouncement(), await shape(a, expirationAt, 'alice'));
      now += 59_999;
      assert.deepEqual(await groupAnnouncement(), await shape(a, expirationAt, 'alice'));
      now += 1;
      assert.equal(await groupAnnouncement(), null);
      // Expired, it is still an announcement of the group: readable and listed.
      ok(await call('GET', `${v41}/chatter/groups/${groupId}/announcements`, 'alice'), 200, {
        announcements: [await shape(a, expirationAt, 'alice')],
        currentPageUrl: `${v41}/chatter/groups/${groupId}/announcements?page=0&pageSize=25`,
        nextPageUrl: null,
        previousPageUrl: null,
      });
    } finally {
      clock.mock.restore();
    }
  });

  test('GET|POST groups/{id}/announcements and GET chatter/announcements?parentId: newest first, pages', async () => {
    const later = h.services.clock.now() + 86_400_000;
    const first = (
      await call('POST', `${v41}/chatter/groups/${groupId}/announcements`, 'dan', {
        body: message('First'),
        expirationDate: iso(later),
        sendEmails: true,
      })
    ).json();
    h.services.clock.offsetMs += 1000;
    const created = await call('POST', `${v41}/chatter/groups/${groupId}/announcements`, 'admin', {
      body: message('Second'),
      expirationDate: iso(later),
    });
    const second = created.json();
    ok(created, 201, await shape(second, later, 'admin'));
    assert.deepEqual(await groupAnnouncement(), await shape(second, later, 'alice'));
    const list = `${v41}/chatter/announcements?parentId=${groupId}`;
    ok(await call('GET', `${list}&pageSize=1`, 'alice'), 200, {
      announcements: [await shape(second, later, 'alice')],
      currentPageUrl: `${list}&page=0&pageSize=1`,
      nextPageUrl: `${list}&page=1&pageSize=1`,
      previousPageUrl: null,
    });
    ok(await call('GET', `${list}&pageSize=1&page=1`, 'alice'), 200, {
      announcements: [await shape(first, later, 'alice', { sendEmails: true })],
      currentPageUrl: `${list}&page=1&pageSize=1`,
      nextPageUrl: `${list}&page=2&pageSize=1`,
      previousPageUrl: `${list}&page=0&pageSize=1`,
    });
    // Archived: no longer the group's announcement; the one before it shows again.
    ok(
      await call('PATCH', `${v41}/chatter/announcements/${second.id}`, 'dan', { isArchived: true }),
      200,
      await shape(second, later, 'dan', { isArchived: true }),
    );
    assert.deepEqual(await groupAnnouncement(), await shape(first, later, 'alice', { sendEmails: true }));
    const sooner = later - 1000;
    ok(
      await call('PATCH', `${v41}/chatter/announcements/${first.id}`, 'bob', { expirationDate: iso(sooner) }),
      200,
      await shape(first, sooner, 'bob', { sendEmails: true }),
    );
    // Deleting the announcement leaves its post; deleting a post takes its announcement.
    const gone = await call('DELETE', `${v41}/chatter/announcements/${second.id}`, 'bob');
    assert.equal(gone.statusCode, 204);
    assertError(await call('GET', `${v41}/chatter/announcements/${second.id}`), 404, ...NOT_FOUND);
    assert.equal(
      (await call('GET', `${v41}/chatter/feed-elements/${second.feedElement.id}`)).statusCode,
      200,
    );
    assert.equal(
      (await call('DELETE', `${v41}/chatter/feed-elements/${first.feedElement.id}`)).statusCode,
      204,
    );
    assertError(await call('GET', `${v41}/chatter/announcements/${first.id}`), 404, ...NOT_FOUND);
  });

  test('an existing post of the group as the announcement (feedItemId); a post of elsewhere: 400', async () => {
    const post = async (subjectId: string) =>
      (
        await call('POST', `${v41}/chatter/feed-elements`, 'bob', {
          feedElementType: 'FeedItem',
          subjectId,
          body: message('Already here'),
        })
      ).json().id as string;
    const later = h.services.clock.now() + 3_600_000;
    const inGroup = await post(groupId);
    const created = await call('POST', `${v41}/chatter/announcements`, 'bob', {
      feedItemId: inGroup,
      parentId: groupId,
      expirationDate: iso(later),
    });
    ok(created, 201, await shape(created.json(), later));
    assert.equal(created.json().feedElement.id, inGroup);
    assertError(
      await call('POST', `${v41}/chatter/announcements`, 'bob', {
        feedItemId: await post(privateId),
        parentId: groupId,
        expirationDate: iso(later),
      }),
      400,
      'INVALID_INPUT',
      'Invalid feedItemId: specify a post of this group.',
    );
  });

  test('refusals: 400 bad input, 403 not owner or manager, 404 unseen or below 36.0; nothing stored', async () => {
    const later = iso(h.services.clock.now() + 3_600_000);
    const count = async () =>
      (await h.services.store.announcements.listOf(groupId, { offset: 0, limit: 1000 })).length;
    const before = await count();
    const post = (who: string, payload: Record<string, unknown>, url = `${v41}/chatter/announcements`) =>
      call('POST', url, who, { body: message('x'), ...payload });
    assertError(
      await post('bob', { parentId: groupId }),
      400,
      'INVALID_INPUT',
      'Invalid expirationDate: an announcement needs an expiration date.',
    );
    assertError(
      await post('bob', { parentId: groupId, expirationDate: 'tomorrow' }),
      400,
      'INVALID_INPUT',
      'Invalid expirationDate: tomorrow. Specify an ISO 8601 date and time.',
    );
    assertError(
      await post('bob', { expirationDate: later }),
      400,
      'INVALID_INPUT',
      'Invalid parentId: name the group of the announcement.',
    );
    assertError(
      await post('bob', { parentId: people.bob?.id, expirationDate: later }),
      400,
      'INVALID_ID_FIELD',
      `Invalid identifier: ${people.bob?.id}`,
    );
    assertError(
      await post('alice', { parentId: groupId, expirationDate: later }),
      403,
      'INSUFFICIENT_ACCESS',
      CANT_MANAGE,
    );
    assertError(
      await post('alice', { expirationDate: later }, `${v41}/chatter/groups/${groupId}/announcements`),
      403,
      'INSUFFICIENT_ACCESS',
      CANT_MANAGE,
    );
    assertError(await post('alice', { parentId: unlistedId, expirationDate: later }), 404, ...NOT_FOUND);
    assertError(
      await post(
        'bob',
        { parentId: groupId, expirationDate: later },
        '/services/data/v35.0/chatter/announcements',
      ),
      404,
      ...NOT_FOUND,
    );
    assert.equal(await count(), before);
    const a = (await post('bob', { parentId: privateId, expirationDate: later })).json();
    const cantSee = "You don't have permission to view this group's announcements.";
    assertError(
      await call('GET', `${v41}/chatter/announcements/${a.id}`, 'alice'),
      403,
      'INSUFFICIENT_ACCESS',
      cantSee,
    );
    assertError(
      await call('GET', `${v41}/chatter/announcements?parentId=${privateId}`, 'alice'),
      403,
      'INSUFFICIENT_ACCESS',
      cantSee,
    );
    assertError(
      await call('GET', `${v41}/chatter/groups/${unlistedId}/announcements`, 'alice'),
      404,
      ...NOT_FOUND,
    );
    const mine = (await post('bob', { parentId: groupId, expirationDate: later })).json();
    assertError(
      await call('PATCH', `${v41}/chatter/announcements/${mine.id}`, 'alice', { isArchived: true }),
      403,
      'INSUFFICIENT_ACCESS',
      CANT_MANAGE,
    );
    assertError(
      await call('DELETE', `${v41}/chatter/announcements/${mine.id}`, 'alice'),
      403,
      'INSUFFICIENT_ACCESS',
      CANT_MANAGE,
    );
    assertError(
      await call('PATCH', `${v41}/chatter/announcements/${mine.id}`, 'bob', { expirationDate: 'soon' }),
      400,
      'INVALID_INPUT',
      'Invalid expirationDate: soon. Specify an ISO 8601 date and time.',
    );
    assertError(
      await call('GET', `${v41}/chatter/announcements/${groupId}`),
      400,
      'INVALID_ID_FIELD',
      `Invalid identifier: ${groupId}`,
    );
    ok(
      await call('GET', `${v41}/chatter/announcements/${mine.id}`),
      200,
      await shape(mine, Date.parse(later)),
    );
  });
});
