/**
 * A/B of V8 heap settings: `chatterbox serve --demo` processes on SQLite, each started with its
 * own Node flags (by default: none, i.e. the old generation's growth bounded by
 * src/lib/heap-growth.ts, against `--heap-growing-percent=0`, V8's own growth), rounds
 * alternated; server CPU µs per request and peak RSS per request mix.
 *
 *   node --import tsx bench/heap-ab.ts [--modes='|--heap-growing-percent=0'] [--rounds 3] [--seconds 3]
 */
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ADMIN_TOKEN, type BenchStore, login, sqliteStore } from './lib/chatterbox.js';
import { batchOf25, postFeedElement, twentyFiveGets, usersMe } from './lib/chatterbox-scenarios.js';
import { prepareLoad } from './lib/load.js';
import { freePort, type ServerProcess, startServer } from './lib/processes.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    modes: { type: 'string', default: '|--heap-growing-percent=0' },
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '3' },
  },
});
/** Each mode: the Node flags its server starts with, space-separated; modes separated by `|`. */
const modes = (values.modes as string).split('|').map((flags) => ({
  name: flags.trim() || 'default',
  nodeFlags: flags.split(' ').filter(Boolean),
}));
interface Target {
  mode: (typeof modes)[number];
  store: BenchStore;
  server: ServerProcess;
  token: string;
}
const servers: Target[] = [];
for (const mode of modes) {
  const store = sqliteStore();
  const port = await freePort();
  const server = await startServer({
    name: mode.name,
    command: process.execPath,
    args: [
      ...mode.nodeFlags,
      'bin/chatterbox.js',
      'serve',
      ...store.flags,
      '--demo',
      '--port',
      String(port),
      '--admin-token',
      ADMIN_TOKEN,
      '--hourly-limit',
      '1000000000',
      '--daily-limit',
      '1000000000',
    ],
    cwd: root,
    port,
    readyPath: '/_chatterbox/health',
  });
  const token = await login(server, 'alice@acme.example');
  servers.push({ mode, store, server, token });
}
console.log(
  `load ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
const settings = { connections: 10, durationS: Number(values.seconds), warmupS: 1 };
const mixes = {
  'users/me': (s: Target) => usersMe('sqlite', s.token),
  batch: (s: Target) => batchOf25('sqlite', s.token, twentyFiveGets([])),
  post: (s: Target) => postFeedElement('sqlite', s.token),
};
try {
  for (const [mix, def] of Object.entries(mixes)) {
    const loads = servers.map((s) => prepareLoad(s.server, def(s).load, settings));
    for (const load of loads) await load.warmUp();
    const rows = servers.map(() => ({ cpu: [] as number[], rss: 0 }));
    for (let round = 0; round < Number(values.rounds); round++)
      for (const [i, load] of loads.entries()) {
        const m = await load.runOnce();
        rows[i]?.cpu.push(m.serverCpuUsPerRequest ?? Number.NaN);
        (rows[i] as { rss: number }).rss = Math.max(rows[i]?.rss ?? 0, m.rssPeakMb);
      }
    for (const [i, row] of rows.entries())
      console.log(
        `${mix} ${servers[i]?.mode.name}: CPU µs/req ${row.cpu.map((x) => x.toFixed(0)).join(', ')}; peak RSS ${row.rss.toFixed(0)} MB`,
      );
  }
  console.log(
    `load ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
} finally {
  for (const s of servers) {
    await s.server.stop();
    await s.store.dispose();
  }
}
