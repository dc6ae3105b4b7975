import { type Kysely, PostgresAdapter, sql } from 'kysely';

/**
 * PostgreSQL only: `chatterbox_take_quota`, both quotas of one request in one statement, so the
 * quota stage costs one round trip (SPEC §7, decision 0013). On SQLite this migration does nothing:
 * the store counts there in a local transaction.
 *
 * The function is VOLATILE: under READ COMMITTED each statement in it takes a fresh snapshot, so
 * the sum read after the advisory lock was granted sees every count committed by the request that
 * held it. The lock is transaction-level: it is released when the caller's statement commits (or,
 * inside a transaction, when that commits). Its key names the schema too, so deployments sharing a
 * database through --pg-schema never wait for each other.
 *
 * Arguments (any group may be null: that quota is not counted): the org's lock name; the daily
 * keys (the 24 buckets of the window, oldest first, the current hour last), limit and expiry of a
 * new bucket; the hourly key, limit and expiry. Returns the outcome of each quota consulted (null
 * for one that was not), and for a refused daily count the count of each daily key, in order.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not follow the live schema type
export async function up(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`
    create function chatterbox_take_quota(
      p_lock text,
      p_daily_keys text[], p_daily_limit bigint, p_daily_expires_at bigint,
      p_hourly_key text, p_hourly_limit bigint, p_hourly_expires_at bigint,
      out daily_ok boolean, out daily_used bigint, out daily_counts bigint[],
      out hourly_ok boolean, out hourly_used bigint
    )
    language plpgsql volatile
    as $fn$
    begin
      if p_daily_keys is not null then
        perform pg_advisory_xact_lock(hashtextextended(current_schema() || ':' || p_lock, 0));
        select coalesce(sum(u.count), 0) into daily_used
          from usage_counters u where u.key = any(p_daily_keys);
        if daily_used >= p_daily_limit then
          daily_ok := false;
          select array_agg(coalesce(u.count, 0) order by k.i) into daily_counts
            from unnest(p_daily_keys) with ordinality as k(key, i)
            left join usage_counters u on u.key = k.key;
          return;
        end if;
        insert into usage_counters as u (key, count, expires_at)
          values (p_daily_keys[array_upper(p_daily_keys, 1)], 1, p_daily_expires_at)
          on conflict (key) do update set count = u.count + 1;
        daily_ok := true;
        daily_used := daily_used + 1;
      end if;
      if p_hourly_key is not null then
        if p_hourly_limit > 0 then
          insert into usage_counters as u (key, count, expires_at)
            values (p_hourly_key, 1, p_hourly_expires_at)
            on conflict (key) do update set count = u.count + 1 where u.count < p_hourly_limit
            returning u.count into hourly_used;
        end if;
        hourly_ok := hourly_used is not null;
        if not hourly_ok then hourly_used := p_hourly_limit; end if;
      end if;
    end
    $fn$
  `.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`drop function chatterbox_take_quota(text, text[], bigint, bigint, text, bigint, bigint)`.execute(
    db,
  );
}
