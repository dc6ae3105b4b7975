#!/usr/bin/env node
// Builds dist/ from src/ and cli/ (tsc) and dist/web/ from web/ (the console, Vite) only when a
// source changed since the last build, so `npm start`
// starts the server in well under 2 s on an unchanged tree instead of recompiling for 10–30 s.
// The compile itself is incremental (tsconfig.build.json), and outputs whose source is gone are
// removed, so `npm pack` never ships a module that no longer exists. `--force` always compiles.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const SOURCES = ['src', 'cli'];
const CONFIGS = ['tsconfig.json', 'tsconfig.build.json', 'package.json'];
const stamp = join(root, 'dist', '.build-stamp');

// An installed package ships dist/ without its sources: there is nothing to build.
if (!existsSync(join(root, 'src'))) process.exit(0);

function walk(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? walk(path) : [path];
  });
}

const inputs = [...SOURCES.flatMap((dir) => walk(join(root, dir))), ...CONFIGS.map((f) => join(root, f))];
const webInputs = walk(join(root, 'web'));
const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
const stale =
  process.argv.includes('--force') ||
  [...inputs, ...webInputs].some((path) => statSync(path).mtimeMs > built);
if (!stale) process.exit(0);

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], {
  stdio: 'inherit',
});
if (result.status !== 0) process.exit(result.status ?? 1);

// dist/src/x.js (and .js.map, .d.ts) whose src/x.ts was deleted or renamed.
const sources = new Set(inputs.map((path) => relative(root, path).replace(/\.ts$/, '')));
for (const dir of SOURCES) {
  for (const path of walk(join(root, 'dist', dir))) {
    const source = relative(join(root, 'dist'), path).replace(/\.(js|js\.map|d\.ts)$/, '');
    if (!sources.has(source)) rmSync(path);
  }
}
// The console's assets (decision 0027), which the server serves from dist/web.
const { build } = await import('vite');
await build({ configFile: join(root, 'web/console/vite.config.ts') });

writeFileSync(stamp, `${new Date().toISOString()}\n`);
