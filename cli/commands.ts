import { liveServers } from '../src/control/live-servers.js';
import { Provisioning } from '../src/control/provisioning.js';
import { snapshotOrgId } from '../src/control/snapshot.js';
import { seedPosts, seedStream } from '../src/demo/seed-posts.js';
import { isoDate } from '../src/lib/clock.js';
import { createRuntime, loadConfig, type RawFlags, type Runtime } from '../src/main.js';
import { migrate } from '../src/store/open-store.js';

// What the store commands of `chatterbox` do (SPEC §10). chatterbox.ts defines the commands and
// their flags, and loads this module only when one of them runs, so `--help` and `--version`
// start without the server's modules.

export async function migrateCommand(options: RawFlags): Promise<void> {
  // Migrations and bulk loads may run long statements: no per-call bound (decision 0021).
  const runtime = await createRuntime(
    { ...loadConfig(options), dependencyTimeoutMs: 0 },
    { prepare: false, changes: false },
  );
  const applied = await migrate(runtime.services.store);
  await runtime.close();
  process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'Already up to date.\n');
}

export async function resetCommand(options: RawFlags): Promise<void> {
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
}

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

export async function addOrgCommand(options: RawFlags & { name: string }): Promise<void> {
  if (!options.name.trim()) throw new Error('--name must not be empty');
  await withRuntime(options, async (runtime) => {
    const org = await new Provisioning(runtime.services.store, runtime.services.clock).createOrg(
      options.name,
    );
    process.stdout.write(`${JSON.stringify({ id: org.id, name: org.name })}\n`);
  });
}

export async function listOrgsCommand(options: RawFlags): Promise<void> {
  await withRuntime(options, async (runtime) => {
    for (const org of await runtime.services.store.orgs.listOrgs())
      process.stdout.write(
        `${JSON.stringify({ id: org.id, name: org.name, createdAt: isoDate(org.createdAt) })}\n`,
      );
  });
}

export async function seedCommand(
  options: RawFlags & { posts: string; org?: string; streamFor?: string },
): Promise<void> {
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
}

export interface AddUserOptions extends RawFlags {
  username: string;
  password: string;
  firstName: string;
  lastName: string;
  type: 'standard' | 'admin' | 'external';
  orgId?: string;
  inactive?: boolean;
}

export async function addUserCommand(options: AddUserOptions & { community?: string[] }): Promise<void> {
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
}

export async function listUsersCommand(options: RawFlags & { orgId?: string }): Promise<void> {
  await withRuntime(options, async (runtime) => {
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
  });
}

export interface AddAppOptions extends RawFlags {
  name: string;
  clientId?: string;
  clientSecret?: string;
  runAsUsername?: string;
  orgId?: string;
}

export async function addAppCommand(options: AddAppOptions): Promise<void> {
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
}

export async function tokenCommand(
  options: RawFlags & { username: string; clientId?: string },
): Promise<void> {
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
}

/** Runs fn with the store of the command's flags open, and closes it again. */
async function withRuntime(options: RawFlags, fn: (runtime: Runtime) => Promise<void>): Promise<void> {
  const runtime = await createRuntime(loadConfig(options));
  try {
    await fn(runtime);
  } finally {
    await runtime.close();
  }
}
