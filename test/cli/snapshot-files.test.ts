import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { freshStoreArgs, runCli, startServe, stopAllServers } from '../helpers/cli.js';
import { createHarness } from '../helpers/harness.js';

const SLOW = { timeout: 240_000 };
after(stopAllServers);

describe('serve --import FILE and --export-on-exit FILE (issue 15 item 5, decision 0030)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chatterbox-snapshot-'));
  const store = freshStoreArgs();
  after(async () => {
    await store.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a snapshot imported at start is served, and written back unchanged on exit', SLOW, async () => {
    // The snapshot of a demo org with a post more than the demo's.
    const source = await createHarness();
    let snapshot: { sections: { feed_elements: { text: string }[] } };
    try {
      const token = await source.login('alice@acme.example');
      const post = await source.request({
        method: 'POST',
        url: '/services/data/v36.0/chatter/feed-elements',
        token,
        payload: { feedElementType: 'FeedItem', subjectId: 'me', text: 'from the snapshot' },
      });
      assert.equal(post.statusCode, 201);
      snapshot = (await source.admin('GET', '/_chatterbox/snapshot')).json();
    } finally {
      await source.close();
    }
    const input = join(dir, 'in.json');
    const output = join(dir, 'out.json');
    writeFileSync(input, JSON.stringify(snapshot));
    const server = await startServe([
      ...store.args,
      '--port',
      '0',
      '--admin-token',
      'cli-admin',
      '--import',
      input,
      '--export-on-exit',
      output,
    ]);
    const login = await fetch(`${server.url}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'password',
        client_id: 'chatterbox-demo',
        client_secret: 'chatterbox-demo-secret',
        username: 'alice@acme.example',
        password: 'demo-password-1',
      }),
    });
    assert.equal(login.status, 200);
    const { access_token } = (await login.json()) as { access_token: string };
    const feed = await fetch(`${server.url}/services/data/v36.0/chatter/feeds/news/me/feed-elements`, {
      headers: { authorization: `Bearer ${access_token}` },
    });
    const texts = ((await feed.json()) as { elements: { body: { text: string } }[] }).elements.map(
      (e) => e.body.text,
    );
    assert.ok(texts.includes('from the snapshot'), texts.join(' | '));
    assert.equal(await server.stop(), 0);
    assert.deepEqual(JSON.parse(readFileSync(output, 'utf8')), snapshot);
  });

  test(
    'a file that is missing, not JSON or not a snapshot: one line naming --import, exit 1',
    SLOW,
    async () => {
      const notJson = join(dir, 'not.json');
      writeFileSync(notJson, '{"format":');
      const wrong = join(dir, 'wrong.json');
      writeFileSync(wrong, JSON.stringify({ format: 'chatterbox-snapshot', version: 9 }));
      const missing = join(dir, 'missing.json');
      for (const [file, message] of [
        [missing, `chatterbox: --import ${missing}: no such file\n`],
        [
          wrong,
          `chatterbox: --import ${wrong}: Invalid snapshot: version 9 is not supported (this server reads 1).\n`,
        ],
      ] as const) {
        const result = await runCli(['serve', ...store.args, '--port', '0', '--import', file]);
        assert.deepEqual({ code: result.code, stderr: result.stderr }, { code: 1, stderr: message });
      }
      const result = await runCli(['serve', ...store.args, '--port', '0', '--import', notJson]);
      assert.equal(result.code, 1);
      assert.match(result.stderr, new RegExp(`^chatterbox: --import ${notJson}: not JSON \\(.+\\)\\n$`));
    },
  );
});
