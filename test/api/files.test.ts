import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { makeGroup, signIn } from '../helpers/feed-fixtures.js';
import { err, NOT_FOUND, opts, type Person, userSummary } from '../helpers/feed-shapes.js';
import { type FileFacts, fileDetail, fileSummary, md5, pngOf } from '../helpers/file-shapes.js';
import { createHarness, type Harness, JSON_TYPE } from '../helpers/harness.js';
import { multipart, type Part } from '../helpers/multipart.js';
import { rawDatabase } from '../helpers/store.js';

const v58 = '/services/data/v58.0';

/** Files (SPEC §12.2, §12.8): upload, read, bytes, renditions, rename, delete, batch, shares. */
describe('files (SPEC §12.2)', () => {
  let h: Harness;
  let tokens: Record<string, string>;
  let people: Record<string, Person>;
  let red: Buffer;
  const o = opts('58.0');

  before(async () => {
    // A body limit far below the files': uploads are bound by --max-file-bytes only (SPEC §12.8).
    h = await createHarness({ maxBodyBytes: 4096 });
    ({ tokens, people } = await signIn(h, ['admin', 'alice', 'bob']));
    red = await pngOf(400, 300);
  });
  after(() => h.close());

  const upload = (who: string, parts: Part[], url = `${v58}/connect/files/users/me`) =>
    h.request({ method: 'POST', url, token: tokens[who], ...multipart(parts) });
  const filePart = (name: string, contentType: string, data: Buffer): Part => ({
    name: 'fileData',
    filename: name,
    contentType,
    data,
  });
  const get = (who: string, path: string, headers: Record<string, string> = {}) =>
    h.request({ method: 'GET', url: `${v58}${path}`, token: tokens[who], headers });
  /** What the store says of a file: its dates, for the expected body. */
  const stored = async (id: string) => {
    const [file] = await h.services.store.files.findMany(people.alice?.orgId as string, [id]);
    if (!file) throw new Error(`no file ${id}`);
    return {
      created: new Date(file.createdAt).toISOString(),
      modified: new Date(file.modifiedAt).toISOString(),
    };
  };
  const countRows = async () => {
    const db = rawDatabase(h.services.store);
    const files = await db
      .selectFrom('files')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const chunks = await db
      .selectFrom('file_chunks')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return { files: Number(files.n), chunks: Number(chunks.n) };
  };
  const uploadRed = async (who = 'alice') => {
    const response = await upload(who, [
      {
        name: 'json',
        contentType: 'application/json; charset=UTF-8',
        value: '{"title":"Red","desc":"A red box"}',
      },
      filePart('red.png', 'image/png', red),
    ]);
    assert.equal(response.statusCode, 201, response.body);
    return response.json().id as string;
  };
  const redFacts = async (id: string, owner: Person): Promise<FileFacts> => ({
    id,
    name: 'red.png',
    title: 'Red',
    description: 'A red box',
    mimeType: 'image/png',
    bytes: red,
    image: true,
    owner,
    fileType: 'Png',
    ...(await stored(id)),
  });

  test('POST connect/files/users/me (fileData + json part) is 201 File Detail, every field in order', async () => {
    const response = await upload('alice', [
      { name: 'json', contentType: 'application/json', value: '{"title":"Red","desc":"A red box"}' },
      filePart('red.png', 'image/png', red),
    ]);
    assert.equal(response.statusCode, 201);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    const id = response.json().id as string;
    assert.match(id, /^069/);
    const expected = fileDetail(o, await redFacts(id, people.alice as Person));
    assert.deepEqual(response.json(), expected);
    assert.deepEqual(Object.keys(response.json()), Object.keys(expected));
  });

  test('upload with title/desc parameters; a json part after the file wins over none; defaults from the name', async () => {
    const text = Buffer.from('hello, files\n');
    const plain = await upload('alice', [filePart('notes.final.txt', 'text/plain', text)]);
    assert.equal(plain.statusCode, 201);
    const id = plain.json().id as string;
    const facts: FileFacts = {
      id,
      name: 'notes.final.txt',
      title: 'notes.final',
      description: null,
      mimeType: 'text/plain',
      bytes: text,
      image: false,
      owner: people.alice as Person,
      fileType: 'Text',
      ...(await stored(id)),
    };
    assert.deepEqual(plain.json(), fileDetail(o, facts));
    const params = await upload('alice', [
      filePart('a.csv', 'text/csv', Buffer.from('a,b\n')),
      { name: 'title', value: 'Sheet' },
      { name: 'desc', value: 'numbers' },
    ]);
    assert.equal(params.statusCode, 201);
    assert.deepEqual(
      {
        title: params.json().title,
        description: params.json().description,
        fileType: params.json().fileType,
      },
      { title: 'Sheet', description: 'numbers', fileType: 'Csv' },
    );
  });

  test('versions below 36 answer 404 NOT_FOUND for every files resource', async () => {
    const id = await uploadRed();
    for (const path of [
      '/connect/files/users/me',
      `/connect/files/${id}`,
      `/connect/files/${id}/content`,
      `/connect/files/${id}/rendition`,
      `/connect/files/${id}/file-shares`,
      `/connect/files/batch/${id}`,
    ]) {
      const response = await h.request({
        method: 'GET',
        url: `/services/data/v35.0${path}`,
        token: tokens.alice,
      });
      assert.equal(response.statusCode, 404, path);
      assert.deepEqual(response.json(), NOT_FOUND, path);
    }
  });

  test('GET connect/files/{id}: the owner and an admin (sharingRole Admin) see it; anyone else 404', async () => {
    const id = await uploadRed();
    const facts = await redFacts(id, people.alice as Person);
    const mine = await get('alice', `/connect/files/${id}`);
    assert.equal(mine.statusCode, 200);
    assert.equal(mine.headers['content-type'], JSON_TYPE);
    assert.deepEqual(mine.json(), fileDetail(o, facts));
    const admin = await get('admin', `/connect/files/${id}`);
    assert.deepEqual(admin.json(), fileDetail(o, { ...facts, sharingRole: 'Admin' }));
    const bob = await get('bob', `/connect/files/${id}`);
    assert.equal(bob.statusCode, 404);
    assert.deepEqual(bob.json(), NOT_FOUND);
    const wrongType = await get('alice', `/connect/files/${people.alice?.id}`);
    assert.equal(wrongType.statusCode, 400);
    assert.deepEqual(wrongType.json(), err('INVALID_ID_FIELD', `Invalid identifier: ${people.alice?.id}`));
  });

  test('GET …/content: exact bytes, the type given at upload, disposition, ETag; 304 on a match', async () => {
    const id = await uploadRed();
    const response = await get('alice', `/connect/files/${id}/content`);
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], 'image/png');
    assert.equal(
      response.headers['content-disposition'],
      `attachment; filename="red.png"; filename*=UTF-8''red.png`,
    );
    assert.equal(response.headers.etag, `"${md5(red)}"`);
    assert.equal(response.headers['accept-ranges'], 'bytes');
    assert.equal(response.headers['content-length'], String(red.length));
    assert.ok(response.rawPayload.equals(red));
    const again = await get('alice', `/connect/files/${id}/content`, { 'if-none-match': `"${md5(red)}"` });
    assert.equal(again.statusCode, 304);
    assert.equal(again.rawPayload.length, 0);
    assert.equal((await get('bob', `/connect/files/${id}/content`)).statusCode, 404);
  });

  test('GET …/content with Range: 206 with Content-Range; a suffix range; past the end 416', async () => {
    // Larger than a chunk (256 KB), so ranges cross chunk boundaries.
    const big = Buffer.alloc(600 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7) % 251;
    const created = await upload('alice', [filePart('big.bin', 'application/octet-stream', big)]);
    const id = created.json().id as string;
    const whole = await get('alice', `/connect/files/${id}/content`);
    assert.ok(whole.rawPayload.equals(big));
    const cases: [string, number, number][] = [
      ['bytes=0-9', 0, 9],
      ['bytes=262140-262150', 262140, 262150],
      ['bytes=500000-', 500000, big.length - 1],
      ['bytes=-100', big.length - 100, big.length - 1],
    ];
    for (const [range, start, end] of cases) {
      const response = await get('alice', `/connect/files/${id}/content`, { range });
      assert.equal(response.statusCode, 206, range);
      assert.equal(response.headers['content-range'], `bytes ${start}-${end}/${big.length}`, range);
      assert.equal(response.headers['content-type'], 'application/octet-stream');
      assert.ok(response.rawPayload.equals(big.subarray(start, end + 1)), range);
    }
    const past = await get('alice', `/connect/files/${id}/content`, { range: `bytes=${big.length}-` });
    assert.equal(past.statusCode, 416);
    assert.equal(past.headers['content-range'], `bytes */${big.length}`);
    assert.deepEqual(
      past.json(),
      err('RANGE_NOT_SATISFIABLE', `The requested range is outside the file's ${big.length} bytes.`),
    );
  });

  test('GET …/rendition: real PNG thumbnails in the three sizes; not an image → 404, statuses Na', async () => {
    const id = await uploadRed();
    for (const [type, width, height] of [
      ['THUMB120BY90', 120, 90],
      ['THUMB240BY180', 240, 180],
      ['THUMB720BY480', 400, 300],
    ] as const) {
      const response = await get('alice', `/connect/files/${id}/rendition?type=${type}`);
      assert.equal(response.statusCode, 200, type);
      assert.equal(response.headers['content-type'], 'image/png');
      const meta = await sharp(response.rawPayload).metadata();
      assert.deepEqual([meta.format, meta.width, meta.height], ['png', width, height], type);
    }
    const bad = await get('alice', `/connect/files/${id}/rendition?type=HUGE`);
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(
      bad.json(),
      err('INVALID_INPUT', 'Invalid type: HUGE. Specify THUMB120BY90, THUMB240BY180, THUMB720BY480 or PDF.'),
    );
    const text = await upload('alice', [filePart('t.txt', 'text/plain', Buffer.from('x'))]);
    const textId = text.json().id as string;
    assert.deepEqual([text.json().thumb120By90RenditionStatus, text.json().renditionUrl], ['Na', null]);
    const none = await get('alice', `/connect/files/${textId}/rendition?type=THUMB120BY90`);
    assert.equal(none.statusCode, 404);
    assert.deepEqual(none.json(), NOT_FOUND);
    // A file that only looks like an image (a PNG signature and nothing readable after it).
    const fake = await upload('alice', [
      filePart('fake.png', 'image/png', Buffer.concat([red.subarray(0, 16), Buffer.alloc(50)])),
    ]);
    const broken = await get('alice', `/connect/files/${fake.json().id}/rendition`);
    assert.equal(broken.statusCode, 404);
  });

  test('GET …/rendition: made once per file and size, kept in the store for every server, gone with the file', async () => {
    const id = await uploadRed();
    const db = rawDatabase(h.services.store);
    const kept = () =>
      db
        .selectFrom('file_renditions')
        .select(['type', 'data'])
        .where('file_id', '=', id)
        .orderBy('type')
        .execute();
    const first = await get('bob', `/connect/files/${id}/rendition?type=THUMB240BY180`);
    assert.equal(first.statusCode, 404, 'bob does not see the file');
    const made = await get('alice', `/connect/files/${id}/rendition?type=THUMB240BY180`);
    assert.equal(made.statusCode, 200);
    assert.deepEqual(
      (await kept()).map((r) => [r.type, Buffer.from(r.data).equals(made.rawPayload)]),
      [['THUMB240BY180', true]],
    );
    // The next request (on any server of the store) answers the kept bytes: sharp does not run again.
    const marker = await pngOf(3, 2);
    await db.updateTable('file_renditions').set({ data: marker }).where('file_id', '=', id).execute();
    const again = await get('alice', `/connect/files/${id}/rendition?type=THUMB240BY180`);
    assert.equal(again.statusCode, 200);
    assert.equal(again.headers['content-type'], 'image/png');
    assert.equal(again.rawPayload.equals(marker), true);
    // Another size is made and kept beside it; deleting the file deletes both.
    assert.equal((await get('alice', `/connect/files/${id}/rendition?type=THUMB120BY90`)).statusCode, 200);
    assert.deepEqual(
      (await kept()).map((r) => r.type),
      ['THUMB120BY90', 'THUMB240BY180'],
    );
    const deleted = await h.request({
      method: 'DELETE',
      url: `${v58}/connect/files/${id}`,
      token: tokens.alice,
    });
    assert.equal(deleted.statusCode, 204);
    assert.deepEqual(await kept(), []);
  });

  test('PATCH renames (owner or admin); bad title 400 and nothing changes; DELETE 204, then 404 and no rows', async () => {
    const id = await uploadRed();
    const renamed = await h.request({
      method: 'PATCH',
      url: `${v58}/connect/files/${id}`,
      token: tokens.alice,
      payload: { title: 'Crimson', description: 'Still red' },
    });
    assert.equal(renamed.statusCode, 200);
    assert.deepEqual(
      renamed.json(),
      fileDetail(o, {
        ...(await redFacts(id, people.alice as Person)),
        title: 'Crimson',
        description: 'Still red',
      }),
    );
    const empty = await h.request({
      method: 'PATCH',
      url: `${v58}/connect/files/${id}`,
      token: tokens.admin,
      payload: { title: ' ' },
    });
    assert.equal(empty.statusCode, 400);
    assert.deepEqual(empty.json(), err('INVALID_INPUT', 'Invalid title: specify a title for the file.'));
    assert.equal((await get('alice', `/connect/files/${id}`)).json().title, 'Crimson');
    const bob = await h.request({ method: 'DELETE', url: `${v58}/connect/files/${id}`, token: tokens.bob });
    assert.equal(bob.statusCode, 404);
    const before = await countRows();
    const deleted = await h.request({
      method: 'DELETE',
      url: `${v58}/connect/files/${id}`,
      token: tokens.alice,
    });
    assert.equal(deleted.statusCode, 204);
    assert.equal(deleted.body, '');
    assert.deepEqual(await countRows(), { files: before.files - 1, chunks: before.chunks - 1 });
    assert.deepEqual((await get('alice', `/connect/files/${id}`)).json(), NOT_FOUND);
    assert.equal((await get('alice', `/connect/files/${id}/content`)).statusCode, 404);
  });

  test('GET connect/files/users/{me|id}: the owner pages through their files; others see none of them', async () => {
    const h2 = await createHarness();
    try {
      const token = await h2.login('bob@acme.example');
      const bob = people.bob as Person;
      const ids: string[] = [];
      for (const name of ['one.txt', 'two.txt', 'three.txt']) {
        const response = await h2.request({
          method: 'POST',
          url: `${v58}/connect/files/users/me`,
          token,
          ...multipart([filePart(name, 'text/plain', Buffer.from(name))]),
        });
        ids.push(response.json().id as string);
      }
      const list = (query: string) =>
        h2.request({ method: 'GET', url: `${v58}/connect/files/users/me?${query}`, token });
      const page = await list('pageSize=2');
      assert.equal(page.statusCode, 200);
      assert.equal(page.headers['content-type'], JSON_TYPE);
      const url = `${v58}/connect/files/users/${bob.id}`;
      const summaries = await Promise.all(
        [ids[2], ids[1], ids[0]].map(async (id) => {
          const [file] = await h2.services.store.files.findMany(bob.orgId, [id as string]);
          const name = file?.name as string;
          return fileSummary(o, {
            id: id as string,
            name,
            title: name.replace('.txt', ''),
            description: null,
            mimeType: 'text/plain',
            bytes: Buffer.from(name),
            image: false,
            owner: bob,
            fileType: 'Text',
            created: new Date(file?.createdAt as number).toISOString(),
            modified: new Date(file?.modifiedAt as number).toISOString(),
          });
        }),
      );
      // A keyset token: the created date and ID of the page's last file.
      const token2 = `${summaries[1]?.createdDate},${ids[1]}`;
      assert.deepEqual(page.json(), {
        currentPageUrl: `${url}?pageSize=2`,
        files: summaries.slice(0, 2),
        nextPageUrl: `${url}?page=${token2}&pageSize=2`,
        previousPageUrl: null,
      });
      assert.deepEqual((await list('page=0&pageSize=2')).json(), page.json());
      const second = await list(`page=${token2}&pageSize=2`);
      assert.equal(second.statusCode, 200);
      assert.deepEqual(second.json(), {
        currentPageUrl: `${url}?page=${token2}&pageSize=2`,
        files: summaries.slice(2),
        nextPageUrl: null,
        previousPageUrl: null,
      });
      for (const bad of ['1', 'abc', `${summaries[1]?.createdDate},005000000000001AAA`]) {
        const refused = await list(`page=${encodeURIComponent(bad)}`);
        assert.equal(refused.statusCode, 400);
        assert.deepEqual(
          refused.json(),
          err('INVALID_INPUT', `Invalid page: ${bad}. Specify a page token from an earlier response.`),
        );
      }
      const alice = await h2.login('alice@acme.example');
      const theirs = await h2.request({
        method: 'GET',
        url: `${v58}/connect/files/users/${bob.id}`,
        token: alice,
      });
      assert.deepEqual(theirs.json(), {
        currentPageUrl: `${url}?pageSize=25`,
        files: [],
        nextPageUrl: null,
        previousPageUrl: null,
      });
    } finally {
      await h2.close();
    }
  });

  test('files/batch/{ids}: one result per ID (200, 404, 400); DELETE batch deletes those it may', async () => {
    const mine = await uploadRed();
    const bobs = await uploadRed('bob');
    const got = await get('alice', `/connect/files/batch/${mine},${bobs},xyz`);
    assert.equal(got.statusCode, 200);
    assert.deepEqual(got.json(), {
      hasErrors: true,
      results: [
        { result: fileDetail(o, await redFacts(mine, people.alice as Person)), statusCode: 200 },
        { result: NOT_FOUND, statusCode: 404 },
        { result: err('INVALID_ID_FIELD', 'Invalid identifier: xyz'), statusCode: 400 },
      ],
    });
    const deleted = await h.request({
      method: 'DELETE',
      url: `${v58}/connect/files/batch/${mine},${bobs}`,
      token: tokens.alice,
    });
    assert.equal(deleted.statusCode, 200);
    assert.deepEqual(deleted.json(), {
      hasErrors: true,
      results: [
        { result: null, statusCode: 204 },
        { result: NOT_FOUND, statusCode: 404 },
      ],
    });
    assert.equal((await get('alice', `/connect/files/${mine}`)).statusCode, 404);
    assert.equal((await get('bob', `/connect/files/${bobs}`)).statusCode, 200);
  });

  test('GET …/file-shares: the owner (I), then each post parent that carries it (V), keyset pages', async () => {
    const id = await uploadRed();
    const url = `${v58}/connect/files/${id}/file-shares`;
    const shares = (query = '', who = 'alice') => get(who, `/connect/files/${id}/file-shares${query}`);
    const owner = {
      entity: fileSummary(o, await redFacts(id, people.alice as Person)).owner,
      sharingType: 'I',
    };
    const alone = await shares();
    assert.equal(alone.statusCode, 200);
    assert.equal(alone.headers['content-type'], JSON_TYPE);
    assert.deepEqual(alone.json(), {
      currentPageUrl: `${url}?pageSize=25`,
      linkShare: null,
      nextPageUrl: null,
      previousPageUrl: null,
      shares: [owner],
    });
    // Posted on alice's own profile (not listed again), on bob's, in a group and on a record.
    const group = await makeGroup(h, {
      name: 'Shares Club',
      visibility: 'PublicAccess',
      owner: people.alice?.id as string,
    });
    const account = await h.admin('POST', '/_chatterbox/records', {
      type: 'Account',
      fields: { Name: 'Shares Inc' },
    });
    const bob = people.bob as Person;
    for (const subjectId of ['me', bob.id, group, account.json().Id as string]) {
      const posted = await h.request({
        method: 'POST',
        url: `${v58}/chatter/feed-elements`,
        token: tokens.alice,
        payload: {
          feedElementType: 'FeedItem',
          subjectId,
          body: { messageSegments: [{ type: 'Text', text: 'shared' }] },
          capabilities: { files: { items: [{ id }] } },
        },
      });
      assert.equal(posted.statusCode, 201, posted.body);
    }
    // Each entity as its own resources show it (ID order: record 001…, user 005…, group 0F9…).
    const record = (await get('alice', `/chatter/records/${account.json().Id}`)).json();
    const groupItem = (await get('alice', '/chatter/groups?q=Shares%20Club')).json().groups[0];
    const first = await shares('?pageSize=2');
    assert.deepEqual(first.json(), {
      currentPageUrl: `${url}?pageSize=2`,
      linkShare: null,
      nextPageUrl: `${url}?page=${bob.id}&pageSize=2`,
      previousPageUrl: null,
      shares: [
        owner,
        { entity: record, sharingType: 'V' },
        { entity: userSummary(o, bob), sharingType: 'V' },
      ],
    });
    const second = await shares(`?page=${bob.id}&pageSize=2`);
    assert.deepEqual(second.json(), {
      currentPageUrl: `${url}?page=${bob.id}&pageSize=2`,
      linkShare: null,
      nextPageUrl: null,
      previousPageUrl: null,
      shares: [{ entity: groupItem, sharingType: 'V' }],
    });
    // Bob sees the file through the posts, so he sees its shares; a bad token is 400, nothing else.
    assert.equal((await shares('', 'bob')).statusCode, 200);
    const bad = await shares('?page=abc');
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(
      bad.json(),
      err('INVALID_INPUT', 'Invalid page: abc. Specify a page token from an earlier response.'),
    );
    const theirs = await uploadRed('bob');
    assert.deepEqual((await get('alice', `/connect/files/${theirs}/file-shares`)).json(), NOT_FOUND);
  });

  test('bad uploads: no fileData, not multipart, bad json part, another user, over --max-file-bytes: each leaves no row', async () => {
    const before = await countRows();
    const noFile = await upload('alice', [{ name: 'title', value: 'x' }]);
    assert.equal(noFile.statusCode, 400);
    const missing = err(
      'INVALID_INPUT',
      'Missing required file data: send the file as a multipart part named fileData.',
    );
    assert.deepEqual(noFile.json(), missing);
    const json = await h.request({
      method: 'POST',
      url: `${v58}/connect/files/users/me`,
      token: tokens.alice,
      payload: { title: 'x' },
    });
    assert.equal(json.statusCode, 400);
    assert.deepEqual(json.json(), missing);
    const badJson = await upload('alice', [
      filePart('a.txt', 'text/plain', Buffer.from('a')),
      { name: 'json', value: '{"title":' },
    ]);
    assert.equal(badJson.statusCode, 400);
    assert.deepEqual(badJson.json(), err('JSON_PARSER_ERROR', 'The json part is not valid JSON.'));
    const unknown = await upload('alice', [
      { name: 'json', value: '{"colour":"red"}' },
      filePart('a.txt', 'text/plain', Buffer.from('a')),
    ]);
    assert.deepEqual(unknown.json(), err('JSON_PARSER_ERROR', 'Unrecognized field "colour"'));
    const other = await upload(
      'alice',
      [filePart('a.txt', 'text/plain', Buffer.from('a'))],
      `${v58}/connect/files/users/${people.bob?.id}`,
    );
    assert.equal(other.statusCode, 403);
    assert.deepEqual(other.json(), err('INSUFFICIENT_ACCESS', "You can't upload files for another user."));
    await h.admin('PUT', '/_chatterbox/limits', { maxFileBytes: 300_000 });
    try {
      const big = await upload('alice', [
        filePart('big.bin', 'application/octet-stream', Buffer.alloc(300_001)),
      ]);
      assert.equal(big.statusCode, 413);
      assert.equal(big.headers['content-type'], JSON_TYPE);
      assert.deepEqual(
        big.json(),
        err('REQUEST_ENTITY_TOO_LARGE', 'The file exceeds the limit of 300000 bytes.'),
      );
      const exact = await upload('alice', [
        filePart('ok.bin', 'application/octet-stream', Buffer.alloc(300_000)),
      ]);
      assert.equal(exact.statusCode, 201);
      assert.equal(exact.json().contentSize, 300_000);
      await h.request({
        method: 'DELETE',
        url: `${v58}/connect/files/${exact.json().id}`,
        token: tokens.alice,
      });
    } finally {
      await h.admin('PUT', '/_chatterbox/limits', { maxFileBytes: 100 * 1024 * 1024 });
    }
    assert.deepEqual(await countRows(), before);
  });

  test('a client that stops sending halfway leaves no file, row or chunk behind', async () => {
    const base = await h.listen();
    const before = await countRows();
    const { payload, headers } = multipart([
      filePart('cut.bin', 'application/octet-stream', Buffer.alloc(900_000, 1)),
    ]);
    const { port } = new URL(base);
    let wrote = 0;
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(
          `POST ${v58}/connect/files/users/me HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${tokens.alice}\r\n` +
            `Content-Type: ${headers['content-type']}\r\nContent-Length: ${payload.length}\r\n\r\n`,
        );
        // More than two chunks' worth arrives; once rows are written, the client is gone. (The
        // polls below are bounded generously: they end as soon as the store shows the change, and
        // a loaded machine can take seconds to get there.)
        socket.write(payload.subarray(0, 700_000), async () => {
          for (let i = 0; i < 600 && (await countRows()).chunks <= before.chunks; i++)
            await new Promise((r) => setTimeout(r, 50));
          wrote = (await countRows()).chunks - before.chunks;
          socket.destroy();
        });
      });
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });
    assert.ok(wrote >= 1, `chunks written before the cut: ${wrote}`);
    // The server notices the closed socket and removes what it wrote.
    for (let i = 0; i < 300; i++) {
      const rows = await countRows();
      if (rows.files === before.files && rows.chunks === before.chunks) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(await countRows(), before);
  });

  test('reset drops every file and its bytes', async () => {
    await uploadRed();
    assert.notDeepEqual(await countRows(), { files: 0, chunks: 0 });
    const reset = await h.admin('POST', '/_chatterbox/reset');
    assert.equal(reset.statusCode, 200);
    assert.deepEqual(await countRows(), { files: 0, chunks: 0 });
    ({ tokens, people } = await signIn(h, ['admin', 'alice', 'bob']));
  });
});
