import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import sharp from 'sharp';
import { KeyPrefix } from '../../src/ids/salesforce-id.js';
import { assertError } from '../helpers/api-assert.js';
import { assertJson, assertNoContent, groupBody, groupNamed, unusedId } from '../helpers/collab.js';
import { photoShape, TEST_ORIGIN, userPhotoUrl, userSummary } from '../helpers/common-shapes.js';
import { signIn } from '../helpers/feed-fixtures.js';
import type { Person } from '../helpers/feed-shapes.js';
import { createHarness, type Harness } from '../helpers/harness.js';
import { multipart, type Part } from '../helpers/multipart.js';
import { rawDatabase } from '../helpers/store.js';

const v58 = '/services/data/v58.0';
const v34 = '/services/data/v34.0';
const RED = { r: 220, g: 20, b: 20 };
const BLUE = { r: 20, g: 20, b: 220 };

/** 400×300, its left half red and its right half blue: where a crop was taken shows in its pixels. */
function halves(): Promise<Buffer> {
  return sharp({ create: { width: 400, height: 300, channels: 3, background: RED } })
    .composite([
      {
        input: { create: { width: 200, height: 300, channels: 3, background: BLUE } },
        left: 200,
        top: 0,
      },
    ])
    .png()
    .toBuffer();
}

