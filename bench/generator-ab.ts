// `node --import tsx bench/generator-ab.ts [--rounds 2] [--seconds 3] [--connections 10]`: does the
// load generator cap the bare-Fastify ceiling? Rounds alternate autocannon in this process,
// autocannon in two worker threads and wrk (when on the PATH) against bare Fastify serving the
// users/me body and against Chatterbox's users/me on SQLite (`npm run build` first).
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { baselines } from './lib/baselines.js';
import { BUILT_CLI, login, sqliteStore, startChatterbox } from './lib/chatterbox.js';
import { usersMe } from './lib/chatterbox-scenarios.js';
import { type GeneratorName, type Measurement, prepareLoad } from './lib/load.js';
import { wrkVersion } from './lib/wrk.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '2' },
    seconds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '10' },
  },
});
const root = new URL('..', import.meta.url).pathname;
const generators: GeneratorName[] = [
  'autocannon',
  'autocannon-workers',
  ...(wrkVersion() ? ['wrk' as const] : []),
];
const workDir = mkdtempSync(join(tmpdir(), 'chatterbox-generator-ab-'));
const store = sqliteStore();
const chatterbox = await startChatterbox(BUILT_CLI, store, { cwd: root });
const versions = { fastify: 'installed' };
const fastify = baselines(root, workDir, versions).find((b) => b.id === 'fastify');
let ceiling: Awaited<ReturnType<NonNullable<typeof fastify>['start']>> | undefined;
try {
  const token = await login(chatterbox, 'alice@acme.example');
  const def = usersMe('sqlite', token);
  const body = (await (
    await fetch(chatterbox.url + def.load.path, { headers: def.load.headers })
  ).json()) as Record<string, unknown>;
  ceiling = await fastify?.start(body);
  if (!ceiling) throw new Error('no bare Fastify baseline');
  const targets = {
    fastify: { server: ceiling.server, spec: { path: ceiling.path } },
    sqlite: { server: chatterbox, spec: def.load },
  };
  const runs: Record<string, Measurement[]> = {};
  const load = loadavg();
  for (let round = 1; round <= Number(values.rounds); round++) {
    for (const generator of generators) {
      for (const [name, { server, spec }] of Object.entries(targets)) {
        const settings = {
          connections: Number(values.connections),
          durationS: Number(values.seconds),
          warmupS: 1,
          generator,
        };
        const run = prepareLoad(server, spec, settings);
        await run.warmUp();
        const key = `${generator} ${name}`;
        runs[key] = [...(runs[key] ?? []), await run.runOnce()];
      }
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
  process.stdout.write(
    `load average at start ${load.map((n) => n.toFixed(2)).join(' ')}, at end ${loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')}\n`,
  );
  process.stdout.write(
    'generator | target | req/s (median; each round) | server CPU µs/req | generator CPU µs/req | CPU % server / generator / others\n',
  );
  for (const [key, ms] of Object.entries(runs)) {
    const m = (f: (x: Measurement) => number) => median(ms.map(f));
    process.stdout.write(
      `${key} | ${m((x) => x.requestsPerSecond).toFixed(0)} (${ms.map((x) => x.requestsPerSecond.toFixed(0)).join(', ')}) | ` +
        `${m((x) => x.serverCpuUsPerRequest ?? Number.NaN).toFixed(0)} | ` +
        `${m((x) => (((x.cpu?.loadGeneratorPct ?? Number.NaN) / 100) * x.durationS * 1e6) / Math.max(1, x.requests)).toFixed(0)} | ${m((x) => x.cpu?.serverPct ?? Number.NaN).toFixed(0)} / ` +
        `${m((x) => x.cpu?.loadGeneratorPct ?? Number.NaN).toFixed(0)} / ${m((x) => x.cpu?.othersPct ?? Number.NaN).toFixed(0)}\n`,
    );
  }
  for (const generator of generators) {
    const rps = (name: string) =>
      median((runs[`${generator} ${name}`] ?? []).map((x) => x.requestsPerSecond));
    process.stdout.write(
      `${generator}: users/me on sqlite ÷ bare Fastify = ${(rps('sqlite') / rps('fastify')).toFixed(2)}\n`,
    );
  }
} finally {
  await ceiling?.server.stop();
  await chatterbox.stop();
  await store.dispose();
  rmSync(workDir, { recursive: true, force: true });
}
