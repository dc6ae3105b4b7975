import type SQLite from 'better-sqlite3';
import { type Change, type ChangeFeed, ChangeListeners, parseChange } from '../change-feed.js';

/** The function the triggers call; registered on the server's own connection only. */
const FUNCTION = 'chatterbox_changed';

/**
 * What each trigger announces, in the payloads of migration 018 (PostgreSQL's notifications):
 * table, event, and the payload built from the row (`new` or `old`). `userColumns`: the columns of
 * `users` whose update announces the user, i.e. all but the login throttle's.
 */
function triggers(userColumns: readonly string[]): { table: string; event: string; payload: string }[] {
  return [
    // Touching last_used_at (once a minute per session in use) announces nothing.
    {
      table: 'sessions',
      event: 'update of revoked_at, user_id, org_id, app_id',
      payload: `'s:' || new.token_hash`,
    },
    { table: 'sessions', event: 'delete', payload: `'s:' || old.token_hash` },
    { table: 'users', event: 'insert', payload: `'u:' || new.id` },
    { table: 'users', event: `update of ${userColumns.join(', ')}`, payload: `'u:' || new.id` },
    { table: 'users', event: 'delete', payload: `'u:' || old.id` },
    ...['user_activity', 'group_members'].flatMap((table) => [
      { table, event: 'insert', payload: `'a:' || new.user_id` },
      { table, event: 'update', payload: `'a:' || new.user_id` },
      { table, event: 'delete', payload: `'a:' || old.user_id` },
    ]),
    ...(['insert', 'update', 'delete'] as const).flatMap((event) => {
      const row = event === 'delete' ? 'old' : 'new';
      return [
        { table: 'subscriptions', event, payload: `'a:' || ${row}.subscriber_id` },
        { table: 'subscriptions', event, payload: `'a:' || ${row}.subject_id` },
      ];
    }),
    { table: 'groups', event: 'update of deleted_at', payload: `'o:' || new.org_id` },
    { table: 'groups', event: 'delete', payload: `'o:' || old.org_id` },
  ];
}

/** The marks: whether the feed looked at data_version when the request arrived. */
const LOOKED = 1;
const NOT_LOOKED = 0;

/** A wrong password changes these and nothing a server keeps. */
const THROTTLE_COLUMNS = new Set(['failed_logins', 'locked_until']);

/**
 * SQLite's change feed (decision 0039): what lets one server keep sessions and User Detail in
 * memory on SQLite as on PostgreSQL (decision 0031).
 *
 * - This process's own writes: TEMP triggers on the server's connection call a function of this
 *   process at each write to the rows kept in memory, synchronously, inside the statement. TEMP,
 *   so they exist only on this connection: another process opening the file (a `chatterbox`
 *   command, the sqlite3 shell) has neither the triggers nor needs the function.
 * - Every other connection's writes (another process, another server on the file): `PRAGMA
 *   data_version` moves when another connection committed; it cannot say what, so everything is
 *   dropped. With `--workers` every request writes its quota counters to the file, which would
 *   empty the caches at nearly every request: main.ts opens no feed then.
 */
export class SqliteChangeFeed implements ChangeFeed {
  /** Nothing to lose: the triggers run inside the writes themselves. */
  readonly live = true;
  readonly #listeners = new ChangeListeners();
  readonly #dataVersion: SQLite.Statement<[], number>;
  #seenVersion: number;

  constructor(private readonly sqlite: SQLite.Database) {
    // directOnly: SQL stored in the file (a view, a trigger someone else created) cannot call it;
    // TEMP triggers may, being this connection's own.
    sqlite.function(FUNCTION, { deterministic: false, directOnly: true }, (payload: unknown) => {
      this.#listeners.emit(parseChange(String(payload)));
      return null;
    });
    const userColumns = (sqlite.pragma('table_info(users)') as { name: string }[])
      .map((column) => column.name)
      .filter((name) => !THROTTLE_COLUMNS.has(name));
    triggers(userColumns).forEach(({ table, event, payload }, i) => {
      sqlite.exec(
        `create temp trigger if not exists chatterbox_changed_${i} after ${event} on main.${table} ` +
          `begin select ${FUNCTION}(${payload}); end`,
      );
    });
    this.#dataVersion = sqlite.prepare<[], number>('pragma data_version').pluck();
    this.#seenVersion = this.#dataVersion.get() as number;
  }

  get generation(): number {
    return this.#listeners.generation;
  }

  /**
   * Looks as the request arrives, so that what it reads first (its session, before it asks
   * caughtUp) is no older than the other connections' commits before it. The mark says whether
   * that look was made: caughtUp needs no other, since a commit after the mark is one the request
   * may miss (it could as well have run before it), and this connection's own writes are heard as
   * they are made. One look a request, not one before each cached entry too: a batch's
   * subrequests, which share a mark (shared-mark.ts), look once between them.
   */
  mark(): number {
    return this.#look() ? LOOKED : NOT_LOOKED;
  }

  /** A mark taken inside a transaction looks now, as the cached entry is about to be used. */
  caughtUp(mark: number): boolean {
    return mark === LOOKED || this.#look();
  }

  /**
   * Synchronous: another connection's commit since the last look drops everything first. Inside
   * an open transaction (another request's write, between its statements) data_version holds the
   * transaction's snapshot and cannot tell: false, so the request reads the store, which it does
   * once that transaction has ended.
   */
  #look(): boolean {
    if (this.sqlite.inTransaction) return false;
    const version = this.#dataVersion.get() as number;
    if (version !== this.#seenVersion) {
      this.#seenVersion = version;
      this.#listeners.emitAll();
    }
    return true;
  }

  onChange(listener: (change: Change) => void): void {
    this.#listeners.add(listener);
  }

  /** The triggers go with the connection, which the store closes. */
  async close(): Promise<void> {}
}
