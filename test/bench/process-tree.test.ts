import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { processTree, sampleRss } from '../../bench/lib/processes.js';

// A server started with --workers serves from child processes: the bench must see them.
test('processTree finds the children of a process and theirs; sampleRss reads them', async () => {
  const grandchild = `setInterval(() => {}, 1000)`;
  const child = `
    const { spawn } = require('node:child_process');
    const g = spawn(process.execPath, ['-e', ${JSON.stringify(grandchild)}], { stdio: 'ignore' });
    process.on('SIGTERM', () => { g.kill(); process.exit(0); });
    setInterval(() => {}, 1000);
    console.log(g.pid);`;
  const top = spawn(process.execPath, ['-e', child], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const [line] = (await once(top.stdout, 'data')) as [Buffer];
    const grandchildPid = Number(line.toString().trim());
    assert.deepEqual(processTree(top.pid as number).sort(), [top.pid, grandchildPid].sort());
    assert.deepEqual(processTree(process.pid).includes(top.pid as number), true);
    const peak = sampleRss(top.pid as number).stop().peakMb;
    assert.equal(peak > 5 && peak < 500, true, `a node process's RSS, not ${peak} MB`);
  } finally {
    top.kill('SIGTERM');
    await once(top, 'exit');
  }
});
