import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs, { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { droppedLogLines, fdLineDestination } from '../../src/lib/log-destination.js';
import { lineLogger } from '../../src/lib/logger.js';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
/** Waits until the file holds `bytes` bytes (sonic-boom's flush does not wait for its writes). */
async function written(file: string, bytes: number): Promise<void> {
  for (let waited = 0; fs.statSync(file).size < bytes && waited < 30_000; waited += 5)
    await new Promise((resolve) => setTimeout(resolve, 5));
}

test('what one turn of the event loop logged goes out in one write, not in 16 KB pieces', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cb-log-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'out.log');
  const fd = fs.openSync(file, 'w');
  t.after(() => fs.closeSync(fd));
  const destination = fdLineDestination(fd);
  const writes = t.mock.method(fs, 'write');
  const line = `${JSON.stringify({ msg: 'request', path: '/services/data/v36.0/chatter/users/me' })}\n`;
  destination.write(line); // the first line is written at once, on its own
  for (let i = 1; i < 3000; i++) destination.write(line); // 195 KB while that write is out (13 writes of 16 KB with sonic-boom's defaults)
  await written(file, line.length * 3000);
  assert.equal(writes.mock.callCount(), 2);
  assert.equal(readFileSync(file, 'utf8'), line.repeat(3000));
});

test('a fatal line is written before logger.fatal returns, with every line logged before it', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cb-log-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'out.log');
  const fd = fs.openSync(file, 'w');
  t.after(() => fs.closeSync(fd));
  const logger = lineLogger('info', fdLineDestination(fd));
  for (let n = 0; n < 1000; n++) logger.info({ n }, 'request');
  logger.fatal('the store is gone');
  // Read in the same turn: only a synchronous flush can have written the lines after the first.
  // The first went out at once, asynchronously: a loaded machine may not have written it yet, and
  // flushSync leaves a write in flight alone.
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { n?: number; msg: string })
    .filter((l) => l.n !== 0);
  assert.deepEqual(
    lines.map((l) => l.n ?? l.msg),
    [...[...Array(1000).keys()].slice(1), 'the store is gone'],
  );
});

test('a reader that stops reading: lines beyond the buffer are dropped, counted and reported once it reads again', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cb-log-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const fifo = join(dir, 'log.fifo');
  execFileSync('mkfifo', [fifo]);
  const reader = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  const writer = fs.openSync(fifo, 'w'); // blocking: a write waits in the thread pool for the reader
  t.after(() => {
    fs.closeSync(reader);
    fs.closeSync(writer);
  });
  const destination = fdLineDestination(writer, { maxBufferedBytes: 20_000 });
  const logger = lineLogger('info', destination);
  const droppedBefore = droppedLogLines();

  // 100 lines of about 85 bytes a turn, for 40 turns: the pipe holds 64 KB, then the write in
  // flight waits for the reader, the buffer takes 20 KB more, and the rest is dropped.
  const sent = 4000;
  for (let turn = 0; turn < sent / 100; turn++) {
    for (let i = 0; i < 100; i++) logger.info({ n: turn * 100 + i }, 'request');
    await nextTurn();
  }
  const dropped = droppedLogLines() - droppedBefore;
  // The pipe and the buffer hold some 850 lines, written or not.
  assert.ok(dropped > 2500 && dropped < sent - 700, `dropped ${dropped} of ${sent}`);

  // The reader reads again: the lines kept arrive, then warnings that count every line dropped.
  const lines: Record<string, unknown>[] = [];
  const reported = () => lines.reduce((sum, l) => sum + Number(l.droppedLines ?? 0), 0);
  const chunk = Buffer.alloc(65_536);
  let partial = '';
  for (let waited = 0; reported() < dropped && waited < 30_000; ) {
    let n = 0;
    try {
      n = fs.readSync(reader, chunk);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
    }
    if (n === 0) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      waited += 10;
      continue;
    }
    const text = partial + chunk.toString('utf8', 0, n);
    const complete = text.split('\n');
    partial = complete.pop() ?? '';
    for (const l of complete) lines.push(JSON.parse(l) as Record<string, unknown>);
  }
  const kept = lines.filter((l) => l.msg === 'request').map((l) => l.n as number);
  const warnings = lines.filter((l) => l.msg !== 'request');
  assert.equal(kept.length + reported(), sent, 'each line arrived or was counted as dropped');
  assert.deepEqual(
    kept,
    [...kept].sort((a, b) => a - b),
    'the lines kept arrive in order',
  );
  assert.deepEqual(kept.slice(0, 150), [...Array(150).keys()], 'nothing dropped while the buffer had room');
  assert.ok(warnings.length > 0);
  for (const warning of warnings)
    assert.deepEqual(
      { ...warning, time: 0, pid: 0, hostname: '', droppedLines: 0 },
      {
        level: 40,
        time: 0,
        pid: 0,
        hostname: '',
        droppedLines: 0,
        msg: 'log lines dropped: the log was not read as fast as it was written',
      },
    );
});
