import { type Kysely, sql, type Transaction } from 'kysely';
import { formatId18 } from '../ids/id-generator.js';
import { AuthRepository } from './auth-repository.js';
import { FollowRepository } from './follow-repository.js';
import { GroupRepository } from './group-repository.js';
import { OrgRepository } from './org-repository.js';
import type { Database } from './schema.js';
import { UserRepository } from './user-repository.js';

export type StoreKind = 'sqlite' | 'postgres';
export type Db = Kysely<Database> | Transaction<Database>;

/**
 * The store moves data; the rules live above it (STYLE #9). One Kysely implementation serves
 * SQLite and PostgreSQL; the few differences are named by `kind`.
 */
export class Store {
  readonly orgs: OrgRepository;
  readonly users: UserRepository;
  readonly auth: AuthRepository;
  readonly follows: FollowRepository;
  readonly groups: GroupRepository;

  constructor(
    readonly db: Db,
    readonly kind: StoreKind,
    readonly idInstance: string,
  ) {
    this.orgs = new OrgRepository(db);
    this.users = new UserRepository(db);
    this.auth = new AuthRepository(db);
    this.follows = new FollowRepository(db);
    this.groups = new GroupRepository(db);
  }

  /** Runs fn in one transaction; everything it writes is rolled back if it throws. */
  async transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) return fn(this);
    return (this.db as Kysely<Database>)
      .transaction()
      .execute((trx) => fn(new Store(trx, this.kind, this.idInstance)));
  }

  /**
   * Like transaction(), but no other server sharing the database runs its own exclusive section at
   * the same time (first-start seeding when several servers start at once, SPEC §10).
   */
  async exclusive<T>(name: string, fn: (tx: Store) => Promise<T>): Promise<T> {
    if (this.kind === 'postgres') {
      return this.transaction(async (tx) => {
        await sql`select pg_advisory_xact_lock(hashtext(${name}))`.execute(tx.db);
        return fn(tx);
      });
    }
    // SQLite: a write first takes the database's write lock until commit, so the section is serial.
    return this.transaction(async (tx) => {
      await tx.db
        .insertInto('settings')
        .values({ key: `lock:${name}`, value: '1' })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: '1' }))
        .execute();
      return fn(tx);
    });
  }

  /** A new 18-character ID with the given key prefix (SPEC §3). */
  async newId(prefix: string): Promise<string> {
    const row = await this.db
      .insertInto('id_sequences')
      .values({ prefix, value: 1 })
      .onConflict((oc) => oc.column('prefix').doUpdateSet({ value: sql`id_sequences.value + 1` }))
      .returning('value')
      .executeTakeFirstOrThrow();
    return formatId18(prefix, this.idInstance, Number(row.value));
  }

  async getSetting(key: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('settings')
      .select('value')
      .where('key', '=', key)
      .executeTakeFirst();
    return row?.value;
  }

  async putSetting(key: string, value: string): Promise<void> {
    await this.db
      .insertInto('settings')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
      .execute();
  }

  /** Empties every table (control-plane reset): the schema stays, the data and sequences go. */
  async truncateAll(): Promise<void> {
    const tables = [
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
      'users',
      'orgs',
      'usage_counters',
      'settings',
      'id_sequences',
    ] as const;
    if (this.kind === 'postgres') {
      await sql`truncate table ${sql.join(tables.map((t) => sql.table(t)))}`.execute(this.db);
      return;
    }
    await this.transaction(async (tx) => {
      for (const table of tables) await tx.db.deleteFrom(table).execute();
    });
  }

  async isEmpty(): Promise<boolean> {
    const row = await this.db.selectFrom('orgs').select('id').limit(1).executeTakeFirst();
    return row === undefined;
  }

  async close(): Promise<void> {
    if (!this.db.isTransaction) await (this.db as Kysely<Database>).destroy();
  }
}
