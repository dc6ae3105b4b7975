import { invalidInput } from '../errors/api-error.js';
import type { ConnectedAppRecord, UserRecord } from '../store/records.js';
import type { Store } from '../store/store.js';

/**
 * The user a control-plane call names, and the connected app it names or, by default, the org's
 * first app (`POST /_chatterbox/tokens`, `GET /_chatterbox/limits/usage`); 400 INVALID_INPUT
 * when either is not there.
 */
export async function findUserAndApp(
  store: Store,
  username: string,
  clientId: string | undefined,
): Promise<{ user: UserRecord; clientApp: ConnectedAppRecord }> {
  const user = await store.users.findByUsername(username);
  if (!user || user.type === 'guest') throw invalidInput(`Invalid username: no user ${username}.`);
  const clientApp = clientId
    ? await store.orgs.findAppByClientId(clientId)
    : await store.orgs.firstApp(user.orgId);
  if (!clientApp || clientApp.orgId !== user.orgId) {
    throw invalidInput(
      clientId ? `Invalid clientId: no app ${clientId} in the user's org.` : 'The org has no connected app.',
    );
  }
  return { user, clientApp };
}
