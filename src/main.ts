import cluster from 'node:cluster';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { AppSecrets, keyFromPassphrase } from './auth/app-secrets.js';
import { OAuthService } from './auth/oauth.js';
import { SessionService } from './auth/session-service.js';
import { type Config, defaults } from './config.js';
import { ControlState } from './control/control-state.js';
import { ControlSync } from './control/control-sync.js';
import { ServerRegistration } from './control/live-servers.js';
import { exportSnapshotFile, importSnapshotFile } from './control/snapshot-files.js';
import { seedDemoOrg } from './demo/demo-org.js';
import { CircuitBreaker } from './dependencies/circuit-breaker.js';
import { type DependencyCheck, DependencyHealth } from './dependencies/dependency-health.js';
import { connectRedis, redisBreaker } from './dependencies/redis-connection.js';
import { AnnouncementService } from './domain/announcements.js';
import { CommentService } from './domain/comments.js';
import { CommunityService } from './domain/communities.js';
import { FeedElementService } from './domain/feed-elements.js';
import { FeedViews } from './domain/feed-views.js';
import { FeedService } from './domain/feeds.js';
import { FileShareService } from './domain/file-shares.js';
import { sweepStaleUploads } from './domain/file-upload.js';
import { FileService } from './domain/files.js';
import { FollowService } from './domain/follows.js';
import { GroupMemberService } from './domain/group-members.js';
import { GroupService } from './domain/groups.js';
import { JoinRequestService } from './domain/join-requests.js';
import { LikeService } from './domain/likes.js';
import { MentionService } from './domain/mentions.js';
import { PhotoService } from './domain/photos.js';
import { PostMarkService } from './domain/post-marks.js';
import { SObjectRecordService } from './domain/sobject-records.js';
import { StreamService } from './domain/streams.js';
import { TopicService } from './domain/topics.js';
import { GroupMemberSettingsService, UserSettingsService } from './domain/user-settings.js';
import { UserService } from './domain/users.js';
import { buildApp } from './http/app.js';
import { Clock } from './lib/clock.js';
import { createLogger, LOG_FORMATS, LOG_LEVELS } from './lib/logger.js';
import { RedisUsageCounters } from './limits/redis-usage.js';
import { StoreUsageCounters } from './limits/store-usage.js';
import { MemoryUsageCounters, type UsageCounters } from './limits/usage.js';
import type { Services } from './services.js';
import { assertPortFree, portInUse, printBanner } from './start-up.js';
import { migrate, openChangeFeed, openStore } from './store/open-store.js';
import type { Store } from './store/store.js';
import { UserDetailCache } from './store/user-detail-cache.js';
import { checkStoreFlags } from './store-checks.js';

export type RawFlags = Record<string, string | boolean | undefined>;

const NUMBER_FLAGS = [
  'port',
  'hourlyLimit',
  'dailyLimit',
  'sessionTimeout',
  'maxBodyBytes',
  'maxFileBytes',
  'workers',
  'journalSize',
  'dependencyTimeoutMs',
  'requestTimeoutMs',
] as const;

/**
 * The one place that reads flags and env vars (SPEC §10): each flag `--some-flag` is also
 * `CHATTERBOX_SOME_FLAG`; a flag given on the command line wins.
 */
