import { type Kysely, PostgresAdapter, sql } from 'kysely';

/**
 * PostgreSQL only (decision 0029): quota counting without queueing an org's requests behind one
 * lock and one WAL flush. On SQLite this migration does nothing.
 *
 * 1. `usage_counters` becomes UNLOGGED: its writes produce no WAL, so the commit of a quota take
 *    does not wait for a flush. Counters are not precious: after a crash of PostgreSQL (not a clean
 *    restart) the table is empty and every window starts again from zero.
 * 2. `chatterbox_take_quota_2` counts the daily quota in one of three ways (the hourly one is the
 *    same atomic conditional upsert as before):
 *    - the sum of the org's 24 buckets, read without a lock, has reached the limit: refused, no
 *      lock taken, nothing written (counts only grow inside a window, so this is final);
 *    - the sum is at least `max_connections` below the limit: the org's advisory lock is taken in
 *      SHARED mode (requests of the org do not wait for one another), the sum is read again under
 *      it, and when still that far below the limit one is added to the current bucket. Exact: at
 *      most `max_connections` transactions can be between their read and their commit at once, so
 *      whichever admitted request read last, every other one is either in its sum or in flight,
 *      and the total stays ≤ its sum + max_connections ≤ the limit. If the sum moved too close in
 *      between, nothing is written and `retry` asks the caller to call again with `p_exclusive`;
 *    - otherwise (near the limit, or `p_exclusive`): the lock in EXCLUSIVE mode, as migration 004
 *      did, which waits for every shared holder to commit, so the sum it reads is exact.
 *    Servers still running `chatterbox_take_quota` (migration 004) during an upgrade take the same
 *    lock exclusively, so old and new servers count exactly together.
 *
 * Arguments as `chatterbox_take_quota`, plus `p_exclusive`; outputs as it, plus `retry`.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not follow the live schema type
export async function up(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`alter table usage_counters set unlogged`.execute(db);
  await sql`
    create function chatterbox_take_quota_2(
      p_lock text,
      p_daily_keys text[], p_daily_limit bigint, p_daily_expires_at bigint,
      p_hourly_key text, p_hourly_limit bigint, p_hourly_expires_at bigint,
      p_exclusive boolean,
      out daily_ok boolean, out daily_used bigint, out daily_counts bigint[],
      out hourly_ok boolean, out hourly_used bigint, out retry boolean
    )
    language plpgsql volatile
    as $fn$
    declare
      v_lock bigint;
      v_margin bigint;
    begin
      retry := false;
      if p_daily_keys is not null then
        v_lock := hashtextextended(current_schema() || ':' || p_lock, 0);
        v_margin := current_setting('max_connections')::bigint;
        select coalesce(sum(u.count), 0) into daily_used
          from usage_counters u where u.key = any(p_daily_keys);
        if daily_used < p_daily_limit then
          if not p_exclusive and daily_used + v_margin <= p_daily_limit then
            perform pg_advisory_xact_lock_shared(v_lock);
            select coalesce(sum(u.count), 0) into daily_used
              from usage_counters u where u.key = any(p_daily_keys);
            if daily_used + v_margin > p_daily_limit then
              retry := true;
              return;
            end if;
          else
            perform pg_advisory_xact_lock(v_lock);
            select coalesce(sum(u.count), 0) into daily_used
              from usage_counters u where u.key = any(p_daily_keys);
          end if;
        end if;
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
  await sql`drop function chatterbox_take_quota_2(text, text[], bigint, bigint, text, bigint, bigint, boolean)`.execute(
    db,
  );
  await sql`alter table usage_counters set logged`.execute(db);
}
