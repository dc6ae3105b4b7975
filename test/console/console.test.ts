import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { buildConsole, launchBrowser, screenshot } from '../helpers/browser.js';
import { ADMIN_TOKEN, createHarness, type Harness } from '../helpers/harness.js';

const API = '/services/data/v36.0';
/** How the list shows an API path: without `/services/data/`. */
const LISTED = 'v36.0';

/**
 * Retries `check` until it passes (the page updates on its own time), or fails with its last error.
 * The bound only limits how long a failure takes to show: a loaded machine (CI runs two suites at
 * once on two cores, beside Chromium) can take seconds to paint.
 */
async function eventually(check: () => Promise<void>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

describe('the console in Chromium', () => {
  let h: Harness;
  let base: string;
  let browser: Browser;
  let page: Page;
  let alice: string;
  const elsewhere: string[] = [];

  before(async () => {
    const consoleDir = await buildConsole();
    h = await createHarness({}, { consoleDir });
    base = await h.listen();
    alice = await h.login('alice@acme.example');
    await h.admin('DELETE', '/_chatterbox/requests');
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1600, height: 860 } });
    page.on('request', (request) => {
      if (!request.url().startsWith(base) && !request.url().startsWith('data:'))
        elsewhere.push(request.url());
    });
  });
  after(async () => {
    await browser?.close();
    await h?.close();
  });

  /** The list's rows as a person reads them, without the time column. */
  const rows = async () =>
    (await page.locator('table[aria-label="Requests"] tbody tr:not(.spacer)').all()).map(async (row) =>
      (await row.locator('td').allInnerTexts()).slice(1),
    );
  const rowTexts = async () => Promise.all(await rows());
  const asAlice = (path: string, init: RequestInit = {}) =>
    fetch(`${base}${API}${path}`, { ...init, headers: { authorization: `Bearer ${alice}` } });
  const goTo = async (name: 'Requests' | 'Data' | 'Controls') => {
    await page.getByRole('link', { name }).click();
  };

  test('/ leads to the sign-in form; a wrong token is refused; the admin token opens the console', async () => {
    await page.goto(`${base}/`);
    assert.equal(page.url(), `${base}/_chatterbox/console/`);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Chatterbox Console');

    await page.getByLabel('Admin token').fill('not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    assert.equal(
      await page.getByRole('alert').innerText(),
      'That is not the admin token (401 INVALID_SESSION_ID).',
    );

    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // The page's own `GET /` is the first entry.
    await eventually(async () => {
      assert.equal(await page.getByRole('status').innerText(), 'Live · 1 request');
      assert.deepEqual(await rowTexts(), [['GET', '/', '302', '', '', '', await durationOf(0)]]);
    });
    // The token is kept for this tab only.
    assert.deepEqual(
      await page.evaluate(() => [sessionStorage.getItem('chatterbox.adminToken'), localStorage.length]),
      [ADMIN_TOKEN, 0],
    );
  });

  /** The duration cell as shown (it is measured, so it is read back, then checked for its form). */
  async function durationOf(index: number): Promise<string> {
    const text = await page
      .locator('table[aria-label="Requests"] tbody tr:not(.spacer) td.num')
      .nth(index)
      .innerText();
    assert.match(text, /^\d+\.\d$/);
    return text;
  }

  test('a request appears live with its status, errorCode and user', async () => {
    assert.equal((await asAlice('/chatter/users/xyz')).status, 400);
    await eventually(async () => {
      const [first] = await rowTexts();
      assert.deepEqual(first, [
        'GET',
        `${LISTED}/chatter/users/xyz`,
        '400',
        'INVALID_ID_FIELD',
        'alice@acme.example',
        'chatterbox-demo',
        await durationOf(0),
      ]);
    });
    assert.equal(await page.getByRole('status').innerText(), 'Live · 2 requests');
  });

  test('the filters narrow the list by status class, path, user and errorCode', async () => {
    await asAlice('/chatter/users/me');
    await fetch(`${base}${API}/chatter/groups`);
    await eventually(async () =>
      assert.equal(await page.getByRole('status').innerText(), 'Live · 4 requests'),
    );
    const shown = async () => (await rowTexts()).map((cells) => `${cells[0]} ${cells[1]} ${cells[2]}`);

    await page.getByLabel('Status').selectOption('4xx');
    await eventually(async () =>
      assert.deepEqual(await shown(), [
        `GET ${LISTED}/chatter/groups 401`,
        `GET ${LISTED}/chatter/users/xyz 400`,
      ]),
    );
    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('Path').fill('/users/');
    await eventually(async () =>
      assert.deepEqual(await shown(), [
        `GET ${LISTED}/chatter/users/me 200`,
        `GET ${LISTED}/chatter/users/xyz 400`,
      ]),
    );
    await page.getByLabel('Path').fill('');
    await page.getByLabel('User').fill('alice@acme.example');
    await page.getByLabel('errorCode').fill('INVALID_ID_FIELD');
    await eventually(async () => assert.deepEqual(await shown(), [`GET ${LISTED}/chatter/users/xyz 400`]));
    // A filtered list stays live: a new match appears, a request that does not match stays out.
    await asAlice('/chatter/users/nope');
    await asAlice('/chatter/users/me');
    await eventually(async () =>
      assert.deepEqual(await shown(), [
        `GET ${LISTED}/chatter/users/nope 400`,
        `GET ${LISTED}/chatter/users/xyz 400`,
      ]),
    );
    await page.getByLabel('User').fill('');
    await page.getByLabel('errorCode').fill('');
    await eventually(async () =>
      assert.equal(await page.getByRole('status').innerText(), 'Live · 6 requests'),
    );
  });

  test('one click shows the request and the response, with the token redacted', async () => {
    await page.getByRole('cell', { name: `${LISTED}/chatter/users/xyz` }).click();
    const detail = page.getByRole('article', { name: 'Request detail' });
    await eventually(async () =>
      assert.equal(
        await detail.getByRole('heading', { level: 2 }).innerText(),
        `GET ${API}/chatter/users/xyz`,
      ),
    );
    assert.match(
      await detail.locator('.summary').innerText(),
      /^400 INVALID_ID_FIELD · .* · alice@acme\.example · chatterbox-demo$/,
    );
    const request = detail.getByRole('region', { name: 'Request' });
    assert.equal(
      await request.getByRole('row', { name: /^authorization/ }).innerText(),
      'authorization\tBearer [redacted]',
    );
    assert.equal(await request.getByText('No body.').count(), 1);
    const response = detail.getByRole('region', { name: 'Response' });
    assert.equal(
      await response.getByRole('row', { name: /^content-type/ }).innerText(),
      'content-type\tapplication/json;charset=UTF-8',
    );
    assert.equal(
      await response.locator('pre').innerText(),
      JSON.stringify([{ errorCode: 'INVALID_ID_FIELD', message: 'Invalid identifier: xyz' }], null, 2),
    );
    await screenshot(page, 'console-requests.png');
  });

  test('a fault made from the form fails the next request with its status and errorCode', async () => {
    await goTo('Controls');
    const form = page.getByRole('form', { name: 'New fault' });
    await form.getByLabel('Path (glob)').fill('/chatter/users/me');
    await form.getByLabel('Status').fill('503');
    await form.getByLabel('Times').fill('1');
    await form.getByRole('button', { name: 'Add fault' }).click();
    const faults = page.getByRole('region', { name: 'Faults' });
    await eventually(async () =>
      assert.deepEqual(await faults.locator('tbody tr td').allInnerTexts(), [
        'any',
        '/chatter/users/me',
        '503',
        'SERVER_UNAVAILABLE',
        '1',
        '0',
        '',
        'anyone',
        'Delete',
      ]),
    );

    const failed = await asAlice('/chatter/users/me');
    assert.equal(failed.status, 503);
    await goTo('Requests');
    await eventually(async () => {
      const [first] = await rowTexts();
      assert.deepEqual(first?.slice(0, 4), [
        'GET',
        `${LISTED}/chatter/users/me`,
        '503',
        'SERVER_UNAVAILABLE',
      ]);
    });
    await page.getByRole('cell', { name: 'SERVER_UNAVAILABLE' }).click();
    const body = page.getByRole('region', { name: 'Response' }).locator('pre');
    await eventually(async () => assert.deepEqual(JSON.parse(await body.innerText()), await failed.json()));

    // Fired once: it shows so, and the next request runs normally.
    await goTo('Controls');
    await eventually(async () => assert.equal(await faults.locator('tbody tr td').nth(5).innerText(), '1'));
    await faults.getByRole('button', { name: 'Delete' }).click();
    await eventually(async () =>
      assert.equal(await faults.getByText('No faults: every request runs normally.').count(), 1),
    );
    assert.deepEqual((await h.admin('GET', '/_chatterbox/faults')).json(), { faults: [] });
  });

  test('the quota gauges show the live counts of a user × app and of their org', async () => {
    const quotas = page.getByRole('region', { name: 'Quotas' });
    await quotas.getByLabel('Usage of user').fill('alice@acme.example');
    await quotas.getByRole('button', { name: 'Show' }).click();
    const counts = async () => {
      const usage = (await h.admin('GET', '/_chatterbox/limits/usage?username=alice@acme.example')).json();
      return [
        `alice@acme.example × chatterbox-demo, this hour: ${usage.hourly.used} / 1,000,000`,
        `Org ${usage.orgId}, last 24 hours: ${usage.daily.used} / 15,000`,
      ];
    };
    await eventually(async () =>
      assert.deepEqual(await quotas.locator('.gauge span').allInnerTexts(), await counts()),
    );
    // They follow the traffic.
    await asAlice('/chatter/users/me');
    await eventually(async () =>
      assert.deepEqual(await quotas.locator('.gauge span').allInnerTexts(), await counts()),
    );
  });

  test('the clock moves forward from the Controls page', async () => {
    const clock = page.getByRole('region', { name: 'Clock' });
    assert.equal(await clock.getByText(/^Offset/).innerText(), 'Offset +00:00:00 from real time');
    await clock.getByRole('button', { name: '+1 day' }).click();
    await eventually(async () =>
      assert.equal(await clock.getByText(/^Offset/).innerText(), 'Offset +1d 00:00:00 from real time'),
    );
    const shown = Date.parse(
      `${(await clock.locator('.big').innerText()).replace(' UTC', '').replace(' ', 'T')}Z`,
    );
    // A day ahead of real time, give or take what a loaded machine takes to paint the page (the
    // page shows seconds, and a stalled page a few seconds late): a minute tells a moved clock apart.
    assert.ok(Math.abs(shown - (Date.now() + 86_400_000)) < 60_000, 'the page shows the moved clock');
    assert.equal(h.services.clock.offsetMs, 86_400_000);
  });

  test('reset puts everything back, and the list empties', async () => {
    await page.getByRole('button', { name: 'Turn maintenance on' }).click();
    await eventually(async () =>
      assert.equal(
        await page.getByRole('region', { name: 'Maintenance' }).getByRole('status').innerText(),
        'On: the API answers 503 (Retry-After 300 s)',
      ),
    );
    await page.getByRole('button', { name: 'Reset…' }).click();
    await page.getByRole('button', { name: 'Yes, reset' }).click();
    const reset = page.getByRole('region', { name: 'Reset' }).getByRole('status');
    await eventually(async () =>
      assert.match(
        await reset.innerText(),
        /^Reset at \d\d:\d\d:\d\d: data, quotas, clock, faults and journal are back to the start\.$/,
      ),
    );
    assert.equal(h.services.clock.offsetMs, 0);
    assert.equal(h.services.control.maintenance.enabled, false);
    await goTo('Requests');
    await eventually(async () => {
      assert.equal(await page.getByRole('status').innerText(), 'Live · 0 requests');
      assert.deepEqual(await rowTexts(), []);
    });
  });

  test('the Data page shows a feed as Chatter renders it, as a user the console signs in as', async () => {
    // The reset ended every session.
    alice = await h.login('alice@acme.example');
    await goTo('Data');
    // Every org of the server, above the reader's view.
    const orgs = page.getByRole('table', { name: 'Orgs' });
    const demoOrg = (await h.admin('GET', '/_chatterbox/orgs')).json().orgs[0];
    await eventually(async () =>
      assert.deepEqual(await orgs.locator('tbody tr td:nth-child(-n+2)').allInnerTexts(), [
        'Acme',
        demoOrg.id,
      ]),
    );
    await page.getByLabel('Read as').fill('alice@acme.example');
    await page.getByRole('button', { name: 'Open' }).click();
    const feed = page.getByRole('region', { name: 'News feed' });
    await eventually(async () => assert.equal(await feed.getByRole('article').count(), 3));
    const posts = feed.getByRole('article');
    assert.equal(
      await posts.nth(0).locator('.body').innerText(),
      'Thanks @Bob Baker for reviewing the launch plan.',
    );
    assert.equal(await posts.nth(0).locator('.mention').innerText(), '@Bob Baker');
    assert.equal(
      await posts.nth(2).locator('.body').innerText(),
      "Welcome to All Acme! Share what you're working on this week. #welcome",
    );
    assert.equal(await posts.nth(2).locator('footer').innerText(), 'Ada Admin likes this. · 1 comment');
    assert.equal(await posts.nth(2).locator('.comments li').innerText(), 'Bob Baker Glad to be here! 2h ago');
    await screenshot(page, 'console-feed.png');

    // Each entity's JSON, as the API returned it.
    await posts.nth(0).getByText('Raw JSON').click();
    const raw = JSON.parse(await posts.nth(0).locator('details pre').innerText());
    // The console reads with the newest version the server serves.
    const latest = ((await (await fetch(`${base}/services/data`)).json()) as { url: string }[]).at(-1)?.url;
    const page1 = await (
      await fetch(`${base}${latest}/chatter/feeds/news/me/feed-elements?pageSize=25`, {
        headers: { authorization: `Bearer ${alice}` },
      })
    ).json();
    assert.deepEqual(
      { ...raw, relativeCreatedDate: null },
      { ...page1.elements[0], relativeCreatedDate: null },
    );

    await page.getByRole('button', { name: 'Groups' }).click();
    const groups = page.getByRole('table', { name: 'Groups' });
    await eventually(async () => assert.ok((await groups.locator('tbody tr').count()) > 0));
    const listed = await (await asAlice('/chatter/groups?pageSize=250')).json();
    assert.deepEqual(
      await groups.locator('tbody tr td:first-child').allInnerTexts(),
      listed.groups.map((g: { name: string }) => g.name),
    );
  });

  test('no request left this server', () => {
    assert.deepEqual(elsewhere, []);
  });
});