export function loadConfig(flags: RawFlags, env: NodeJS.ProcessEnv = process.env): Config {
  const pick = (name: string): string | boolean | undefined => {
    if (flags[name] !== undefined) return flags[name];
    const envName = `CHATTERBOX_${name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
    return env[envName];
  };
  const str = (name: string): string | undefined => {
    const value = pick(name);
    return value === undefined || value === false ? undefined : String(value);
  };
  const config: Config = { ...defaults, adminToken: '', adminTokenGenerated: false };
  for (const name of NUMBER_FLAGS) {
    const value = str(name);
    if (value === undefined) continue;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0)
      throw new Error(`--${kebab(name)} must be a whole number, not ${value}`);
    config[name] = n;
  }
  config.host = str('host') ?? config.host;
  config.db = str('db') ?? config.db;
  config.databaseUrl = str('databaseUrl') ?? env.DATABASE_URL_CHATTERBOX;
  config.pgSchema = str('pgSchema') ?? config.pgSchema;
  config.redisUrl = str('redisUrl');
  config.redisPrefix = str('redisPrefix') ?? config.redisPrefix;
  config.publicUrl = str('publicUrl');
  config.logLevel = oneOf('--log-level', str('logLevel'), LOG_LEVELS) ?? config.logLevel;
  config.logFormat =
    oneOf('--log-format', str('logFormat'), LOG_FORMATS) ?? (process.stdout.isTTY ? 'pretty' : 'json');
  config.secretKey = str('secretKey');
  config.importFile = str('import');
  config.exportOnExit = str('exportOnExit');
  const demo = pick('demo');
  config.demo = demo === true || demo === 'true' || demo === '1';
  const quotaRetryAfter = pick('quotaRetryAfter');
  config.quotaRetryAfter = quotaRetryAfter === true || quotaRetryAfter === 'true' || quotaRetryAfter === '1';
  const status = str('dailyLimitStatus');
  if (status !== undefined) {
    if (status !== '429' && status !== '403')
      throw new Error(`--daily-limit-status must be 429 or 403, not ${status}`);
    config.dailyLimitStatus = Number(status) as 429 | 403;
  }
  const adminToken = str('adminToken');
  config.adminToken = adminToken ?? randomBytes(24).toString('base64url');
  config.adminTokenGenerated = adminToken === undefined;
  if (config.workers < 1) throw new Error('--workers must be at least 1');
  if (config.port > 65535) throw new Error(`--port must be between 0 and 65535, not ${config.port}`);
  return config;
}

/** A flag with a fixed set of values: its value, or an error naming the flag and what is allowed. */
function oneOf<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value))
    throw new Error(`${flag} must be one of ${allowed.join(', ')}, not ${value}`);
  return value as T;
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

export interface Runtime {
  services: Services;
  reset: () => Promise<void>;
  close: () => Promise<void>;
}

/** Opens the store, migrates it, seeds the demo org on an empty store with --demo, wires the services. */
export async function createRuntime(
  config: Config,
  options: {
    /** false: the store is used as it is (a --workers worker, whose primary prepared it). */
    prepare?: boolean;
    /** false: no change feed, for a store that may have no tables yet (`chatterbox migrate`). */
    changes?: boolean;
  } = {},
): Promise<Runtime> {
  const storeBreaker = new CircuitBreaker('store');
  checkStoreFlags(config);
  const storeOptions = {
    sqlitePath: config.db,
    databaseUrl: config.databaseUrl,
    pgSchema: config.pgSchema,
    idInstance: config.idInstance,
    timeoutMs: config.dependencyTimeoutMs,
    breaker: storeBreaker,
  };
  const store = await openStore(storeOptions).catch((error: Error) => {
    // The driver's message (`unable to open database file`) names neither the flag nor the path.
    throw new Error(
      config.databaseUrl ? `--database-url: ${error.message}` : `--db ${config.db}: ${error.message}`,
    );
  });
  const clock = new Clock();
  const appSecrets = new AppSecrets(async () => {
    const stored = await store.sealingKey();
    return config.secretKey ? [keyFromPassphrase(config.secretKey), stored] : [stored];
  });
  if (options.prepare !== false) await prepareStore(store, clock, config, appSecrets);
  // Hot reads (decisions 0031, 0039): what requests read again and again, kept while nothing
  // changed it. With --workers on one SQLite file every request's quota write is another
  // process's change, which SQLite's feed can only take for everything: no feed there, and a
  // session another worker may have revoked is re-checked after 2 s (decision 0003).
  const feed = options.changes !== false && (Boolean(config.databaseUrl) || config.workers === 1);
  const changes = feed ? await openChangeFeed(storeOptions, store) : undefined;
  const sessions = new SessionService(store, clock, {
    sessionTimeoutMs: config.sessionTimeout * 1000,
    cacheTtlMs: 2_000,
    changes,
  });
  const control = new ControlState(
    {
      hourly: config.hourlyLimit,
      daily: config.dailyLimit,
      dailyStatus: config.dailyLimitStatus,
      retryAfter: config.quotaRetryAfter,
      maxFileBytes: config.maxFileBytes,
    },
    { journalSize: config.journalSize, clock },
  );
  const redis = config.redisUrl ? await connectRedis(config.redisUrl, config.dependencyTimeoutMs) : undefined;
  const redisGuard = redisBreaker(redis);
  const usage = usageCounters(config, store, redis, redisGuard);
  const checks: DependencyCheck[] = [{ dependency: 'store', ping: () => store.getSetting('health') }];
  if (redis) checks.push({ dependency: 'redis', ping: () => redisGuard.run(() => redis.ping()) });
  const users = new UserService(store, clock, changes ? new UserDetailCache(store, changes) : undefined);
  const groups = new GroupService(store, clock, users);
  const feedViews = new FeedViews(store, clock, users);
  const files = new FileService(store, clock, users);
  const feedElements = new FeedElementService(store, clock, users, feedViews, files);
  const comments = new CommentService(store, clock, feedElements, feedViews, files);
  const services: Services = {
    config,
    store,
    changes,
    clock,
    control,
    usage,
    dependencies: new DependencyHealth(checks),
    sessions,
    appSecrets,
    oauth: new OAuthService(store, clock, sessions, appSecrets, {
      lockoutThreshold: config.lockoutThreshold,
      lockoutMs: config.lockoutSeconds * 1000,
    }),
    users,
    communities: new CommunityService(store),
    groups,
    groupMembers: new GroupMemberService(store, clock, users, groups),
    joinRequests: new JoinRequestService(store, clock, users, groups),
    follows: new FollowService(store, clock, users, groups),
    feedElements,
    feeds: new FeedService(store, users, feedViews),
    comments,
    likes: new LikeService(store, clock, feedElements, comments, feedViews),
    sobjects: new SObjectRecordService(store, clock),
    files,
    photos: new PhotoService(store, clock, users, groups, files),
    fileShares: new FileShareService(store, files, users, groups),
    postMarks: new PostMarkService(store, clock, users, feedElements),
    mentions: new MentionService(store),
    topics: new TopicService(store, clock, feedElements),
    userSettings: new UserSettingsService(store),
    streams: new StreamService(store, clock, users),
    announcements: new AnnouncementService(store, clock, groups, feedElements, feedViews),
    groupSettings: new GroupMemberSettingsService(store, groups),
  };
  const reset = async () => {
    clock.offsetMs = 0;
    await appSecrets.ready();
    await store.exclusive('seed', async (tx) => {
      await tx.truncateAll();
      if (config.demo) await seedDemoOrg(tx, clock, appSecrets);
    });
    await usage.clear();
    control.reset();
    sessions.clear();
    // Servers sharing this one's Redis reset their settings, journals and session caches too.
    await control.changed('reset');
  };
  // Several servers on one Redis share the control plane's settings (decision 0017).
  const sync = redis
    ? new ControlSync(redis, config.redisPrefix, control, () => sessions.clear())
    : undefined;
  await sync?.start();
  const close = async () => {
    await sync?.stop();
    await usage.close();
    if (redis) await redis.quit();
    await changes?.close();
    await store.close();
  };
  return { services, reset, close };
}

/**
 * Where quota counters live (SPEC §7): Redis when given; the shared store when several servers
 * may count at once (PostgreSQL, or SQLite with --workers); else this process's memory, which
 * costs no round trip at all.
 */
function usageCounters(
  config: Config,
  store: Store,
  redis: Redis | undefined,
  breaker: CircuitBreaker,
): UsageCounters {
  if (redis) return new RedisUsageCounters(redis, config.redisPrefix, breaker);
  if (store.dialect.sharedByServers || config.workers > 1) return new StoreUsageCounters(store);
  return new MemoryUsageCounters();
}

/** Migrations, then the demo org if asked and the store is empty; safe with several servers at once. */
export async function prepareStore(
  store: Store,
  clock: Clock,
  config: Config,
  secrets: AppSecrets,
): Promise<void> {
  await migrate(store);
  // Uploads cut by a server that died mid-way; live ones of other servers keep beating (0009).
  await sweepStaleUploads(store, clock);
  await secrets.ready();
  if (!config.demo) return;
  await store.exclusive('seed', async (tx) => {
    if (await tx.isEmpty()) await seedDemoOrg(tx, clock, secrets);
  });
}

export async function startServer(
  config: Config,
  options: { logTo?: NodeJS.WritableStream } = {},
): Promise<{ app: FastifyInstance; runtime: Runtime; url: string; importedOrgId?: string }> {
  const runtime = await createRuntime(config, { prepare: !cluster.isWorker });
  const importedOrgId =
    config.importFile && !cluster.isWorker
      ? await importSnapshotFile(runtime.services, config.importFile).catch(async (error) => {
          await runtime.close();
          throw error;
        })
      : undefined;
  const registration = new ServerRegistration(runtime.services.store);
  const app = await buildApp(runtime.services, {
    loggerInstance: await createLogger({ level: config.logLevel, format: config.logFormat }, options.logTo),
    reset: async () => {
      await runtime.reset();
      await registration.renew();
    },
  });
  app.addHook('preClose', async () => registration.unregister().catch(() => undefined));
  app.addHook('onClose', async () => runtime.close());
  const url = await app.listen({ port: config.port, host: config.host }).catch(async (error) => {
    await app.close();
    throw (error as NodeJS.ErrnoException).code === 'EADDRINUSE'
      ? portInUse(config.host, config.port)
      : error;
  });
  // `chatterbox reset` and `token` look for it (src/control/live-servers.ts).
  await registration.register(url, config.publicUrl);
  return { app, runtime, url, ...(importedOrgId ? { importedOrgId } : {}) };
}

/** `chatterbox serve`: one process, or a primary that prepares the store and forks --workers. */
export async function serve(flags: RawFlags): Promise<void> {
  const config = loadConfig(flags);
  if (config.workers > 1 && cluster.isPrimary) {
    if (!config.databaseUrl && config.db === ':memory:')
      throw new Error('--workers needs a shared store: a SQLite file or PostgreSQL');
    // Workers listen through the primary: a busy port must stop the primary before it forks.
    await assertPortFree(config.host, config.port);
    if (config.exportOnExit) throw new Error('--export-on-exit needs a single process: leave out --workers');
    const runtime = await createRuntime(config);
    try {
      if (config.importFile) await importSnapshotFile(runtime.services, config.importFile);
    } finally {
      await runtime.close();
    }
    // Every worker must use the same admin token.
    const env = { CHATTERBOX_ADMIN_TOKEN: config.adminToken };
    for (let i = 0; i < config.workers; i++) cluster.fork(env);
    // A worker that fails (its store, its port) takes the whole server down with a non-zero status.
    cluster.on('exit', (_worker, code) => {
      if (code !== 0) process.exit(code ?? 1);
    });
    printBanner(
      await createLogger({ level: config.logLevel, format: config.logFormat }),
      config,
      `http://${config.host}:${config.port}`,
    );
    return;
  }
  const { app, runtime, url, importedOrgId } = await startServer(config);
  if (!cluster.isWorker) printBanner(app.log, config, url);
  const { exportOnExit } = config;
  const stop = async () => {
    let status = 0;
    if (exportOnExit)
      await exportSnapshotFile(runtime.services, exportOnExit, importedOrgId).catch((error: Error) => {
        process.stderr.write(`chatterbox: --export-on-exit ${exportOnExit}: ${error.message}\n`);
        status = 1;
      });
    await app.close();
    process.exit(status);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
