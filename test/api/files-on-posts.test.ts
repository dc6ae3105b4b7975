import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { makeGroup, signIn } from '../helpers/feed-fixtures.js';
import {
  commentShape,
  err,
  feedItem,
  NOT_FOUND,
  nameOf,
  opts,
  type Person,
  storedComment,
  storedPost,
  text,
  userSummary,
} from '../helpers/feed-shapes.js';
import { contentCapability, deletedContent, type FileFacts, pngOf } from '../helpers/file-shapes.js';
import { createHarness, type Harness, JSON_TYPE } from '../helpers/harness.js';
import { multipart } from '../helpers/multipart.js';
import { rawDatabase } from '../helpers/store.js';

/** Files on posts and comments (SPEC §12.2, §12.8; F2 §2.4). */
describe('files on posts and comments (SPEC §12.2)', () => {
  let h: Harness;
  let tokens: Record<string, string>;
  let people: Record<string, Person>;
  let red: Buffer;
  const o = opts('58.0');

  before(async () => {
    h = await createHarness();
    ({ tokens, people } = await signIn(h, ['admin', 'alice', 'bob']));
    red = await pngOf(64, 48);
  });
  after(() => h.close());

  const request = (
    who: string,
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: unknown,
  ) =>
    h.request({
      method,
      url,
      token: tokens[who],
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });
  /** Uploads red.png as `who`; returns its facts and its version ID. */
  const uploadRed = async (who = 'alice', title = 'Red') => {
    const response = await h.request({
      method: 'POST',
      url: `/services/data/v58.0/connect/files/users/me?title=${title}`,
      token: tokens[who],
      ...multipart([{ name: 'fileData', filename: 'red.png', contentType: 'image/png', data: red }]),
    });
    assert.equal(response.statusCode, 201, response.body);
    const id = response.json().id as string;
    const [file] = await h.services.store.files.findMany(people.alice?.orgId as string, [id]);
    const facts: FileFacts = {
      id,
      name: 'red.png',
      title,
      description: null,
      mimeType: 'image/png',
      bytes: red,
      image: true,
      owner: people[who] as Person,
      created: '',
      modified: '',
      fileType: 'Png',
    };
    return { id, facts, versionId: file?.versionId as string };
  };
  const post = (who: string, version: string, capabilities: unknown, subjectId = 'me') =>
    request(who, 'POST', `/services/data/v${version}/chatter/feed-elements`, {
      feedElementType: 'FeedItem',
      subjectId,
      body: { messageSegments: [{ type: 'Text', text: 'see attached' }] },
      capabilities,
    });
  const countPosts = async () =>
    Number(
      (
        await rawDatabase(h.services.store)
          .selectFrom('feed_elements')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  test('POST with capabilities.files (v36+) is a ContentPost whose files.items are Content Capabilities', async () => {
    const alice = people.alice as Person;
    const one = await uploadRed();
    const two = await uploadRed('alice', 'Second');
    const response = await post('alice', '58.0', { files: { items: [{ id: one.id }, { id: two.id }] } });
    assert.equal(response.statusCode, 201, response.body);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    const id = response.json().id as string;
    const items = [
      contentCapability(o, one.facts, one.versionId),
      contentCapability(o, two.facts, two.versionId),
    ];
    assert.deepEqual(
      response.json(),
      feedItem(o, {
        id,
        actor: alice,
        parent: userSummary(o, alice),
        header: nameOf(alice),
        plain: 'see attached',
        segments: [text(o, 'see attached')],
        createdAt: Number((await storedPost(h, id)).created_at),
        isDeleteRestricted: false,
        clientName: 'Chatterbox Demo',
        files: { files: { items } },
      }),
    );
    const capability = await request(
      'bob',
      'GET',
      `/services/data/v58.0/chatter/feed-elements/${id}/capabilities/files`,
    );
    assert.equal(capability.statusCode, 200);
    assert.deepEqual(capability.json(), { items });
    const v36 = await request(
      'bob',
      'GET',
      `/services/data/v36.0/chatter/feed-elements/${id}/capabilities/files`,
    );
    assert.equal(v36.statusCode, 404);
    assert.deepEqual(v36.json(), NOT_FOUND);
    const plain = await post('alice', '58.0', undefined);
    const none = await request(
      'bob',
      'GET',
      `/services/data/v58.0/chatter/feed-elements/${plain.json().id}/capabilities/files`,
    );
    assert.equal(none.statusCode, 404);
    assert.deepEqual(none.json(), NOT_FOUND);
  });

  test('who can see a post sees its file (Viewer, PublicAccess); renaming or deleting it is 403 for them', async () => {
    const file = await uploadRed();
    assert.equal(
      (await request('bob', 'GET', `/services/data/v58.0/connect/files/${file.id}`)).statusCode,
      404,
    );
    await post('alice', '58.0', { files: { items: [{ id: file.id }] } });
    const seen = await request('bob', 'GET', `/services/data/v58.0/connect/files/${file.id}`);
    assert.equal(seen.statusCode, 200);
    assert.deepEqual([seen.json().sharingRole, seen.json().publishStatus], ['Viewer', 'PublicAccess']);
    const bytes = await request('bob', 'GET', `/services/data/v58.0/connect/files/${file.id}/content`);
    assert.ok(bytes.rawPayload.equals(red));
    const rename = await request('bob', 'PATCH', `/services/data/v58.0/connect/files/${file.id}`, {
      title: 'Mine',
    });
    assert.equal(rename.statusCode, 403);
    assert.deepEqual(
      rename.json(),
      err('INSUFFICIENT_ACCESS', "You don't have permission to edit this file."),
    );
    const remove = await request('bob', 'DELETE', `/services/data/v58.0/connect/files/${file.id}`);
    assert.equal(remove.statusCode, 403);
    assert.deepEqual(
      remove.json(),
      err('INSUFFICIENT_ACCESS', "You don't have permission to delete this file."),
    );
    assert.equal(
      (await request('alice', 'GET', `/services/data/v58.0/connect/files/${file.id}`)).json().title,
      'Red',
    );
  });

  test('a file on a private group post is seen by its members only', async () => {
    const groupId = await makeGroup(h, {
      name: 'Secret files',
      visibility: 'PrivateAccess',
      owner: people.alice?.id as string,
    });
    const file = await uploadRed();
    const response = await post('alice', '58.0', { files: { items: [{ id: file.id }] } }, groupId);
    assert.equal(response.statusCode, 201, response.body);
    assert.equal(
      (await request('bob', 'GET', `/services/data/v58.0/connect/files/${file.id}`)).statusCode,
      404,
    );
    assert.equal(
      (await request('admin', 'GET', `/services/data/v58.0/connect/files/${file.id}`)).statusCode,
      200,
    );
  });

  test('11 files, a file the author cannot see, a malformed ID: 400 and no post', async () => {
    const mine = await uploadRed();
    const bobs = await uploadRed('bob');
    const before = await countPosts();
    const eleven = Array.from({ length: 11 }, () => null);
    const ids: { id: string }[] = [];
    for (const _ of eleven) ids.push({ id: (await uploadRed()).id });
    const tooMany = await post('alice', '58.0', { files: { items: ids } });
    assert.equal(tooMany.statusCode, 400);
    assert.deepEqual(
      tooMany.json(),
      err('INVALID_INPUT', "You can't attach more than 10 files to a feed element."),
    );
    const unseen = await post('alice', '58.0', { files: { items: [{ id: mine.id }, { id: bobs.id }] } });
    assert.equal(unseen.statusCode, 400);
    assert.deepEqual(
      unseen.json(),
      err('INVALID_INPUT', `You can't attach a file that doesn't exist or that you can't see: ${bobs.id}.`),
    );
    const malformed = await post('alice', '58.0', { files: { items: [{ id: 'nope' }] } });
    assert.equal(malformed.statusCode, 400);
    assert.deepEqual(malformed.json(), err('INVALID_ID_FIELD', 'Invalid identifier: nope'));
    const ten = await post('alice', '58.0', { files: { items: ids.slice(0, 10) } });
    assert.equal(ten.statusCode, 201);
    assert.equal(ten.json().capabilities.files.items.length, 10);
    assert.equal(await countPosts(), before + 1);
  });

  test('versions 32–35 use capabilities.content on posts; each key is unknown in the other versions', async () => {
    const alice = people.alice as Person;
    const file = await uploadRed();
    const o35 = opts('35.0');
    const response = await post('alice', '35.0', { content: { contentDocumentId: file.id } });
    assert.equal(response.statusCode, 201, response.body);
    const id = response.json().id as string;
    assert.deepEqual(
      response.json(),
      feedItem(o35, {
        id,
        actor: alice,
        parent: userSummary(o35, alice),
        header: nameOf(alice),
        plain: 'see attached',
        segments: [text(o35, 'see attached')],
        createdAt: Number((await storedPost(h, id)).created_at),
        isDeleteRestricted: false,
        clientName: 'Chatterbox Demo',
        files: { content: contentCapability(o35, file.facts, file.versionId) },
      }),
    );
    const files35 = await post('alice', '35.0', { files: { items: [{ id: file.id }] } });
    assert.equal(files35.statusCode, 400);
    assert.deepEqual(files35.json(), err('JSON_PARSER_ERROR', 'Unrecognized field "files"'));
    const content58 = await post('alice', '58.0', { content: { contentDocumentId: file.id } });
    assert.equal(content58.statusCode, 400);
    assert.deepEqual(content58.json(), err('JSON_PARSER_ERROR', 'Unrecognized field "content"'));
  });

  test('a comment carries a file in capabilities.content (ContentComment)', async () => {
    const bob = people.bob as Person;
    const target = await post('alice', '58.0', undefined);
    const postId = target.json().id as string;
    const file = await uploadRed('bob');
    const response = await request(
      'bob',
      'POST',
      `/services/data/v58.0/chatter/feed-elements/${postId}/capabilities/comments/items`,
      {
        body: { messageSegments: [{ type: 'Text', text: 'here' }] },
        capabilities: { content: { contentDocumentId: file.id } },
      },
    );
    assert.equal(response.statusCode, 201, response.body);
    const id = response.json().id as string;
    assert.deepEqual(
      response.json(),
      commentShape(o, {
        id,
        feedElementId: postId,
        parent: { id: people.alice?.id as string, kind: 'users' },
        user: bob,
        plain: 'here',
        segments: [text(o, 'here')],
        createdAt: Number((await storedComment(h, id)).created_at),
        isDeleteRestricted: false,
        content: contentCapability(o, file.facts, file.versionId),
      }),
    );
    // Alice sees Bob's file through the comment on her post.
    assert.equal(
      (await request('alice', 'GET', `/services/data/v58.0/connect/files/${file.id}`)).statusCode,
      200,
    );
    const read = await request('alice', 'GET', `/services/data/v58.0/chatter/feed-elements/${postId}`);
    assert.deepEqual(read.json().capabilities.comments.page.items[0].capabilities, {
      content: contentCapability(o, file.facts, file.versionId),
    });
  });

  test('a deleted file stays in its posts with every property null', async () => {
    const file = await uploadRed();
    const other = await uploadRed();
    const created = await post('alice', '58.0', { files: { items: [{ id: file.id }, { id: other.id }] } });
    const id = created.json().id as string;
    const deleted = await request('alice', 'DELETE', `/services/data/v58.0/connect/files/${file.id}`);
    assert.equal(deleted.statusCode, 204);
    const read = await request(
      'bob',
      'GET',
      `/services/data/v58.0/chatter/feed-elements/${id}/capabilities/files`,
    );
    assert.equal(read.statusCode, 200);
    assert.deepEqual(read.json(), {
      items: [deletedContent(), contentCapability(o, other.facts, other.versionId)],
    });
    const whole = await request('bob', 'GET', `/services/data/v58.0/chatter/feed-elements/${id}`);
    assert.equal(whole.json().type, 'ContentPost');
  });
});
