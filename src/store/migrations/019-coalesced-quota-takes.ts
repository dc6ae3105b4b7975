import { type Kysely, PostgresAdapter, sql } from 'kysely';

/**
 * PostgreSQL only (decision 0037): `chatterbox_take_quotas`, up to 16 quota takes of one org in one
 * clock hour, counted in the order given, in one statement — the takes a server queued while its
 * previous call for that org was running (group commit). Each take gets the answer it would have
 * got from its own call of `chatterbox_take_quota_2` (migration 013) made in that order. On SQLite
 * this migration does nothing.
 *
 * Arguments: the org's lock name; the org's 24 daily keys (oldest first, the current hour last) and
 * the expiry of a new daily bucket; per take, its daily limit (null: not counted daily), its hourly
 * key and limit (null key: not counted hourly); the expiry of a new hourly bucket; `p_exclusive`.
 *
 * The daily count is read once, under the org's advisory lock (none when it has already reached
 * every take's limit: counts only grow inside a window), then each take in turn is admitted while
 * the running count is below its limit; the admitted ones are added to the current bucket in one
 * write. The lock is SHARED while the count is at least `max_connections` × 16 below every limit:
 * at most `max_connections` transactions are between their read and their commit at once and
 * each adds at most 16, so whichever admitted call read last, the total stays within its sum +
 * `max_connections` × 16 ≤ the limit (decision 0029's argument, with 16 per call instead of 1).
 * Nearer, or with `p_exclusive`, the lock is EXCLUSIVE and the sum exact. If the count came within
 * the margin between the two reads, nothing is written and `retry` asks for the exclusive call.
 *
 * Each take's hourly count, unless its daily take refused, is the same atomic conditional upsert
 * as before, in turn, so takes of one key see each other's increments in order.
 *
 * Outputs, one entry per take (null where that quota was not consulted): daily_ok, daily_used,
 * hourly_ok, hourly_used; and, when some daily take was refused, daily_counts (the count of each
 * daily key before this call's increment) with daily_sum (their sum as the takes were counted
 * from it), from which the caller computes each refusal's Retry-After.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not follow the live schema type
export async function up(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`
    create function chatterbox_take_quotas(
      p_lock text, p_daily_keys text[], p_daily_expires_at bigint, p_daily_limits bigint[],
      p_hourly_keys text[], p_hourly_limits bigint[], p_hourly_expires_at bigint,
      p_exclusive boolean,
      out daily_ok boolean[], out daily_used bigint[], out daily_counts bigint[], out daily_sum bigint,
      out hourly_ok boolean[], out hourly_used bigint[], out retry boolean
    )
    language plpgsql volatile
    as $fn$
    declare
      n int := coalesce(cardinality(p_daily_limits), 0);
      v_lock bigint;
      v_margin bigint;
      v_min bigint;
      v_max bigint;
      v_used bigint;
      v_count bigint;
      i int;
    begin
      retry := false;
      if n > 16 then
        raise exception 'chatterbox_take_quotas: % takes in one call, at most 16', n;
      end if;
      daily_ok := array_fill(null::boolean, array[n]);
      daily_used := array_fill(null::bigint, array[n]);
      hourly_ok := array_fill(null::boolean, array[n]);
      hourly_used := array_fill(null::bigint, array[n]);
      -- A loop of plain expressions, not a query: the lone take's call must cost no more than
      -- chatterbox_take_quota_2's.
      foreach v_count in array coalesce(p_daily_limits, '{}') loop
        if v_count is not null then
          v_min := least(v_min, v_count);
          v_max := greatest(v_max, v_count);
        end if;
      end loop;
      if v_max is not null then
        v_lock := hashtextextended(current_schema() || ':' || p_lock, 0);
        v_margin := current_setting('max_connections')::bigint * 16;
        select coalesce(sum(u.count), 0) into daily_sum
          from usage_counters u where u.key = any(p_daily_keys);
        if daily_sum < v_max then
          if not p_exclusive and daily_sum + v_margin <= v_min then
            perform pg_advisory_xact_lock_shared(v_lock);
            select coalesce(sum(u.count), 0) into daily_sum
              from usage_counters u where u.key = any(p_daily_keys);
            if daily_sum + v_margin > v_min then
              retry := true;
              return;
            end if;
          else
            perform pg_advisory_xact_lock(v_lock);
            select coalesce(sum(u.count), 0) into daily_sum
              from usage_counters u where u.key = any(p_daily_keys);
          end if;
        end if;
      end if;
      v_used := daily_sum;
      for i in 1 .. n loop
        if p_daily_limits[i] is not null then
          daily_ok[i] := v_used < p_daily_limits[i];
          if daily_ok[i] then v_used := v_used + 1; end if;
          daily_used[i] := v_used;
        end if;
        if p_hourly_keys[i] is not null and daily_ok[i] is not false then
          v_count := null;
          if p_hourly_limits[i] > 0 then
            insert into usage_counters as u (key, count, expires_at)
              values (p_hourly_keys[i], 1, p_hourly_expires_at)
              on conflict (key) do update set count = u.count + 1 where u.count < p_hourly_limits[i]
              returning u.count into v_count;
          end if;
          hourly_ok[i] := v_count is not null;
          hourly_used[i] := coalesce(v_count, p_hourly_limits[i]);
        end if;
      end loop;
      if false = any(daily_ok) then
        select array_agg(coalesce(u.count, 0) order by k.i) into daily_counts
          from unnest(p_daily_keys) with ordinality as k(key, i)
          left join usage_counters u on u.key = k.key;
      end if;
      if v_used > daily_sum then
        insert into usage_counters as u (key, count, expires_at)
          values (p_daily_keys[array_upper(p_daily_keys, 1)], v_used - daily_sum, p_daily_expires_at)
          on conflict (key) do update set count = u.count + (v_used - daily_sum);
      end if;
    end
    $fn$
  `.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`drop function chatterbox_take_quotas(text, text[], bigint, bigint[], text[], bigint[], bigint, boolean)`.execute(
    db,
  );
}
