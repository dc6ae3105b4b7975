import type { Kysely } from 'kysely';
import { AppSecrets } from '../../auth/app-secrets.js';
import { storedSealingKey } from '../sealing-keys.js';

/**
 * Connected-app secrets were stored in clear text (issue 9); from here on they are sealed
 * (decision 0022). This makes the store's own sealing key (used when no `--secret-key` is given;
 * kept out of `reset`'s reach) and seals every clear-text secret with it. The sealed format is
 * versioned (`sealed:v1:`), and AppSecrets opens every version it ever wrote, so this migration
 * may use it, and the store's key is read as the live code reads it.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not follow the live schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sealing_keys')
    .ifNotExists()
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('key', 'text', (c) => c.notNull())
    .execute();
  const key = await storedSealingKey(db);
  const secrets = new AppSecrets(async () => [key]);
  const apps = await db.selectFrom('connected_apps').select(['id', 'client_secret']).execute();
  for (const app of apps) {
    if (String(app.client_secret).startsWith('sealed:')) continue;
    await db
      .updateTable('connected_apps')
      .set({ client_secret: await secrets.seal(app.client_secret) })
      .where('id', '=', app.id)
      .execute();
  }
}
