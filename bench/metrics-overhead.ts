/**
 * The cost of the metrics hook on GET users/me, in process (app.inject, SQLite in memory):
 * `node --import tsx bench/metrics-overhead.ts on|off [requests]`. Run both, alternately, in one
 * session: the store-latency listener is per process, so each setting gets its own process.
 */
import { defaults } from '../src/config.js';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PASSWORD } from '../src/demo/demo-org.js';
import { buildApp } from '../src/http/app.js';
import { createRuntime } from '../src/main.js';

const metrics = process.argv[2] !== 'off';
const requests = Number(process.argv[3] ?? 20000);
const runtime = await createRuntime({
  ...defaults,
  db: ':memory:',
  demo: true,
  adminToken: 'bench',
  adminTokenGenerated: false,
  logLevel: 'silent',
  hourlyLimit: 10_000_000,
  dailyLimit: 10_000_000,
});
const app = await buildApp(runtime.services, { reset: runtime.reset, metrics });
const login = await app.inject({
  method: 'POST',
  url: '/services/oauth2/token',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  payload: new URLSearchParams({
    grant_type: 'password',
    client_id: DEMO_CLIENT_ID,
    client_secret: DEMO_CLIENT_SECRET,
    username: 'alice@acme.example',
    password: DEMO_PASSWORD,
  }).toString(),
});
const headers = { authorization: `Bearer ${login.json().access_token}` };
const once = async () => {
  const response = await app.inject({ method: 'GET', url: '/services/data/v36.0/chatter/users/me', headers });
  if (response.statusCode !== 200) throw new Error(response.body);
};
for (let i = 0; i < 3000; i++) await once();
const started = process.cpuUsage();
const t0 = performance.now();
for (let i = 0; i < requests; i++) await once();
const wall = (performance.now() - t0) / requests;
const cpu = process.cpuUsage(started);
console.log(
  JSON.stringify({
    metrics,
    requests,
    wallMicrosPerRequest: Math.round(wall * 1000),
    cpuMicrosPerRequest: Math.round((cpu.user + cpu.system) / requests),
  }),
);
await app.close();
await runtime.close();
