import { createHash } from 'node:crypto';
import { rawDatabase } from '../../src/store/raw-database.js';
import type { Store } from '../../src/store/store.js';

/**
 * The tables that hold what clients wrote (records, memberships, posts…), with the columns that a
 * refused request may still change left out: a failed login counts towards the user's lockout, a
 * refused request may burn an ID or count towards a quota, and the control plane's settings are
 * not records. A refused write must leave the fingerprint as it was (issue 9).
 */
const RECORD_TABLES = [
  'orgs',
  'communities',
  'community_members',
  'users',
  'connected_apps',
  'groups',
  'group_members',
  'join_requests',
  'feed_elements',
  'feed_mentions',
  'comments',
  'likes',
  'subscriptions',
] as const;

const VOLATILE_COLUMNS = new Set(['failed_logins', 'locked_until']);

/** A hash of every record a client can write, in a stable order. */
export async function storeFingerprint(store: Store): Promise<string> {
  // All at once: on PostgreSQL the pool runs them side by side.
  const tables = await Promise.all(
    RECORD_TABLES.map(async (table) => {
      const rows = (await rawDatabase(store).selectFrom(table).selectAll().execute()) as Record<
        string,
        unknown
      >[];
      const lines = rows.map((row) =>
        JSON.stringify(Object.entries(row).filter(([column]) => !VOLATILE_COLUMNS.has(column))),
      );
      return `${table}\n${lines.sort().join('\n')}\n`;
    }),
  );
  return createHash('sha256').update(tables.join('')).digest('hex');
}
