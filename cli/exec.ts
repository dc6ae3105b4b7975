import { spawn } from 'node:child_process';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PASSWORD } from '../src/demo/demo-org.js';
import { loadConfig, type RawFlags, startServer } from '../src/main.js';

/** The demo user whose token `SF_ACCESS_TOKEN` carries (SPEC §11: a standard user). */
const EXEC_USER = 'alice@acme.example';

/**
 * `chatterbox exec [serve flags] -- <command…>` (Firebase's `emulators:exec`): a demo server on a
 * free port (in memory unless a store is named), the command run against it with the server's
 * coordinates in its environment, the server stopped, and the command's exit status passed on.
 * Server logs go to stderr, at `warn` unless asked, so the command's stdout stays its own.
 */
export async function execCommand(flags: RawFlags, command: string[]): Promise<never> {
  const [file, ...args] = command;
  if (file === undefined) throw new Error('exec needs a command after --, e.g. chatterbox exec -- npm test');
  const config = loadConfig({
    ...flags,
    port: flags.port ?? '0',
    db: flags.db ?? (flags.databaseUrl ? undefined : ':memory:'),
    logLevel: flags.logLevel ?? 'warn',
    demo: true,
  });
  const { app, runtime, url } = await startServer(config, { logTo: process.stderr });
  let status: number;
  try {
    const health = await fetch(`${url}/_chatterbox/health`);
    if (health.status !== 200) throw new Error(`the server is not healthy (${health.status})`);
    const { store, oauth } = runtime.services;
    const user = await store.users.findByUsername(EXEC_USER);
    const demoApp = await store.orgs.findAppByClientId(DEMO_CLIENT_ID);
    if (!user || !demoApp)
      throw new Error(`the store holds no demo org (${EXEC_USER}, ${DEMO_CLIENT_ID}): reset it with --demo`);
    const token = await oauth.issueWithRefresh(user, demoApp, url);
    const env = {
      ...process.env,
      CHATTERBOX_URL: url,
      CHATTERBOX_ADMIN_TOKEN: config.adminToken,
      SF_INSTANCE_URL: url,
      SF_LOGIN_URL: url,
      SF_ACCESS_TOKEN: token.access_token,
      SF_CLIENT_ID: DEMO_CLIENT_ID,
      SF_CLIENT_SECRET: DEMO_CLIENT_SECRET,
      SF_USERNAME: EXEC_USER,
      SF_PASSWORD: DEMO_PASSWORD,
    };
    status = await run(file, args, env);
  } finally {
    await app.close();
  }
  process.exit(status);
}

/** Runs the command with our stdio; its exit status, or 128 + the signal's number as a shell does. */
function run(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: 'inherit', env });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(error.code === 'ENOENT' ? `exec: command not found: ${file}` : error.message)),
    );
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      if (code !== null) resolve(code);
      else resolve(128 + (signal ? (constantsOf(signal) ?? 1) : 1));
    });
  });
}

function constantsOf(signal: NodeJS.Signals): number | undefined {
  const numbers: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
  return numbers[signal];
}
