import {
  type Kysely,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  sql,
  type UnknownRow,
} from 'kysely';
import { formatId18 } from '../ids/id-generator.js';
import { ActivityRepository } from './activity-repository.js';
import { AnnouncementRepository } from './announcement-repository.js';
import { AuthRepository } from './auth-repository.js';
import { CommentRepository } from './comment-repository.js';
import type { Db, StoreDialect } from './dialects/dialect.js';
import { FeedRepository } from './feed-repository.js';
import { FileRepository } from './file-repository.js';
import { FollowRepository } from './follow-repository.js';
import { GroupRepository } from './group-repository.js';
import { JoinRequestRepository } from './join-request-repository.js';
import { LikeRepository } from './like-repository.js';
import { MembershipRepository } from './membership-repository.js';
import { OrgRepository } from './org-repository.js';
import { PhotoRepository } from './photo-repository.js';
import { PollRepository } from './poll-repository.js';
import { PostRepository } from './post-repository.js';
import { PostStateRepository } from './post-state-repository.js';
import { keepRawDatabase } from './raw-database.js';
import { RecordRepository } from './record-repository.js';
import type { Database } from './schema.js';
import { storedSealingKey } from './sealing-keys.js';
import { SettingsRepository } from './settings-repository.js';
import { SnapshotRepository } from './snapshot-repository.js';
import { StreamRepository } from './stream-repository.js';
import { TopicRepository } from './topic-repository.js';
import { UsageRepository } from './usage-repository.js';
import { UserRepository } from './user-repository.js';

export type { Db };

/**
 * The store moves data; the rules live above it (STYLE #9). One Kysely implementation serves
 * SQLite and PostgreSQL; what they do differently is named in `dialect` (src/store/dialects/).
 */
export class Store {
  readonly orgs: OrgRepository;
  readonly users: UserRepository;
  readonly auth: AuthRepository;
  readonly follows: FollowRepository;
  readonly groups: GroupRepository;
  readonly memberships: MembershipRepository;
  readonly joinRequests: JoinRequestRepository;
  readonly posts: PostRepository;
  /** Bookmarks, mutes, reads and edits of posts (migration 012). */
  readonly postState: PostStateRepository;
  readonly topics: TopicRepository;
  readonly polls: PollRepository;
  readonly settings: SettingsRepository;
  /** Streams and announcements (SPEC §12.6, migration 012). */
  readonly streams: StreamRepository;
  readonly announcements: AnnouncementRepository;
  readonly comments: CommentRepository;
  readonly likes: LikeRepository;
  readonly feeds: FeedRepository;
  readonly activity: ActivityRepository;
  readonly usage: UsageRepository;
  /** An org's rows as snapshots carry them (decision 0030). */
  readonly snapshots: SnapshotRepository;
  readonly records: RecordRepository;
  readonly files: FileRepository;
  /** Photos of users and groups (migration 015). */
  readonly photos: PhotoRepository;
  /** Private to the store: migrations and tests reach it through raw-database.ts. */
  readonly #db: Db;
  /** Statements run through this store and its transactions (tests prove pages have no N+1). */
  readonly queries: QueryCounter;

  constructor(
    db: Db,
    readonly dialect: StoreDialect,
    readonly idInstance: string,
    queries?: QueryCounter,
  ) {
    this.queries = queries ?? new QueryCounter();
    // The root store counts through a plugin; its transactions inherit it from the executor.
    db = queries ? db : (db.withPlugin(this.queries) as Db);
    this.#db = db;
    keepRawDatabase(this, db);
    this.orgs = new OrgRepository(db);
    this.users = new UserRepository(db);
    this.auth = new AuthRepository(db);
    this.follows = new FollowRepository(db);
    this.groups = new GroupRepository(db, dialect);
    this.memberships = new MembershipRepository(db);
    this.joinRequests = new JoinRequestRepository(db);
    this.posts = new PostRepository(db, dialect);
    this.postState = new PostStateRepository(db);
    this.topics = new TopicRepository(db, dialect);
    this.polls = new PollRepository(db);
    this.settings = new SettingsRepository(db);
    this.streams = new StreamRepository(db);
    this.announcements = new AnnouncementRepository(db);
    this.comments = new CommentRepository(db);
    this.likes = new LikeRepository(db, dialect);
    this.feeds = new FeedRepository(db);
    this.activity = new ActivityRepository(db);
    this.usage = new UsageRepository(db, dialect);
    this.snapshots = new SnapshotRepository(db, dialect);
    this.records = new RecordRepository(db);
    this.files = new FileRepository(db);
    this.photos = new PhotoRepository(db);
  }

  /** The dialect's name, as the control plane reports it. */
  get kind(): string {
    return this.dialect.name;
  }

