#!/usr/bin/env node
// The long fuzz run (issue 9): test/api/openapi-fuzz.test.ts with many cases, on each store.
// `npm run fuzz -- --runs 100000 --seed 42 --store postgres`; defaults: 50 000 runs, a new seed,
// both stores. A failure prints the seed and the case's path, to replay it.
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const runs = option('runs', '50000');
const seed = option('seed', String(Date.now() % 2 ** 31));
const store = option('store', undefined);
const stores = store ? [store] : ['sqlite', 'postgres'];

let failed = false;
for (const name of stores) {
  process.stdout.write(`\n# fuzz: store ${name}, ${runs} runs, seed ${seed}\n`);
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-timeout=0', 'test/api/openapi-fuzz.test.ts'],
    {
      stdio: 'inherit',
      env: { ...process.env, CHATTERBOX_TEST_STORE: name, FUZZ_RUNS: runs, FUZZ_SEED: seed },
    },
  );
  if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
