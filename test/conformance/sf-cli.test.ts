import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { UserRecord } from '../../src/store/records.js';
import { createHarness, type Harness } from '../helpers/harness.js';
import { demoUser } from '../helpers/oauth.js';
import {
  exhaustHourly,
  HOURLY_MESSAGE,
  lastJournalId,
  lines,
  mentionPost,
  openHourly,
  requestsSince,
} from './flow.js';
import { isolatedSalesforceHome, NODE22 } from './node22.js';

/**
 * The Salesforce CLI (@salesforce/cli 2.150.6, under Node 22) as an integrator uses it on a
 * Chatterbox org: `sf org login access-token`, then `sf api request rest` for reads, a post and a
 * delete, and `sf limits api display`, in an isolated HOME. Each command starts the CLI afresh
 * (several seconds), so the flow is kept to the commands that matter.
 */
const SF = fileURLToPath(new URL('../../node_modules/@salesforce/cli/bin/run.js', import.meta.url));
const BOUNDED = { timeout: 60_000 };
const V = '/services/data/v66.0';
const ADMIN = 'admin@acme.example';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('the Salesforce CLI (sf 2.150.6) against Chatterbox', () => {
  let h: Harness;
  let base: string;
  let admin: UserRecord;
  let alice: UserRecord;
  let token: string;
  let sandbox: ReturnType<typeof isolatedSalesforceHome>;
  let postId: string;

  before(async () => {
    h = await createHarness();
    base = await h.listen();
    admin = await demoUser(h, ADMIN);
    alice = await demoUser(h, 'alice@acme.example');
    token = await h.login(ADMIN);
    sandbox = isolatedSalesforceHome();
  });
  after(async () => {
    sandbox.cleanup();
    h.app.server.closeAllConnections();
    await h.close();
  });

  const sf = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    new Promise<Run>((resolve) => {
      execFile(
        NODE22,
        [SF, ...args],
        { env: { ...sandbox.env, ...env }, timeout: 50_000, maxBuffer: 16 * 1024 * 1024 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
    });
  const rest = (path: string, ...more: string[]) =>
    sf(['api', 'request', 'rest', path, '-o', ADMIN, ...more]);
  const direct = async (path: string) => {
    const response = await h.request({
      method: 'GET',
      url: path,
      token,
      headers: { host: new URL(base).host },
    });
    assert.equal(response.statusCode, 200, response.body);
    return response.json();
  };

  test(
    'sf org login access-token --instance-url …/ --no-prompt: the username from sobjects/User',
    BOUNDED,
    async () => {
      const since = await lastJournalId(h);
      // A trailing slash, as people paste an instance URL: every later command then asks for //services/….
      const run = await sf(
        ['org', 'login', 'access-token', '--instance-url', `${base}/`, '--no-prompt', '--json'],
        {
          SF_ACCESS_TOKEN: token,
        },
      );
      assert.equal(run.code, 0, run.stdout + run.stderr);
      const { status, result } = JSON.parse(run.stdout);
      assert.equal(status, 0);
      assert.deepEqual(
        { username: result.username, orgId: result.orgId, instanceUrl: result.instanceUrl },
        { username: ADMIN, orgId: admin.orgId, instanceUrl: `${base}/` },
      );
      // The token is redacted from the output (it matches the CLI's (00D\w{12,15})![.\w]* pattern).
      assert.ok(!run.stdout.includes(token.split('!')[1] as string));
      const seen = lines(await requestsSince(h, since));
      assert.ok(seen.includes('GET /services/oauth2/userinfo 200'), seen.join('\n'));
      assert.ok(seen.includes(`GET /services/data/v51.0/sobjects/User/${admin.id} 200`), seen.join('\n'));
    },
  );

  test(
    'sf api request rest: GET users/me, sent as //services/… and answered as served',
    BOUNDED,
    async () => {
      const since = await lastJournalId(h);
      const run = await rest(`${V}/chatter/users/me`);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.deepEqual(JSON.parse(run.stdout), await direct(`${V}/chatter/users/me`));
      assert.deepEqual(lines(await requestsSince(h, since)).at(-1), `GET ${V}/chatter/users/me 200`);
    },
  );

  test('sf api request rest -X POST: a post with a mention; -X DELETE removes it', BOUNDED, async () => {
    const body = JSON.stringify(mentionPost('Posted from sf ', alice.id, 'me'));
    const posted = await rest(`${V}/chatter/feed-elements`, '-X', 'POST', '-b', body);
    assert.equal(posted.code, 0, posted.stdout + posted.stderr);
    const post = JSON.parse(posted.stdout);
    postId = post.id;
    assert.deepEqual(post, await direct(`${V}/chatter/feed-elements/${postId}`));
    assert.equal(post.body.messageSegments[1].record.id, alice.id);
    const since = await lastJournalId(h);
    // Every method but GET needs a body flag: `-b ""`, which the CLI's help offers for "no body",
    // fails in the CLI itself ("No 'mode' found in 'body' entry"; docs/clients.md), so: `-b '{}'`.
    const deleted = await rest(`${V}/chatter/feed-elements/${postId}`, '-X', 'DELETE', '-b', '{}');
    assert.equal(deleted.code, 0, deleted.stdout + deleted.stderr);
    assert.equal(deleted.stdout.trim(), '');
    assert.deepEqual(
      lines(await requestsSince(h, since)).at(-1),
      `DELETE ${V}/chatter/feed-elements/${postId} 204`,
    );
  });

  test('an error: the body is printed as served and the exit code is 1', BOUNDED, async () => {
    const run = await rest(`${V}/chatter/feed-elements/${postId}`);
    assert.equal(run.code, 1);
    assert.deepEqual(JSON.parse(run.stdout), [
      { errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' },
    ]);
  });

  test('sf limits api display: the daily quota from /limits', BOUNDED, async () => {
    const run = await sf(['limits', 'api', 'display', '-o', ADMIN, '--json']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const daily = JSON.parse(run.stdout).result.find((l: { name: string }) => l.name === 'DailyApiRequests');
    const served = await direct(`${V}/limits`);
    assert.equal(daily.max, served.DailyApiRequests.Max);
    // The CLI's own request counted once more after the one that answered it.
    assert.ok(daily.remaining >= served.DailyApiRequests.Remaining, JSON.stringify(daily));
  });

  test(
    'the hourly 503: a GET is retried twice after 1 s and 2 s, then printed with exit code 1',
    BOUNDED,
    async () => {
      await exhaustHourly(h);
      const since = await lastJournalId(h);
      let run: Run;
      const started = Date.now();
      try {
        run = await rest(`${V}/chatter/groups?pageSize=5`);
      } finally {
        await openHourly(h);
      }
      assert.equal(run.code, 1);
      assert.deepEqual(JSON.parse(run.stdout), [
        { errorCode: 'REQUEST_LIMIT_EXCEEDED', message: HOURLY_MESSAGE },
      ]);
      const rows = (await requestsSince(h, since)).filter((r) => r.path === `${V}/chatter/groups`);
      assert.deepEqual(
        rows.map((r) => [r.status, r.retryOf]),
        [
          [503, null],
          [503, rows[0]?.id],
          [503, rows[1]?.id],
        ],
      );
      assert.ok(Date.now() - started >= 3000, 'got backs off 1 s, then 2 s');
    },
  );

  test('no file the CLI wrote in its HOME holds the access token in clear', BOUNDED, async () => {
    const secret = token.split('!')[1] as string;
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        return statSync(path).isDirectory() ? files(path) : [path];
      });
    const written = files(sandbox.home);
    assert.ok(written.length > 0);
    for (const path of written) assert.ok(!readFileSync(path, 'utf8').includes(secret), path);
  });
});
