// `node --import tsx bench/profile.ts [--scenario a|b|d|e] [--posts 10000] [--seconds 10] [--database-url … [--redis-url …]]`: runs one
// scenario against `node --cpu-prof bin/chatterbox.js serve` and prints where the server's CPU time
// went (self and inclusive, by function). Build first (`npm run build`). Profiles are kept in
// bench/results/profiles/ (ignored by git) for Chrome DevTools.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  BUILT_CLI,
  login,
  postgresStore,
  seedPosts,
  sqliteStore,
  startChatterbox,
} from './lib/chatterbox.js';
import { batchOf25, feedPage, passwordLogin, twentyFiveGets, usersMe } from './lib/chatterbox-scenarios.js';
import { runScenario } from './lib/scenarios.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'a' },
    seconds: { type: 'string', default: '10' },
    'database-url': { type: 'string' },
    /** with --database-url: Redis holds the quotas and caches (own key prefix) */
    'redis-url': { type: 'string' },
    top: { type: 'string', default: '25' },
    /** scenario b: the number of posts `chatterbox seed` loads first */
    posts: { type: 'string', default: '10000' },
  },
});

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const dir = join(root, 'bench', 'results', 'profiles', new Date().toISOString().replace(/[:.]/g, '-'));
mkdirSync(dir, { recursive: true });
const databaseUrl = args['database-url'];
const store = databaseUrl ? postgresStore(databaseUrl, args['redis-url']) : sqliteStore();
if (args.scenario === 'b') {
  const seeded = await seedPosts(BUILT_CLI, store, Number(args.posts), root);
  if (seeded.status !== 'seeded') throw new Error(`chatterbox seed: ${JSON.stringify(seeded)}`);
}
const cli = [process.execPath, '--cpu-prof', '--cpu-prof-dir', dir, 'bin/chatterbox.js'];
const server = await startChatterbox(cli, store, { cwd: root });
try {
  const token = await login(server, 'alice@acme.example');
  const def =
    args.scenario === 'e'
      ? passwordLogin(store.kind)
      : args.scenario === 'b'
        ? feedPage(store.kind, token, Number(args.posts), 'b')
        : args.scenario === 'd'
          ? batchOf25(store.kind, token, twentyFiveGets(await demoUserIds(server.url, token)))
          : usersMe(store.kind, token);
  const { result } = await runScenario(server, def, {
    connections: 10,
    durationS: Number(args.seconds),
    warmupS: 2,
  });
  const m = result.measurement;
  process.stdout.write(
    m
      ? `${def.row.id}: ${m.requestsPerSecond.toFixed(0)} req/s, p50 ${m.latencyP50Ms} ms, p99 ${m.latencyP99Ms} ms, non-2xx ${m.non2xx}\n`
      : `${def.row.id}: ${result.reason}\n`,
  );
} finally {
  await server.stop();
  await store.dispose();
}

const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
if (!file) throw new Error(`no profile written in ${dir}`);
const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile;
summarize(profile, Number(args.top));
process.stdout.write(`profile: ${join(dir, file)}\n`);

function summarize(profile: Profile, top: number): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (n: ProfileNode) => {
    const { functionName, url, lineNumber } = n.callFrame;
    const where = url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/dist\//, '');
    return `${functionName || '(anonymous)'} ${where}${where ? `:${lineNumber + 1}` : ''}`;
  };
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    const node = byId.get(id) as ProfileNode;
    self.set(label(node), (self.get(label(node)) ?? 0) + dt);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const key = label(byId.get(cur) as ProfileNode);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + dt);
    }
  });
  const print = (title: string, map: Map<string, number>) => {
    process.stdout.write(`-- ${title}\n`);
    for (const [key, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      const pct = ((100 * us) / total).toFixed(1).padStart(5);
      process.stdout.write(`${(us / 1000).toFixed(0).padStart(7)} ms ${pct} %  ${key}\n`);
    }
  };
  process.stdout.write(`total ${(total / 1000).toFixed(0)} ms sampled\n`);
  print('self time', self);
  print('inclusive time', inclusive);
}

/** The IDs of the users the context user can list (for the 25 GETs of scenario d). */
async function demoUserIds(url: string, token: string): Promise<string[]> {
  const response = await fetch(`${url}/services/data/v36.0/chatter/users?pageSize=100`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const body = (await response.json()) as { users: { id: string }[] };
  return body.users.map((u) => u.id);
}
