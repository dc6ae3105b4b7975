import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The console's build (decision 0027): Preact through Vite's own JSX transform, no plugin.
 * Output in dist/web, which the server serves at /_chatterbox/console (src/http/console-assets.ts)
 * and the package ships.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/_chatterbox/console/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // One small bundle: no module preload polyfill, no inline data URLs for assets.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
  logLevel: 'warn',
});