/** Setting, reading and removing photos of users and groups (SPEC §12.2, §12.8; F2 §8). */
describe('user and group photos (SPEC §12.2)', () => {
  let h: Harness;
  let tokens: Record<string, string>;
  let people: Record<string, Person>;
  let image: Buffer;

  before(async () => {
    h = await createHarness();
    ({ tokens, people } = await signIn(h, ['admin', 'alice', 'bob']));
    image = await halves();
  });
  after(() => h.close());

  const alice = () => people.alice as Person;
  const send = (who: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    h.request({
      method,
      url,
      token: tokens[who],
      ...(payload ? { payload: payload as Record<string, unknown> } : {}),
    });
  const sendParts = (who: string, url: string, parts: Part[]) =>
    h.request({ method: 'POST', url, token: tokens[who], ...multipart(parts) });
  const imagePart = (data: Buffer, contentType = 'image/png'): Part => ({
    name: 'fileUpload',
    filename: 'photo.png',
    contentType,
    data,
  });
  /** A file in `who`'s files (SPEC §12.2): its ID. */
  const uploadFile = async (who: string, name: string, contentType: string, data: Buffer) => {
    const response = await sendParts(who, `${v58}/connect/files/users/me`, [
      { name: 'fileData', filename: name, contentType, data },
    ]);
    assert.equal(response.statusCode, 201, response.body);
    return response.json().id as string;
  };
  /** The photos rows and the photo each user and group names: to prove what a request wrote. */
  const storeState = async () => {
    const db = rawDatabase(h.services.store);
    const photos = await db.selectFrom('photos').select(['id', 'subject_id']).orderBy('id').execute();
    const users = await db.selectFrom('users').select(['id', 'photo_id']).orderBy('id').execute();
    const groups = await db.selectFrom('groups').select(['id', 'photo_id']).orderBy('id').execute();
    return { photos, users, groups };
  };
  /** A served photo: PNG, cacheable, no session needed; its width, height and a pixel's colour. */
  const served = async (url: string, at: { x: number; y: number } = { x: 0, y: 0 }) => {
    assert.ok(url.startsWith(`${TEST_ORIGIN}/profilephoto/`), url);
    const response = await h.request({ method: 'GET', url });
    assert.equal(response.statusCode, 200, `${url}: ${response.body}`);
    assert.equal(response.headers['content-type'], 'image/png');
    const { data, info } = await sharp(response.rawPayload)
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const offset = (at.y * info.width + at.x) * info.channels;
    const pixel = { r: data[offset], g: data[offset + 1], b: data[offset + 2] };
    return { response, width: info.width, height: info.height, pixel };
  };
  const near = (pixel: { r?: number; g?: number; b?: number }, colour: typeof RED, where: string) =>
    assert.ok(
      Math.abs((pixel.r ?? -99) - colour.r) < 12 &&
        Math.abs((pixel.g ?? -99) - colour.g) < 12 &&
        Math.abs((pixel.b ?? -99) - colour.b) < 12,
      `${where}: ${JSON.stringify(pixel)} is not ${JSON.stringify(colour)}`,
    );
  const photoId = (response: LightMyRequestResponse) => response.json().photoVersionId as string;

  test('POST connect/user-profiles/me/photo with fileId and a crop answers 201 with the Photo; its URLs serve the crop at 200, 160 and 64 pixels', async () => {
    const fileId = await uploadFile('alice', 'halves.png', 'image/png', image);
    const response = await send('alice', 'POST', `${v58}/connect/user-profiles/me/photo`, {
      fileId,
      cropX: 250,
      cropY: 50,
      cropSize: 100,
    });
    const id = photoId(response);
    assert.match(id ?? '', /^729[0-9A-Za-z]{15}$/, response.body);
    const me = alice().id;
    const photo = photoShape(me, `${v58}/connect/user-profiles/${me}/photo`, id);
    assertJson(response, 201, photo);
    const state = await storeState();
    assert.deepEqual(state.photos, [{ id, subject_id: me }]);
    assert.equal(state.users.find((u) => u.id === me)?.photo_id, id);
    for (const [field, size] of [
      ['largePhotoUrl', 200],
      ['fullEmailPhotoUrl', 200],
      ['mediumPhotoUrl', 160],
      ['smallPhotoUrl', 64],
      ['standardEmailPhotoUrl', 64],
    ] as const) {
      const image = await served(photo[field], { x: size / 2, y: size / 2 });
      assert.deepEqual([image.width, image.height], [size, size], field);
      // The crop was inside the blue half.
      near(image.pixel, BLUE, field);
      assert.equal(image.response.headers['cache-control'], 'public, max-age=31536000, immutable');
    }
    // GET answers the same Photo, at both user paths; below v35 the resource is chatter/users.
    assertJson(await send('bob', 'GET', `${v58}/connect/user-profiles/${me}/photo`), 200, photo);
    assertJson(await send('bob', 'GET', `${v58}/chatter/users/${me}/photo`), 200, photo);
    assertJson(
      await send('bob', 'GET', `${v34}/chatter/users/${me}/photo`),
      200,
      photoShape(me, `${v34}/chatter/users/${me}/photo`, id),
    );
    assertError(
      await send('bob', 'GET', `${v34}/connect/user-profiles/${me}/photo`),
      404,
      'NOT_FOUND',
      'The requested resource does not exist',
    );
  });

  test('User Summaries and feed elements carry the new photo', async () => {
    const me = alice();
    const { photo_id: id } = (await storeState()).users.find((u) => u.id === me.id) ?? {};
    assert.ok(id);
    const user = await h.services.store.users.find(me.orgId, me.id);
    assert.ok(user);
    assert.equal(user.photoId, id);
    // A post by alice: its actor is her User Summary, its photoUrl her thumbnail.
    const post = await send('alice', 'POST', `${v58}/chatter/feed-elements`, {
      feedElementType: 'FeedItem',
      subjectId: 'me',
      body: { messageSegments: [{ type: 'Text', text: 'new photo' }] },
    });
    assert.equal(post.statusCode, 201, post.body);
    assert.deepEqual(post.json().actor, userSummary(v58, { ...user, photoId: id }));
    assert.equal(post.json().photoUrl, `${TEST_ORIGIN}/profilephoto/${id.slice(0, 15)}/T`);
    // The owner of the group alice owns shows it too, in the whole Group body.
    const created = await send('alice', 'POST', `${v58}/chatter/groups`, {
      name: 'Photo Club',
      visibility: 'PublicAccess',
    });
    assert.equal(created.statusCode, 201, created.body);
    const group = await groupNamed(h, 'Photo Club');
    const viewedByBob = await send('bob', 'GET', `${v58}/chatter/groups/${group.id}`);
    const { fileCount: _fileCount, information: _information, ...asGroup } = viewedByBob.json();
    assert.deepEqual(
      asGroup,
      groupBody(v58, group, { owner: user, memberCount: 1, myRole: 'NotAMember', membershipId: null }),
    );
  });

  test('POST with a multipart fileUpload part and a json crop part; without a crop the centred largest square is taken', async () => {
    const url = `${v58}/chatter/users/me/photo`;
    const cropped = await sendParts('bob', url, [
      imagePart(image),
      {
        name: 'json',
        value: JSON.stringify({ cropX: '0', cropY: '100', cropSize: '150' }),
        contentType: 'application/json',
      },
    ]);
    const bob = (people.bob as Person).id;
    assertJson(cropped, 201, photoShape(bob, userPhotoUrl(v58, bob), photoId(cropped)));
    const large = await served(cropped.json().largePhotoUrl, { x: 100, y: 100 });
    assert.deepEqual([large.width, large.height], [200, 200]);
    near(large.pixel, RED, 'a crop in the red half');
    // No crop: the centred 300×300 square, red on its left half and blue on its right.
    const centred = await sendParts('bob', url, [imagePart(image)]);
    assertJson(centred, 201, photoShape(bob, userPhotoUrl(v58, bob), photoId(centred)));
    near((await served(centred.json().largePhotoUrl, { x: 40, y: 100 })).pixel, RED, 'left');
    near((await served(centred.json().largePhotoUrl, { x: 160, y: 100 })).pixel, BLUE, 'right');
    // The replaced photo's bytes are gone (no leak): its URLs are 404, one row is left.
    const old = await h.request({ method: 'GET', url: cropped.json().largePhotoUrl });
    assert.equal(old.statusCode, 404);
    assert.deepEqual(
      (await storeState()).photos.filter((p) => p.subject_id === bob).map((p) => p.id),
      [photoId(centred)],
    );
  });

  test('DELETE answers 204 and the user is back to the default picture, the bytes gone', async () => {
    const me = alice().id;
    const before = (await storeState()).users.find((u) => u.id === me)?.photo_id as string;
    assertNoContent(await send('alice', 'DELETE', `${v58}/connect/user-profiles/${me}/photo`));
    const photo = photoShape(me, `${v58}/connect/user-profiles/${me}/photo`);
    assertJson(await send('alice', 'GET', `${v58}/connect/user-profiles/me/photo`), 200, photo);
    const state = await storeState();
    assert.equal(state.users.find((u) => u.id === me)?.photo_id, null);
    assert.deepEqual(
      state.photos.filter((p) => p.subject_id === me),
      [],
    );
    const gone = await h.request({ method: 'GET', url: `/profilephoto/${before.slice(0, 15)}/F` });
    assert.equal(gone.statusCode, 404);
    const standard = await served(photo.largePhotoUrl);
    assert.deepEqual([standard.width, standard.height], [200, 200]);
    // Deleting again is no error: the default picture stays.
    assertNoContent(await send('alice', 'DELETE', `${v58}/connect/user-profiles/me/photo`));
  });

  test("only the user themself or an admin changes a user's photo: others get 403 and nothing is written", async () => {
    const me = alice().id;
    const fileId = await uploadFile('bob', 'bob.png', 'image/png', image);
    const refused = "You don't have permission to change this user's photo.";
    const before = await storeState();
    assertError(
      await send('bob', 'POST', `${v58}/connect/user-profiles/${me}/photo`, { fileId }),
      403,
      'INSUFFICIENT_ACCESS',
      refused,
    );
    assertError(
      await sendParts('bob', `${v58}/chatter/users/${me}/photo`, [imagePart(image)]),
      403,
      'INSUFFICIENT_ACCESS',
      refused,
    );
    assertError(
      await send('bob', 'DELETE', `${v58}/connect/user-profiles/${me}/photo`),
      403,
      'INSUFFICIENT_ACCESS',
      refused,
    );
    assert.deepEqual(await storeState(), before);
    // An admin may: with a file of the admin's own.
    const adminFile = await uploadFile('admin', 'a.png', 'image/png', image);
    const byAdmin = await send('admin', 'POST', `${v58}/connect/user-profiles/${me}/photo`, {
      fileId: adminFile,
    });
    assertJson(byAdmin, 201, photoShape(me, userPhotoUrl(v58, me), photoId(byAdmin)));
    assertNoContent(await send('admin', 'DELETE', `${v58}/connect/user-profiles/${me}/photo`));
  });

  test("a group's photo: its owner and managers or an admin change it (403 for members), Groups carry it, deleting the group removes it", async () => {
    const allAcme = await groupNamed(h, 'All Acme');
    const url = `${v58}/chatter/groups/${allAcme.id}/photo`;
    const before = await storeState();
    assertError(
      await sendParts('alice', url, [imagePart(image)]),
      403,
      'INSUFFICIENT_ACCESS',
      "You don't have permission to change this group's photo.",
    );
    assertError(
      await send('bob', 'DELETE', url),
      403,
      'INSUFFICIENT_ACCESS',
      "You don't have permission to change this group's photo.",
    );
    assert.deepEqual(await storeState(), before);
    const set = await sendParts('admin', url, [imagePart(image)]);
    const id = photoId(set);
    assertJson(set, 201, photoShape(allAcme.id, url, id));
    assertJson(await send('bob', 'GET', url), 200, photoShape(allAcme.id, url, id));
    const medium = await served(set.json().mediumPhotoUrl);
    assert.deepEqual([medium.width, medium.height], [160, 160]);
    // The Group as a member sees it, whole.
    const group = await groupNamed(h, 'All Acme');
    assert.equal(group.photoId, id);
    const owner = await h.services.store.users.find(group.orgId, group.ownerId);
    assert.ok(owner);
    const viewed = await send('bob', 'GET', `${v58}/chatter/groups/${group.id}`);
    const { fileCount: _f, information: _i, ...asGroup } = viewed.json();
    const membership = (
      await rawDatabase(h.services.store)
        .selectFrom('group_members')
        .select('id')
        .where('group_id', '=', group.id)
        .where('user_id', '=', (people.bob as Person).id)
        .executeTakeFirstOrThrow()
    ).id;
    assert.deepEqual(
      asGroup,
      groupBody(v58, group, { owner, memberCount: 3, myRole: 'StandardMember', membershipId: membership }),
    );
    // A manager of a group may too; the photo goes with the group.
    const club = await groupNamed(h, 'Photo Club');
    const join = await send('bob', 'POST', `${v58}/chatter/groups/${club.id}/members`, {
      userId: (people.bob as Person).id,
    });
    assert.equal(join.statusCode, 201, join.body);
    const role = await send(
      'alice',
      'PATCH' as 'POST',
      `${v58}/chatter/group-memberships/${join.json().id}`,
      {
        role: 'GroupManager',
      },
    );
    assert.equal(role.statusCode, 200, role.body);
    const byManager = await sendParts('bob', `${v58}/chatter/groups/${club.id}/photo`, [imagePart(image)]);
    assert.equal(byManager.statusCode, 201, byManager.body);
    assertNoContent(await send('alice', 'DELETE', `${v58}/chatter/groups/${club.id}`));
    assert.deepEqual(
      (await storeState()).photos.filter((p) => p.subject_id === club.id),
      [],
    );
    assert.equal((await h.request({ method: 'GET', url: byManager.json().largePhotoUrl })).statusCode, 404);
  });

  test("a community's guest reads a member's photo on the community path, and may not change it", async () => {
    const me = alice();
    const [partner] = await h.services.store.orgs.listCommunities(me.orgId);
    assert.ok(partner);
    const base = `${v58}/connect/communities/${partner.id}`;
    const url = `${base}/connect/user-profiles/${me.id}/photo`;
    assertJson(await h.request({ method: 'GET', url }), 200, photoShape(me.id, url));
    assertError(
      await h.request({ method: 'POST', url, ...multipart([imagePart(image)]) }),
      401,
      'INVALID_SESSION_ID',
      "This resource isn't accessible to guest users.",
    );
  });

  describe('bad input: the SPEC error and nothing written', () => {
    const url = `${v58}/connect/user-profiles/me/photo`;
    const cases: [string, () => Promise<LightMyRequestResponse>, number, string, string][] = [
      [
        'a file that is not an image',
        async () =>
          send('alice', 'POST', url, {
            fileId: await uploadFile('alice', 'notes.txt', 'text/plain', Buffer.from('hello')),
          }),
        400,
        'INVALID_INPUT',
        'Invalid fileId: {id}. Specify an image file (PNG, JPEG, GIF or WebP).',
      ],
      [
        'a corrupt image (a PNG cut short)',
        async () =>
          send('alice', 'POST', url, {
            fileId: await uploadFile('alice', 'cut.png', 'image/png', image.subarray(0, 200)),
          }),
        400,
        'INVALID_INPUT',
        'Invalid fileId: {id}. Specify an image file (PNG, JPEG, GIF or WebP).',
      ],
      [
        'an upload that is not an image',
        () => sendParts('alice', url, [imagePart(Buffer.from('GIF8 but not really'), 'image/gif')]),
        400,
        'INVALID_INPUT',
        'Invalid fileUpload: specify an image (PNG, JPEG, GIF or WebP).',
      ],
      [
        'a crop outside the image',
        async () =>
          send('alice', 'POST', url, {
            fileId: await uploadFile('alice', 'h.png', 'image/png', image),
            cropX: 250,
            cropY: 0,
            cropSize: 200,
          }),
        400,
        'INVALID_INPUT',
        "Invalid crop: a square of 200 pixels at (250, 0) doesn't fit in the image of 400 by 300 pixels. Specify cropX, cropY and cropSize inside the image.",
      ],
      [
        'a crop outside the image, in a json part',
        () =>
          sendParts('alice', url, [
            imagePart(image),
            { name: 'json', value: '{"cropX":"0","cropY":"200","cropSize":"200"}' },
          ]),
        400,
        'INVALID_INPUT',
        "Invalid crop: a square of 200 pixels at (0, 200) doesn't fit in the image of 400 by 300 pixels. Specify cropX, cropY and cropSize inside the image.",
      ],
      [
        'a negative crop in a json part',
        () => sendParts('alice', url, [imagePart(image), { name: 'json', value: '{"cropX":-1}' }]),
        400,
        'INVALID_INPUT',
        'Invalid cropX: -1. Specify a whole number of pixels, at least 0.',
      ],
      [
        'a json part with an unknown field',
        () => sendParts('alice', url, [imagePart(image), { name: 'json', value: '{"crop":1}' }]),
        400,
        'JSON_PARSER_ERROR',
        'Unrecognized field "crop"',
      ],
      [
        'no fileId and no fileUpload part',
        () => send('alice', 'POST', url, { cropSize: 10 }),
        400,
        'INVALID_INPUT',
        'Missing required image: specify fileId, or send the image as a multipart part named fileUpload.',
      ],
      [
        'a multipart body without a fileUpload part',
        () => sendParts('alice', url, [{ name: 'json', value: '{"cropSize":"10"}' }]),
        400,
        'INVALID_INPUT',
        'Missing required image: specify fileId, or send the image as a multipart part named fileUpload.',
      ],
      [
        'a multipart body without its boundaries',
        () =>
          h.request({
            method: 'POST',
            url,
            token: tokens.alice,
            payload: 'not a multipart body',
            headers: { 'content-type': 'multipart/form-data; boundary=x' },
          }),
        400,
        'INVALID_INPUT',
        'The multipart body is malformed: Unexpected end of multipart data.',
      ],
      [
        'a malformed fileId',
        () => send('alice', 'POST', url, { fileId: '069nope' }),
        400,
        'INVALID_ID_FIELD',
        'Invalid identifier: 069nope',
      ],
      [
        'an unknown file',
        () => send('alice', 'POST', url, { fileId: unusedId(KeyPrefix.file) }),
        404,
        'NOT_FOUND',
        'The requested resource does not exist',
      ],
      [
        "another user's private file",
        async () =>
          send('alice', 'POST', url, { fileId: await uploadFile('bob', 'b.png', 'image/png', image) }),
        404,
        'NOT_FOUND',
        'The requested resource does not exist',
      ],
      [
        'an unknown user',
        () =>
          sendParts('admin', `${v58}/connect/user-profiles/${unusedId(KeyPrefix.user)}/photo`, [
            imagePart(image),
          ]),
        404,
        'NOT_FOUND',
        'The requested resource does not exist',
      ],
    ];
    for (const [name, request, status, code, message] of cases) {
      test(`POST photo with ${name} → ${status} ${code}`, async () => {
        const before = await storeState();
        const response = await request();
        const fileId = /Invalid fileId: (\w+)\./.exec(response.json()[0]?.message ?? '')?.[1] ?? '';
        assertError(response, status, code, message.replace('{id}', fileId));
        assert.deepEqual(await storeState(), before);
      });
    }

    test('POST photo with an upload over the file limit → 413, nothing written', async () => {
      const before = await storeState();
      assert.equal((await h.admin('PUT', '/_chatterbox/limits', { maxFileBytes: 1000 })).statusCode, 200);
      try {
        assertError(
          await sendParts('alice', url, [imagePart(Buffer.alloc(5000, 1))]),
          413,
          'REQUEST_ENTITY_TOO_LARGE',
          'The file exceeds the limit of 1000 bytes.',
        );
      } finally {
        await h.admin('PUT', '/_chatterbox/limits', { maxFileBytes: 100 * 1024 * 1024 });
      }
      assert.deepEqual(await storeState(), before);
    });
  });

  test('reset removes every photo', async () => {
    const set = await sendParts('alice', `${v58}/connect/user-profiles/me/photo`, [imagePart(image)]);
    assert.equal(set.statusCode, 201, set.body);
    assert.equal((await h.admin('POST', '/_chatterbox/reset')).statusCode, 200);
    const state = await storeState();
    assert.deepEqual(state.photos, []);
    assert.deepEqual(
      [...state.users, ...state.groups].filter((row) => row.photo_id !== null),
      [],
    );
    assert.equal((await h.request({ method: 'GET', url: set.json().largePhotoUrl })).statusCode, 404);
  });
});

describe('photo URLs under --public-url (SPEC §12.8)', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness({ publicUrl: 'https://chatter.example.com/' });
  });
  after(() => h.close());

  test('every photo URL is absolute under the public URL, whatever Host the request had', async () => {
    const token = await h.login('bob@acme.example');
    const body = multipart([
      { name: 'fileUpload', filename: 'p.png', contentType: 'image/png', data: await halves() },
    ]);
    const set = await h.request({
      method: 'POST',
      url: `${v58}/chatter/users/me/photo`,
      token,
      headers: { host: 'internal:8080', ...body.headers },
      payload: body.payload,
    });
    const bob = set.json().url.split('/').at(-2) as string;
    assertJson(
      set,
      201,
      photoShape(bob, userPhotoUrl(v58, bob), photoIdOf(set), 'https://chatter.example.com'),
    );
  });
});

function photoIdOf(response: LightMyRequestResponse): string {
  return response.json().photoVersionId;
}
