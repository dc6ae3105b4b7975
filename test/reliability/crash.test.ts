import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { freshStoreArgs, type Server, startServe, stopAllServers } from '../helpers/cli.js';
import { testStore } from '../helpers/harness.js';
import { Client } from '../helpers/outage.js';

/** Rounds of kill -9 under write load: a few in `npm test`, more with `npm run crash`. */
const ROUNDS = Number(process.env.CHATTERBOX_CRASH_ROUNDS ?? 2);
const WRITERS = 8;
const MIN_WRITES_PER_ROUND = 10;
const API = '/services/data/v36.0/chatter';

/**
 * Issue 9: every write the server acknowledged (201 with an ID) survives a kill -9 of the server
 * in the middle of concurrent writes, on both stores. Each round starts `chatterbox serve` on the
 * same store, writes from several clients at once, and kills the process at a random moment; then
 * a last server reads back every acknowledged post, with the text it was written with.
 */
describe(`kill -9 under concurrent writes (${testStore}, ${ROUNDS} rounds)`, () => {
  const store = freshStoreArgs();
  const args = [
    ...store.args,
    '--demo',
    '--port',
    '0',
    '--log-level',
    // warn, not silent: the banner (the listening URL the helper waits for) is logged at info or
    // above, and a silent server would never say where it listens.
    'warn',
    '--hourly-limit',
    '1000000',
    '--daily-limit',
    '1000000',
  ];
  after(async () => {
    await stopAllServers();
    await store.cleanup();
  });

  test('every acknowledged post is readable after a restart on the same store', async () => {
    const acknowledged = new Map<string, string>();
    let token = '';
    for (let round = 0; round < ROUNDS; round++) {
      const client = new Client(await startServe(args));
      if (token) client.token = token;
      else await client.signIn();
      token = client.token;
      let writing = true;
      let inRound = 0;
      const writers = Array.from({ length: WRITERS }, async (_, writer) => {
        for (let n = 0; writing; n++) {
          const text = `round ${round} writer ${writer} post ${n}`;
          const id = await post(client.server, token, text).catch(() => undefined);
          if (id) {
            acknowledged.set(id, text);
            inRound++;
          } else if (writing) await sleep(5);
        }
      });
      // Once writes stream in steadily (a loaded machine starts slowly), at a random moment.
      for (let waited = 0; inRound < MIN_WRITES_PER_ROUND && waited < 60_000; waited += 20) await sleep(20);
      await sleep(Math.random() * 300);
      await client.server.kill();
      writing = false;
      await Promise.all(writers);
    }
    assert.ok(
      acknowledged.size >= ROUNDS * MIN_WRITES_PER_ROUND,
      `only ${acknowledged.size} posts were acknowledged`,
    );

    const reader = new Client(await startServe(args));
    const ids = [...acknowledged.keys()];
    const missing: string[] = [];
    for (let i = 0; i < ids.length; i += 100) {
      const chunk = ids.slice(i, i + 100);
      const response = await fetch(`${reader.server.url}${API}/feed-elements/batch/${chunk.join(',')}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(response.status, 200);
      const { results } = (await response.json()) as {
        results: { statusCode: number; result: { id: string; body: { text: string } } }[];
      };
      results.forEach((item, k) => {
        const id = chunk[k] as string;
        if (item.statusCode !== 200 || item.result.body.text !== acknowledged.get(id)) missing.push(id);
      });
    }
    assert.deepEqual(missing, [], `${missing.length} of ${ids.length} acknowledged posts were lost`);
    process.stdout.write(
      `# crash ${testStore}: ${ROUNDS} kill -9, ${ids.length} acknowledged posts, none lost\n`,
    );
  });
});

/** POST a feed item; its ID once the server answered 201, else undefined. */
async function post(server: Server, token: string, text: string): Promise<string | undefined> {
  const response = await fetch(`${server.url}${API}/feed-elements`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      subjectId: 'me',
      feedElementType: 'FeedItem',
      body: { messageSegments: [{ type: 'Text', text }] },
    }),
  });
  if (response.status !== 201) {
    await response.body?.cancel();
    return undefined;
  }
  return ((await response.json()) as { id: string }).id;
}
