import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { runCli, startServe, stopAllServers } from '../helpers/cli.js';

const SLOW = { timeout: 240_000 };
after(stopAllServers);

test('serve --log-level verbose: one line naming the flag and the allowed levels', SLOW, async () => {
  const result = await runCli(['serve', '--db', ':memory:', '--log-level', 'verbose']);
  assert.deepEqual(result, {
    code: 1,
    stdout: '',
    stderr:
      'chatterbox: --log-level must be one of fatal, error, warn, info, debug, trace, silent, not verbose\n',
  });
});

test('serve --log-format xml: one line naming the flag and the allowed formats', SLOW, async () => {
  const result = await runCli(['serve', '--db', ':memory:'], { CHATTERBOX_LOG_FORMAT: 'xml' });
  assert.deepEqual(result, {
    code: 1,
    stdout: '',
    stderr: 'chatterbox: --log-format must be one of pretty, json, not xml\n',
  });
});

test(
  'serve --log-format pretty: the banner and request lines as text, uncoloured off a terminal',
  SLOW,
  async () => {
    const server = await startServe([
      '--db',
      ':memory:',
      '--port',
      '0',
      '--admin-token',
      't',
      '--log-format',
      'pretty',
    ]);
    try {
      const health = await fetch(`${server.url}/_chatterbox/health`);
      assert.equal(health.status, 200);
      // The line is written once the response has gone: wait for it (up to 30 s on a loaded machine).
      for (let i = 0; i < 1500 && !server.output().includes('/_chatterbox/health'); i++)
        await new Promise((resolve) => setTimeout(resolve, 20));
      const lines = server.output().split('\n');
      assert.match(
        lines.find((line) => line.includes('Chatterbox is listening on')) ?? '',
        new RegExp(
          `^\\[\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\] INFO: Chatterbox is listening on ${server.url} \\(sqlite :memory:\\)$`,
        ),
      );
      assert.ok(
        lines.some((line) => /^\[[\d:.]+\] INFO: request$/.test(line)),
        server.output(),
      );
      assert.ok(
        lines.some((line) => /^ {4}reqId: "req-\w+"$/.test(line)),
        server.output(),
      );
      assert.ok(
        lines.some((line) => line.trim() === 'path: "/_chatterbox/health"'),
        server.output(),
      );
      assert.ok(!server.output().includes('\u001b['), 'no colour codes off a terminal');
      assert.ok(!lines.some((line) => line.startsWith('{')), 'no JSON lines');
    } finally {
      assert.equal(await server.stop(), 0);
    }
  },
);
