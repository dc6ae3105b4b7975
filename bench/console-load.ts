// `npm run build && node --import tsx bench/console-load.ts [--posts 100000] [--journal 10000] [--rate 1000]`:
// how fast the console's pages load on a big server, and whether its list stays live under load.
// One SQLite server (the built CLI, so the console is served from dist/web as `npm start` serves
// it) with `--journal-size`, `chatterbox seed --posts`, a journal filled to the brim; then
// Debian's Chromium opens each page five times (median), and a marker request is timed from
// sending to showing on the page while autocannon holds `--rate` API requests per second.
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../test/helpers/browser.js';
import { ADMIN_TOKEN, BUILT_CLI, login, seedPosts, sqliteStore, startChatterbox } from './lib/chatterbox.js';

const { values } = parseArgs({
  options: {
    posts: { type: 'string', default: '100000' },
    journal: { type: 'string', default: '10000' },
    rate: { type: 'string', default: '1000' },
  },
});
const posts = Number(values.posts);
const journalSize = Number(values.journal);
const rate = Number(values.rate);
const cwd = process.cwd();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const store = sqliteStore();
const seeded = await seedPosts(BUILT_CLI, store, posts, cwd);
console.log(`seed ${posts} posts: ${JSON.stringify(seeded)}`);
const server = await startChatterbox(BUILT_CLI, store, {
  cwd,
  extraArgs: ['--journal-size', String(journalSize)],
});
const browser = await launchBrowser();
try {
  const alice = await login(server, 'alice@acme.example');
  const me = { url: server.url, headers: { authorization: `Bearer ${alice}` } };
  await autocannon({
    ...me,
    connections: 10,
    amount: journalSize,
    requests: [{ path: '/services/data/v36.0/chatter/users/me' }],
  });
  const journal = await fetch(`${server.url}/_chatterbox/requests?limit=${journalSize}`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  console.log(`journal: ${((await journal.json()) as { requests: unknown[] }).requests.length} entries`);

  const page = await browser.newPage({ viewport: { width: 1600, height: 860 } });
  await page.addInitScript(
    ([token]) => {
      sessionStorage.setItem('chatterbox.adminToken', token as string);
      sessionStorage.setItem('chatterbox.readAs', 'alice@acme.example');
    },
    [ADMIN_TOKEN],
  );
  /** Where the time goes: the HTML and script loaded, and the first byte of the page's API calls. */
  const phases = () =>
    page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      const calls = performance
        .getEntriesByType('resource')
        .filter((r) => /_chatterbox\/(requests|tokens)|feed-elements/.test(r.name))
        .map(
          (r) =>
            `${new URL(r.name).pathname.split('/').pop()} ${(r as PerformanceResourceTiming).responseStart.toFixed(0)}`,
        );
      return `domContentLoaded ${nav.domContentLoadedEventEnd.toFixed(0)} ms; first byte: ${calls.join(', ')} ms`;
    });
  const timeLoad = async (hash: string, ready: (page: Page) => Promise<unknown>) => {
    const runs: number[] = [];
    for (let i = 0; i < 5; i++) {
      await page.goto('about:blank');
      const started = performance.now();
      await page.goto(`${server.url}/_chatterbox/console/${hash}`);
      await ready(page);
      runs.push(performance.now() - started);
    }
    console.log(`  last run: ${await phases()}`);
    return runs;
  };
  const requestsRuns = await timeLoad('#/requests', (p) => p.getByText('Live · 1000 requests').waitFor());
  console.log(
    `Requests page, ${journalSize} entries, until 1000 rows are listed: median ${median(requestsRuns).toFixed(0)} ms (${requestsRuns.map((r) => r.toFixed(0)).join(', ')})`,
  );
  const feedRuns = await timeLoad('#/data', (p) =>
    p.getByRole('region', { name: 'News feed' }).getByRole('article').nth(24).waitFor(),
  );
  console.log(
    `Data page, news feed of 25 on ${posts} posts, until the 25th post shows: median ${median(feedRuns).toFixed(0)} ms (${feedRuns.map((r) => r.toFixed(0)).join(', ')})`,
  );

  // Live under load: the unfiltered list takes every entry; a marker request is timed until its
  // row shows in a second tab that filters for it.
  await page.goto(`${server.url}/_chatterbox/console/#/requests`);
  await page.getByText('Live · 1000 requests').waitFor();
  const watcher = await browser.newPage({ viewport: { width: 1600, height: 860 } });
  await watcher.addInitScript(
    ([token]) => sessionStorage.setItem('chatterbox.adminToken', token as string),
    [ADMIN_TOKEN],
  );
  await watcher.goto(`${server.url}/_chatterbox/console/#/requests`);
  await watcher.getByLabel('Path').fill('marker-');
  await watcher.getByText('Live · 0 requests').waitFor();
  const load = autocannon({
    ...me,
    connections: 20,
    overallRate: rate,
    duration: 12,
    requests: [{ path: '/services/data/v36.0/chatter/users/me' }],
  });
  const delays: number[] = [];
  await new Promise((resolve) => setTimeout(resolve, 1500));
  for (let i = 0; i < 8; i++) {
    const sent = performance.now();
    await fetch(`${server.url}/services/data/v36.0/chatter/users/marker-${i}`, me);
    await watcher.getByRole('cell', { name: `v36.0/chatter/users/marker-${i}` }).waitFor({ timeout: 10_000 });
    delays.push(performance.now() - sent);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  const result = await load;
  const status = await page.getByRole('status').innerText();
  console.log(
    `under ${rate} req/s asked (${Math.round(result.requests.average)} req/s served, p99 ${result.latency.p99} ms): ` +
      `marker request shown after median ${median(delays).toFixed(0)} ms, max ${Math.max(...delays).toFixed(0)} ms; ` +
      `unfiltered tab: "${status}"`,
  );
} finally {
  await browser.close();
  await server.stop();
  await store.dispose();
}
