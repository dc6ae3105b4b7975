#!/usr/bin/env node
// Runs the whole suite (node:test through tsx) once per store: SQLite, then PostgreSQL
// (STYLE #10; both stores pass the same suite). `--store sqlite|postgres` runs one.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const storeIndex = args.indexOf('--store');
const stores = storeIndex >= 0 ? [args[storeIndex + 1]] : ['sqlite', 'postgres'];
const rest = storeIndex >= 0 ? args.filter((_, i) => i !== storeIndex && i !== storeIndex + 1) : args;

function findTests(dir) {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return findTests(path);
      return name.endsWith('.test.ts') ? [path] : [];
    })
    .sort();
}

const files = rest.length > 0 ? rest : findTests('test');
// A file that hangs fails after ten minutes, named, instead of holding CI until its own limit.
// The slowest file (the npm pack install) took about four minutes at load 15-30 on two cores.
const FILE_TIMEOUT_MS = 600_000;
// Each store's failed tests are also written to a file by scripts/failures-reporter.mjs and
// repeated at the very end: the output's tail is what CI shows, and it held only the last store's.
const failuresDir = mkdtempSync(join(tmpdir(), 'chatterbox-test-'));
const summary = [];
let failed = false;
for (const store of stores) {
  process.stdout.write(`\n# store: ${store}\n`);
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--test',
      '--test-concurrency=2',
      '--test-force-exit',
      `--test-timeout=${FILE_TIMEOUT_MS}`,
      '--test-reporter=tap',
      '--test-reporter-destination=stdout',
      `--test-reporter=${fileURLToPath(new URL('./failures-reporter.mjs', import.meta.url))}`,
      `--test-reporter-destination=${join(failuresDir, store)}`,
      ...files,
    ],
    {
      stdio: 'inherit',
      env: { ...process.env, CHATTERBOX_TEST_STORE: store },
    },
  );
  if (result.status !== 0) failed = true;
  let failures = '';
  try {
    failures = readFileSync(join(failuresDir, store), 'utf8');
  } catch {
    // The run ended before the reporter wrote anything: its status says so below.
  }
  summary.push(
    `# store ${store}: exit ${result.status ?? result.signal}` + (failures ? `, failed:\n${failures}` : ''),
  );
}
rmSync(failuresDir, { recursive: true, force: true });
process.stdout.write(`\n${summary.join('\n')}\n`);
process.exit(failed ? 1 : 0);
