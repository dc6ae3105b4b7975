import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCli, stopAllServers } from '../helpers/cli.js';

// Each case starts a Node process on a machine that may be busy.
const SLOW = { timeout: 240_000 };
after(stopAllServers);

/** One line on stderr, nothing on stdout, status 1, no stack. */
async function refused(args: string[], stderr: string): Promise<void> {
  const result = await runCli(args);
  assert.deepEqual(result, { code: 1, stdout: '', stderr: `chatterbox: ${stderr}\n` });
}

test('serve --port 70000 names the flag and the range', SLOW, () =>
  refused(['serve', '--db', ':memory:', '--port', '70000'], '--port must be between 0 and 65535, not 70000'),
);

test(
  '--database-url that is not a postgres URL names the flag, never the rest of the URL',
  SLOW,
  async () => {
    await refused(
      ['migrate', '--database-url', 'mysql://root:hunter2@db/app'],
      '--database-url must be a postgres:// or postgresql:// URL, not mysql://…',
    );
    await refused(
      ['serve', '--database-url', 'not-a-url'],
      '--database-url must be a postgres:// or postgresql:// URL, not a value without a scheme',
    );
  },
);

test('--db on a read-only file, or a path that cannot be opened, names the path', SLOW, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'chatterbox-ro-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'ro.db');
  writeFileSync(file, '');
  chmodSync(file, 0o444);
  await refused(['serve', '--db', file], `--db ${file}: the file is read-only; SQLite needs to write it`);
  // A folder where the file should be: the driver's message, with the flag and the path.
  await refused(['migrate', '--db', dir], `--db ${dir}: unable to open database file`);
});

test('serve on a busy port, with or without --workers, exits 1 naming the port', SLOW, async () => {
  const busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  after(() => busy.close());
  const port = (busy.address() as { port: number }).port;
  const message = `--port ${port}: 127.0.0.1:${port} is already in use; choose another port (0 picks a free one)`;
  const dir = mkdtempSync(join(tmpdir(), 'chatterbox-busy-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  await refused(['serve', '--db', ':memory:', '--port', String(port), '--admin-token', 't'], message);
  await refused(
    ['serve', '--db', join(dir, 'w.db'), '--workers', '2', '--port', String(port), '--admin-token', 't'],
    message,
  );
});
