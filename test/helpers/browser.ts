import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`); a test tool's own browser download cannot run here. */
export const CHROMIUM = process.env.CHATTERBOX_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Headless Chromium with a fresh profile and nothing that reaches beyond this machine (no
 * background networking, updates, sync or QUIC): without these, Chromium keeps trying to reach
 * Google's hosts, which this machine's closed network refuses.
 */
export async function launchBrowser(): Promise<Browser> {
  // launch() gives Chromium a fresh, empty profile of its own (and refuses --user-data-dir).
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * The console built from its sources into a fresh folder (never a stale dist/web), as
 * `npm run build` builds it.
 */
export async function buildConsole(): Promise<string> {
  const { build } = await import('vite');
  const outDir = mkdtempSync(join(tmpdir(), 'chatterbox-console-'));
  await build({
    configFile: fileURLToPath(new URL('../../web/console/vite.config.ts', import.meta.url)),
    build: { outDir, emptyOutDir: true },
    logLevel: 'error',
  });
  return outDir;
}

/**
 * The README's pictures: written to docs/ only when CHATTERBOX_SCREENSHOTS is set, so that an
 * ordinary test run leaves the tree as it was.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (!process.env.CHATTERBOX_SCREENSHOTS) return;
  await page.screenshot({ path: fileURLToPath(new URL(`../../docs/${name}`, import.meta.url)) });
}