  /** Runs fn in one transaction; everything it writes is rolled back if it throws. */
  async transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    if (this.#db.isTransaction) return fn(this);
    return (this.#db as Kysely<Database>)
      .transaction()
      .execute((trx) => fn(new Store(trx, this.dialect, this.idInstance, this.queries)));
  }

  /**
   * Like transaction(), but no other server sharing the database runs its own exclusive section at
   * the same time (first-start seeding when several servers start at once, SPEC §10).
   */
  async exclusive<T>(name: string, fn: (tx: Store) => Promise<T>): Promise<T> {
    return this.transaction(async (tx) => {
      await this.dialect.lockSection(tx.#db, name);
      return fn(tx);
    });
  }

  /** A new 18-character ID with the given key prefix (SPEC §3). */
  async newId(prefix: string): Promise<string> {
    return (await this.newIds(prefix, 1))[0] as string;
  }

  /** `count` new IDs of one key prefix in one statement: the sequence moves on by `count`. */
  async newIds(prefix: string, count: number): Promise<string[]> {
    if (count < 1) return [];
    const row = await this.#db
      .insertInto('id_sequences')
      .values({ prefix, value: count })
      .onConflict((oc) => oc.column('prefix').doUpdateSet({ value: sql`id_sequences.value + ${count}` }))
      .returning('value')
      .executeTakeFirstOrThrow();
    const first = Number(row.value) - count + 1;
    return Array.from({ length: count }, (_, i) => formatId18(prefix, this.idInstance, first + i));
  }

  /**
   * The next number of a named counter, from 1 (a Case's CaseNumber): kept beside the ID sequences,
   * so a transaction that fails takes none, and reset starts them again.
   */
  async nextNumber(counter: string): Promise<number> {
    const row = await this.#db
      .insertInto('id_sequences')
      .values({ prefix: `#${counter}`, value: 1 })
      .onConflict((oc) => oc.column('prefix').doUpdateSet({ value: sql`id_sequences.value + 1` }))
      .returning('value')
      .executeTakeFirstOrThrow();
    return Number(row.value);
  }

  /**
   * `count` consecutive IDs of one prefix from a single sequence update (bulk loading, where one
   * upsert per ID would cost more than the rows): `range.id(i)` is the i-th, 0-based.
   */
  async reserveIds(prefix: string, count: number): Promise<IdRange> {
    const row = await this.#db
      .insertInto('id_sequences')
      .values({ prefix, value: count })
      .onConflict((oc) => oc.column('prefix').doUpdateSet({ value: sql`id_sequences.value + ${count}` }))
      .returning('value')
      .executeTakeFirstOrThrow();
    const first = Number(row.value) - count + 1;
    return { count, id: (i: number) => formatId18(prefix, this.idInstance, first + i) };
  }

  /** After a bulk load: the planner learns the tables' new sizes, where the database keeps statistics. */
  async refreshPlannerStatistics(): Promise<void> {
    await this.dialect.analyze(this.#db, [
      'feed_elements',
      'feed_mentions',
      'user_activity',
      'groups',
      'topic_assignments',
      'topics',
    ]);
  }

  async getSetting(key: string): Promise<string | undefined> {
    const row = await this.#db
      .selectFrom('settings')
      .select('value')
      .where('key', '=', key)
      .executeTakeFirst();
    return row?.value;
  }

  async putSetting(key: string, value: string): Promise<void> {
    await this.#db
      .insertInto('settings')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
      .execute();
  }

  /** Settings whose key starts with `prefix`, in key order (the live-server registry). */
  async settingsWithPrefix(prefix: string): Promise<{ key: string; value: string }[]> {
    return this.#db
      .selectFrom('settings')
      .select(['key', 'value'])
      .where('key', '>=', prefix)
      .where('key', '<', `${prefix}\uffff`)
      .orderBy('key')
      .execute();
  }

  async deleteSetting(key: string): Promise<void> {
    await this.#db.deleteFrom('settings').where('key', '=', key).execute();
  }

  /**
   * Empties every table (control-plane reset): the schema stays, the data and sequences go. The
   * sealing keys stay (decision 0022): what any server sealed must still open.
   */
  /** The key that seals connected-app secrets at rest, made on first use (decision 0022). */
  async sealingKey(): Promise<Buffer> {
    return storedSealingKey(this.#db);
  }

  async truncateAll(): Promise<void> {
    const tables = [
      'photos',
      'group_member_settings',
      'user_settings',
      'announcements',
      'stream_subscriptions',
      'streams',
      'poll_votes',
      'poll_choices',
      'topic_assignments',
      'record_topic_assignments',
      'topics',
      'feed_reads',
      'feed_mutes',
      'feed_bookmarks',
      'records',
      'custom_objects',
      'file_attachments',
      'file_renditions',
      'file_chunks',
      'files',
      'subscriptions',
      'likes',
      'comments',
      'feed_mentions',
      'feed_elements',
      'join_requests',
      'group_members',
      'groups',
      'sessions',
      'refresh_tokens',
      'connected_apps',
      'community_members',
      'communities',
      'user_activity',
      'users',
      'orgs',
      'usage_counters',
      'settings',
      'id_sequences',
    ] as const;
    await this.dialect.truncate(this.#db, tables);
  }

  async isEmpty(): Promise<boolean> {
    const row = await this.#db.selectFrom('orgs').select('id').limit(1).executeTakeFirst();
    return row === undefined;
  }

  async close(): Promise<void> {
    if (!this.#db.isTransaction) await (this.#db as Kysely<Database>).destroy();
  }
}

export interface IdRange {
  count: number;
  id(i: number): string;
}

/** A Kysely plugin that counts executed statements (BEGIN/COMMIT are not statements here). */
export class QueryCounter implements KyselyPlugin {
  count = 0;

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    this.count++;
    return args.result;
  }
}
