import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';

/**
 * The store's own sealing key for app secrets (decision 0022), made by the first server that needs
 * it (two at once: the second insert does nothing, and both read the first one's key).
 */
// biome-ignore lint/suspicious/noExplicitAny: used on the migration's untyped handle too
export async function storedSealingKey(db: Kysely<any>): Promise<Buffer> {
  await db
    .insertInto('sealing_keys')
    .values({ name: 'app-secrets', key: randomBytes(32).toString('base64') })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db
    .selectFrom('sealing_keys')
    .select('key')
    .where('name', '=', 'app-secrets')
    .executeTakeFirstOrThrow();
  return Buffer.from(row.key as string, 'base64');
}
