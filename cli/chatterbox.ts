import { Command, Option } from 'commander';
import { liveServers } from '../src/control/live-servers.js';
import { Provisioning } from '../src/control/provisioning.js';
import { snapshotOrgId } from '../src/control/snapshot.js';
import { seedPosts, seedStream } from '../src/demo/seed-posts.js';
import { CHATTERBOX_VERSION } from '../src/http/routes/control.js';
import { isoDate } from '../src/lib/clock.js';
import { createRuntime, loadConfig, type RawFlags, type Runtime, serve } from '../src/main.js';
import { migrate } from '../src/store/open-store.js';
import { execCommand } from './exec.js';

/** `chatterbox` (SPEC §10): thin calls into the same modules the server uses. */
const program = new Command('chatterbox').version(CHATTERBOX_VERSION).showHelpAfterError();

const storeOptions = (command: Command) =>
  command
    .option('--db <path>', 'SQLite file (or :memory:)', undefined)
    .option('--database-url <url>', 'PostgreSQL instead of SQLite')
    .option('--pg-schema <name>', 'PostgreSQL schema (created if missing)')
    .option('--secret-key <key>', "seals connected-app secrets at rest (default: the store's own key)");

/** The flags of a server (`serve`, and `exec`, which starts one). */
const serveOptions = (command: Command) =>
  storeOptions(command)
    .option('--port <n>', 'port (default 8080)')
    .option('--host <host>', 'host (default 127.0.0.1)')
    .option('--redis-url <url>', 'Redis for shared quota counters and caches')
    .option('--redis-prefix <prefix>', 'key prefix in Redis (default chatterbox:)')
    .option('--demo', 'create the demo org if the store is empty')
    .option('--admin-token <token>', 'control-plane token (generated and printed when unset)')
    .option('--public-url <url>', 'public base URL (instance_url)')
    .option('--hourly-limit <n>', 'hourly Chatter requests per user and app (default 200)')
    .option('--daily-limit <n>', 'API requests per org per 24 hours (default 15000)')
    .addOption(
      new Option('--daily-limit-status <status>', 'status when the daily quota is used up').choices([
        '429',
        '403',
      ]),
    )
    .option('--quota-retry-after', 'send Retry-After on quota refusals (429/503); off by default')
    .option('--session-timeout <seconds>', 'session inactivity timeout (default 7200)')
    .option('--max-body-bytes <n>', 'request body limit (default 10485760)')
    .option('--max-file-bytes <n>', 'largest file an upload may carry (default 104857600)')
    .option('--workers <n>', 'one process per core')
    .option('--journal-size <n>', 'API requests kept by the request journal (default 1000)')
    .option('--request-timeout-ms <n>', 'time a request may take to arrive, 0 for none (default 60000)')
    .option('--dependency-timeout-ms <ms>', 'bound on each PostgreSQL or Redis call; 0 = none (default 5000)')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent (default info)')
    .option('--log-format <format>', 'pretty or json (default: pretty on a terminal, else json)')
    .option('--import <file>', "load an org's snapshot at start (replaces the org of the same ID)")
    .option('--export-on-exit <file>', 'write a snapshot of the org (imported, else the first) when stopped');

serveOptions(program.command('serve').description('serve the API')).action(async (options: RawFlags) =>
  serve(options),
);

serveOptions(
  program
    .command('exec')
    .description('start a demo server on a free port, run a command against it, stop the server')
    .argument('<command...>', 'the command and its arguments, after --'),
).action(async (command: string[], options: RawFlags) => execCommand(options, command));

storeOptions(program.command('migrate').description('bring the schema up to date')).action(
  async (options: RawFlags) => {
    // Migrations and bulk loads may run long statements: no per-call bound (decision 0021).
    const runtime = await createRuntime(
      { ...loadConfig(options), dependencyTimeoutMs: 0 },
      { prepare: false },
    );
    const applied = await migrate(runtime.services.store);
    await runtime.close();
    process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'Already up to date.\n');
  },
);

