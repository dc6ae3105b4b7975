import { type Kysely, PostgresAdapter, sql } from 'kysely';

/**
 * PostgreSQL only (decision 0031): every committed write that changes what a server
 * keeps in memory is announced with NOTIFY, from triggers, so that it is announced whoever wrote
 * it (a server, `chatterbox` commands, a snapshot import, another version of the server). The
 * channel is `chatterbox_changes_` + the md5 of the schema (deployments in other schemas of the
 * same database do not hear each other; a channel name has at most 63 bytes). Payloads:
 *
 * - `s:<token hash>`: a session's revocation (or its row) changed; `last_used_at` alone does not;
 * - `u:<user id>`: a user row changed (deactivation, aboutMe, name…; not the login throttle's counts);
 * - `a:<user id>`: a count of User Detail changed (activity counters, follows, group members);
 * - `o:<org id>`: a group was deleted or restored: every member's group count changed;
 * - `*`: a table was truncated (reset): everything.
 *
 * The notification is sent at commit, in commit order, or not at all on rollback. On SQLite this
 * migration does nothing: there the server sees every write of its own process, and
 * `PRAGMA data_version` those of other processes.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not follow the live schema type
export async function up(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`
    create function chatterbox_changed() returns trigger
    language plpgsql
    as $fn$
    declare
      v_channel text := 'chatterbox_changes_' || md5(TG_TABLE_SCHEMA);
      v_row record;
    begin
      if TG_OP = 'TRUNCATE' then
        perform pg_notify(v_channel, '*');
        return null;
      end if;
      if TG_OP = 'DELETE' then v_row := OLD; else v_row := NEW; end if;
      if TG_TABLE_NAME = 'sessions' then
        perform pg_notify(v_channel, 's:' || v_row.token_hash);
      elsif TG_TABLE_NAME = 'users' then
        -- The login throttle's counts are no part of what is kept: a wrong password changes nothing.
        if TG_OP <> 'UPDATE' or to_jsonb(OLD) - '{failed_logins,locked_until}'::text[]
            is distinct from to_jsonb(NEW) - '{failed_logins,locked_until}'::text[] then
          perform pg_notify(v_channel, 'u:' || v_row.id);
        end if;
      elsif TG_TABLE_NAME = 'user_activity' or TG_TABLE_NAME = 'group_members' then
        perform pg_notify(v_channel, 'a:' || v_row.user_id);
      elsif TG_TABLE_NAME = 'subscriptions' then
        perform pg_notify(v_channel, 'a:' || v_row.subscriber_id);
        perform pg_notify(v_channel, 'a:' || v_row.subject_id);
      elsif TG_TABLE_NAME = 'groups' then
        perform pg_notify(v_channel, 'o:' || v_row.org_id);
      end if;
      return null;
    end
    $fn$
  `.execute(db);
  // Touching last_used_at (once a minute per session in use) announces nothing.
  await sql`create trigger sessions_changed after update of revoked_at, user_id, org_id, app_id or delete on sessions for each row execute function chatterbox_changed()`.execute(
    db,
  );
  for (const table of ['users', 'user_activity', 'group_members', 'subscriptions']) {
    await sql`create trigger ${sql.raw(`${table}_changed`)} after insert or update or delete on ${sql.table(table)} for each row execute function chatterbox_changed()`.execute(
      db,
    );
  }
  await sql`create trigger groups_changed after update of deleted_at or delete on groups for each row execute function chatterbox_changed()`.execute(
    db,
  );
  for (const table of ['sessions', 'users', 'user_activity', 'group_members', 'subscriptions', 'groups']) {
    await sql`create trigger ${sql.raw(`${table}_truncated`)} after truncate on ${sql.table(table)} for each statement execute function chatterbox_changed()`.execute(
      db,
    );
  }
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`drop function chatterbox_changed() cascade`.execute(db);
}
