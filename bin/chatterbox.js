#!/usr/bin/env node
// The `chatterbox` command runs the compiled code in dist/ (built by `npm ci`, `npm pack` and
// `npm start`); in a clone where it is missing, say how to build it rather than Node's module error.
try {
  await import('../dist/cli/chatterbox.js');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist/cli/chatterbox.js'))
    throw error;
  process.stderr.write('chatterbox: dist/ is not built; run `npm run build` first\n');
  process.exit(1);
}