describe('the console, on a journal whose exchanges outgrew their bytes', () => {
  let h: Harness;
  let browser: Browser;

  before(async () => {
    // Two entries, so 8 KiB of exchanges: two lists of users (4 096 characters each) do not fit.
    h = await createHarness({ journalSize: 2 }, { consoleDir: await buildConsole() });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await h?.close();
  });

  test('an entry whose exchange was written over says so; the newer one shows its own', async () => {
    const base = await h.listen();
    const alice = await h.login('alice@acme.example');
    for (let i = 0; i < 2; i++) {
      const listed = await fetch(`${base}${API}/chatter/users?pageSize=50`, {
        headers: { authorization: `Bearer ${alice}` },
      });
      assert.equal(listed.status, 200);
      assert.ok((await listed.text()).length > 4096);
    }
    const page = await browser.newPage({ viewport: { width: 1600, height: 860 } });
    // Straight to the request list, signed in: the page's own requests are not API requests.
    await page.goto(`${base}/_chatterbox/console/`);
    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const cells = page.getByRole('cell', { name: `${LISTED}/chatter/users` });
    await eventually(async () => assert.equal(await cells.count(), 2));
    const detail = page.getByRole('article', { name: 'Request detail' });

    await cells.nth(1).click();
    await eventually(async () =>
      assert.equal(
        await detail.locator('p.hint').innerText(),
        "The journal no longer keeps this request's headers and bodies: newer requests took their room.",
      ),
    );
    assert.equal(await detail.getByRole('region').count(), 0);

    await cells.nth(0).click();
    await eventually(async () => assert.equal(await detail.getByRole('region').count(), 2));
    assert.equal(await detail.getByText('newer requests took their room').count(), 0);
  });
});