storeOptions(
  program
    .command('reset')
    .description(
      'back to the start state (the demo org with --demo, else empty); through the running server when one holds the store',
    ),
)
  .option('--demo', 'seed the demo org')
  .option('--admin-token <token>', "a running server's admin token: reset through its control plane")
  .action(async (options: RawFlags) => {
    const config = loadConfig(options);
    const runtime = await createRuntime(config);
    try {
      const [server] = await liveServers(runtime.services.store);
      if (!server) {
        await runtime.reset();
        process.stdout.write('Reset.\n');
        return;
      }
      // Wiping the rows under a running server would leave its clock, faults and caches behind.
      if (config.adminTokenGenerated)
        throw new Error(
          `the store is held by a running server at ${server.url} (pid ${server.pid}): stop it, or pass --admin-token (or CHATTERBOX_ADMIN_TOKEN) to reset it through its control plane`,
        );
      await resetThrough(server.url, config.adminToken);
      process.stdout.write(`Reset through the running server at ${server.url}.\n`);
    } finally {
      await runtime.close();
    }
  });

/** POST /_chatterbox/reset on a running server; its refusal in one line. */
async function resetThrough(url: string, adminToken: string): Promise<void> {
  const response = await fetch(`${url}/_chatterbox/reset`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}` },
  }).catch((error: Error) => {
    throw new Error(`the running server at ${url} did not answer: ${error.message}`);
  });
  if (response.ok) return;
  const body = (await response.json().catch(() => [])) as { message?: string }[];
  throw new Error(
    `the running server at ${url} refused the reset (${response.status}): ${body[0]?.message ?? ''}`,
  );
}

const orgs = program.command('orgs').description('manage orgs');
storeOptions(orgs.command('add').description('add an empty org'))
  .requiredOption('--name <name>')
  .action(async (options) => {
    if (!options.name.trim()) throw new Error('--name must not be empty');
    await withRuntime(options, async (runtime) => {
      const org = await new Provisioning(runtime.services.store, runtime.services.clock).createOrg(
        options.name,
      );
      process.stdout.write(`${JSON.stringify({ id: org.id, name: org.name })}\n`);
    });
  });
storeOptions(orgs.command('list').description('list the orgs, one JSON line each, oldest first')).action(
  async (options) =>
    withRuntime(options, async (runtime) => {
      for (const org of await runtime.services.store.orgs.listOrgs())
        process.stdout.write(
          `${JSON.stringify({ id: org.id, name: org.name, createdAt: isoDate(org.createdAt) })}\n`,
        );
    }),
);

storeOptions(program.command('seed').description('load many posts fast (load tests, benchmarks)'))
  .requiredOption('--posts <n>', 'how many posts to add')
  .option('--org <id>', 'the org to post in (default: the first org)')
  .option('--demo', 'create the demo org first if the store is empty')
  .option('--stream-for <username>', "also create that user's stream of the seeded authors and groups")
  .action(async (options) => {
    const posts = Number(options.posts);
    if (!Number.isInteger(posts) || posts < 1)
      throw new Error(`--posts must be a whole number, not ${options.posts}`);
    const runtime = await createRuntime({ ...loadConfig(options), dependencyTimeoutMs: 0 });
    try {
      const started = performance.now();
      const result = await seedPosts(runtime.services.store, runtime.services.clock, {
        posts,
        orgId: options.org,
        onProgress: (done) => process.stderr.write(`\r${done} / ${posts} posts`),
      });
      process.stderr.write('\n');
      const streamId = options.streamFor
        ? await seedStream(runtime.services.store, runtime.services.clock, {
            ownerUsername: options.streamFor,
            orgId: result.orgId,
          })
        : undefined;
      const seconds = Math.round((performance.now() - started) / 100) / 10;
      process.stdout.write(`${JSON.stringify({ ...result, ...(streamId ? { streamId } : {}), seconds })}\n`);
    } finally {
      await runtime.close();
    }
  });

const users = program.command('users').description('manage users');
storeOptions(users.command('add').description('add a user'))
  .requiredOption('--username <username>')
  .requiredOption('--password <password>')
  .requiredOption('--first-name <name>')
  .requiredOption('--last-name <name>')
  .addOption(new Option('--type <type>').choices(['standard', 'admin', 'external']).default('standard'))
  .option('--org-id <id>')
  .option('--community <id...>', 'communities of an external user')
  .option('--inactive', 'create the user inactive')
  .action(async (options) => {
    const runtime = await createRuntime(loadConfig(options));
    try {
      const user = await new Provisioning(runtime.services.store, runtime.services.clock).createUser({
        orgId: options.orgId,
        username: options.username,
        password: options.password,
        firstName: options.firstName,
        lastName: options.lastName,
        type: options.type,
        communities: options.community,
        isActive: !options.inactive,
      });
      process.stdout.write(
        `${JSON.stringify({ id: user.id, orgId: user.orgId, username: user.username, type: user.type })}\n`,
      );
    } finally {
      await runtime.close();
    }
  });

storeOptions(users.command('list').description("list an org's users, one JSON line each, in ID order"))
  .option('--org-id <id>', 'the org (default: the first org)')
  .action(async (options) =>
    withRuntime(options, async (runtime) => {
      const { store } = runtime.services;
      const orgId = await snapshotOrgId(store, options.orgId).catch(() => {
        throw new Error(options.orgId ? `--org-id ${options.orgId}: no such org` : 'there is no org yet');
      });
      // Keyset pages: any number of users in bounded memory.
      for (let after = ''; ; ) {
        const page = await store.users.pageAll(orgId, after, 500);
        for (const u of page) {
          const { id, username, firstName, lastName, type, isActive } = u;
          process.stdout.write(
            `${JSON.stringify({ id, orgId, username, firstName, lastName, type, isActive })}\n`,
          );
        }
        if (page.length < 500) break;
        after = page[page.length - 1]?.id as string;
      }
    }),
  );

const apps = program.command('apps').description('manage connected apps');
storeOptions(apps.command('add').description('add a connected app'))
  .requiredOption('--name <name>')
  .option('--client-id <id>')
  .option('--client-secret <secret>')
  .option('--run-as-username <username>', 'the user of the client-credentials flow')
  .option('--org-id <id>')
  .action(async (options) => {
    const runtime = await createRuntime(loadConfig(options));
    try {
      const app = await new Provisioning(runtime.services.store, runtime.services.clock).createApp(
        {
          orgId: options.orgId,
          name: options.name,
          clientId: options.clientId,
          clientSecret: options.clientSecret,
          runAsUsername: options.runAsUsername,
        },
        runtime.services.appSecrets,
      );
      const { id, orgId, name, clientId, clientSecret } = app;
      process.stdout.write(`${JSON.stringify({ id, orgId, name, clientId, clientSecret })}\n`);
    } finally {
      await runtime.close();
    }
  });

storeOptions(program.command('token').description('print an access and a refresh token for a user'))
  .requiredOption('--username <username>')
  .option('--client-id <id>', "the connected app (default: the org's first app)")
  .option(
    '--public-url <url>',
    "instance_url of the token (default: the running server's, else http://127.0.0.1:8080)",
  )
  .action(async (options) => {
    const config = loadConfig(options);
    const runtime = await createRuntime(config);
    try {
      const { store } = runtime.services;
      const [server] = config.publicUrl ? [] : await liveServers(store);
      const user = await store.users.findByUsername(options.username);
      if (!user || user.type === 'guest' || !user.isActive)
        throw new Error(`No active user ${options.username}`);
      const app = options.clientId
        ? await store.orgs.findAppByClientId(options.clientId)
        : await store.orgs.firstApp(user.orgId);
      if (!app || app.orgId !== user.orgId) throw new Error('No connected app for that user');
      const body = await runtime.services.oauth.issueWithRefresh(
        user,
        app,
        config.publicUrl ?? server?.instanceUrl ?? `http://${config.host}:${config.port}`,
      );
      process.stdout.write(`${JSON.stringify(body)}\n`);
    } finally {
      await runtime.close();
    }
  });

/** Runs fn with the store of the command's flags open, and closes it again. */
async function withRuntime(options: RawFlags, fn: (runtime: Runtime) => Promise<void>): Promise<void> {
  const runtime = await createRuntime(loadConfig(options));
  try {
    await fn(runtime);
  } finally {
    await runtime.close();
  }
}

program.parseAsync(process.argv).catch((error: Error) => {
  process.stderr.write(`chatterbox: ${error.message}\n`);
  process.exit(1);
});
