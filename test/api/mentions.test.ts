import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertError } from '../helpers/api-assert.js';
import { groupNamed } from '../helpers/collab.js';
import { TEST_ORIGIN } from '../helpers/common-shapes.js';
import { signIn } from '../helpers/feed-fixtures.js';
import { type Person, person } from '../helpers/feed-shapes.js';
import { createHarness, type Harness, JSON_TYPE } from '../helpers/harness.js';

describe('mentions: completions and validations (SPEC §12.4, F2 §3)', () => {
  let h: Harness;
  let tokens: Record<string, string>;
  let people: Record<string, Person>;
  let dan: Person;
  let leadership: string;
  let allAcme: string;
  const v41 = '/services/data/v41.0';
  const completions = `${v41}/chatter/mentions/completions`;

  before(async () => {
    h = await createHarness();
    ({ tokens, people } = await signIn(h, ['admin', 'alice', 'bob']));
    dan = await person(h, 'dan@acme.example');
    leadership = (await groupNamed(h, 'Leadership')).id;
    allAcme = (await groupNamed(h, 'All Acme')).id;
  });
  after(() => h.close());

  const get = async (token: string, url: string) => {
    const response = await h.request({ method: 'GET', url, token });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    return response.json();
  };
  const userItem = (p: Person) => ({
    additionalLabel: null,
    description: null,
    name: `${p.firstName} ${p.lastName}`,
    outOfOffice: null,
    photoUrl: `${TEST_ORIGIN}/profilephoto/${p.id.slice(0, 15)}/T`,
    recordId: p.id,
    userType: 'Internal',
  });
  const groupItem = (id: string, name: string) => ({
    additionalLabel: null,
    description: null,
    name,
    outOfOffice: null,
    photoUrl: `${TEST_ORIGIN}/profilephoto/${id.slice(0, 15)}/T`,
    recordId: id,
    userType: null,
  });

  test('completions: active internal users, names starting with q first; inactive users never', async () => {
    const { admin, alice, bob } = people as Record<string, Person>;
    assert.deepEqual(await get(tokens.bob as string, `${completions}?q=a`), {
      currentPageUrl: `${completions}?q=a&page=0&pageSize=25`,
      mentionCompletions: [userItem(admin as Person), userItem(alice as Person), userItem(bob as Person)],
      nextPageUrl: null,
      previousPageUrl: null,
    });
    // Dan Departed is inactive.
    assert.deepEqual((await get(tokens.bob as string, `${completions}?q=dan`)).mentionCompletions, []);
    assert.equal(dan.isActive, false);
  });

  test('completions page by page number, with next and previous URLs', async () => {
    const { admin, alice, bob } = people as Record<string, Person>;
    assert.deepEqual(await get(tokens.bob as string, `${completions}?q=a&type=User&pageSize=2`), {
      currentPageUrl: `${completions}?q=a&type=User&page=0&pageSize=2`,
      mentionCompletions: [userItem(admin as Person), userItem(alice as Person)],
      nextPageUrl: `${completions}?q=a&type=User&page=1&pageSize=2`,
      previousPageUrl: null,
    });
    assert.deepEqual(await get(tokens.bob as string, `${completions}?q=a&type=User&page=1&pageSize=2`), {
      currentPageUrl: `${completions}?q=a&type=User&page=1&pageSize=2`,
      mentionCompletions: [userItem(bob as Person)],
      nextPageUrl: null,
      previousPageUrl: `${completions}?q=a&type=User&page=0&pageSize=2`,
    });
  });

  test('completions: groups from 2 characters; a private group only for its members', async () => {
    assert.deepEqual((await get(tokens.bob as string, `${completions}?q=le`)).mentionCompletions, []);
    assert.deepEqual((await get(tokens.admin as string, `${completions}?q=le`)).mentionCompletions, [
      groupItem(leadership, 'Leadership'),
    ]);
    assert.deepEqual(
      (await get(tokens.bob as string, `${completions}?q=acme&type=Group`)).mentionCompletions,
      [groupItem(allAcme, 'All Acme')],
    );
    // One character finds no group.
    assert.deepEqual(
      (await get(tokens.bob as string, `${completions}?q=l&type=Group`)).mentionCompletions,
      [],
    );
  });

  test('completions without q, with a wildcard or a bad type: 400', async () => {
    for (const [url, message] of [
      [completions, 'Missing required field: q.'],
      [`${completions}?q=a*`, 'Invalid q: wildcards are not allowed in mention completions.'],
      [`${completions}?q=%20`, 'Invalid q: specify at least 1 character.'],
    ] as const) {
      assertError(
        await h.request({ method: 'GET', url, token: tokens.bob }),
        400,
        'INVALID_INPUT',
        message,
        url,
      );
    }
  });

  test('validations: Ok, Disallowed (inactive user, private group not joined), Inaccessible; hasErrors', async () => {
    const { alice, bob } = people as Record<string, Person>;
    const url = (parentId: string, ids: string[]) =>
      `${v41}/chatter/mentions/validations?parentId=${parentId}&recordIds=${ids.join(',')}&visibility=AllUsers`;
    assert.deepEqual(
      await get(tokens.bob as string, url('me', [alice?.id as string, dan.id, leadership, allAcme])),
      {
        hasErrors: true,
        mentionValidations: [
          { recordId: alice?.id, validationStatus: 'Ok' },
          { recordId: dan.id, validationStatus: 'Disallowed' },
          { recordId: leadership, validationStatus: 'Disallowed' },
          { recordId: allAcme, validationStatus: 'Ok' },
        ],
      },
    );
    // Bob can't see Leadership's posts: allowed, but he won't be notified.
    assert.deepEqual(await get(tokens.admin as string, url(leadership, [bob?.id as string, leadership])), {
      hasErrors: false,
      mentionValidations: [
        { recordId: bob?.id, validationStatus: 'Inaccessible' },
        { recordId: leadership, validationStatus: 'Ok' },
      ],
    });
    const many = Array.from({ length: 26 }, () => alice?.id as string);
    assertError(
      await h.request({ method: 'GET', url: url('me', many), token: tokens.bob }),
      400,
      'INVALID_INPUT',
      'Invalid recordIds: specify between 1 and 25 comma-separated IDs.',
    );
    assertError(
      await h.request({
        method: 'GET',
        url: `${v41}/chatter/mentions/validations?parentId=me&recordIds=${alice?.id}`,
        token: tokens.bob,
      }),
      400,
      'INVALID_INPUT',
      'Missing required field: visibility.',
    );
  });
});
