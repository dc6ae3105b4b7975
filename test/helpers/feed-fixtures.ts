/** Arranging state for the API tests: groups, follows and other orgs, straight through the store. */
import { KeyPrefix } from '../../src/ids/salesforce-id.js';
import { type Person, person } from './feed-shapes.js';
import { ADMIN_TOKEN, type Harness } from './harness.js';

export async function makeGroup(
  h: Harness,
  group: {
    name: string;
    visibility: 'PublicAccess' | 'PrivateAccess' | 'Unlisted';
    owner: string;
    members?: { id: string; role: 'GroupManager' | 'StandardMember' }[];
    communityId?: string | null;
  },
): Promise<string> {
  const store = h.services.store;
  const owner = await store.users.findAnyOrg(group.owner);
  if (!owner) throw new Error('no owner');
  const id = await store.newId(KeyPrefix.group);
  const now = h.services.clock.now();
  await store.groups.create({
    id,
    orgId: owner.orgId,
    communityId: group.communityId ?? null,
    name: group.name,
    description: null,
    informationTitle: null,
    informationText: null,
    visibility: group.visibility,
    ownerId: owner.id,
    canHaveChatterGuests: false,
    isArchived: false,
    isAutoArchiveDisabled: false,
    isBroadcast: false,
    lastPostAt: null,
    createdAt: now,
    modifiedAt: now,
  });
  for (const member of [{ id: owner.id, role: 'GroupOwner' as const }, ...(group.members ?? [])]) {
    await store.memberships.addMember({
      id: await store.newId(KeyPrefix.groupMember),
      orgId: owner.orgId,
      groupId: id,
      userId: member.id,
      role: member.role,
      createdAt: now,
    });
  }
  return id;
}

/** A subscription (follow) of a user to a user or group. */
export async function follow(h: Harness, subscriberId: string, subjectId: string): Promise<string> {
  const store = h.services.store;
  const subscriber = await store.users.findAnyOrg(subscriberId);
  const id = await store.newId(KeyPrefix.subscription);
  await store.db
    .insertInto('subscriptions')
    .values({
      id,
      org_id: subscriber?.orgId ?? '',
      community_id: null,
      subscriber_id: subscriberId,
      subject_id: subjectId,
      subject_kind: subjectId.startsWith(KeyPrefix.group) ? 'group' : 'user',
      created_at: h.services.clock.now(),
    })
    .execute();
  return id;
}

/** A second org with one standard user and an app; returns the user's access token. */
export async function otherOrgToken(h: Harness): Promise<{ token: string; orgId: string; userId: string }> {
  const call = async (url: string, payload: unknown) => {
    const response = await h.app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      payload: payload as Record<string, unknown>,
    });
    if (response.statusCode !== 201) throw new Error(`${url}: ${response.body}`);
    return response.json();
  };
  const org = await call('/_chatterbox/orgs', { name: 'Globex' });
  const user = await call('/_chatterbox/users', {
    orgId: org.id,
    username: `hank-${org.id}@globex.example`,
    password: 'globex-password-1',
    firstName: 'Hank',
    lastName: 'Scorpio',
    type: 'standard',
  });
  await call('/_chatterbox/apps', { orgId: org.id, name: 'Globex App' });
  const token = await call('/_chatterbox/tokens', { username: user.username });
  return { token: token.access_token, orgId: org.id, userId: user.id };
}

export const v36 = '/services/data/v36.0';

/** Logs in demo users by first name (`admin` is admin@acme.example…): their tokens and records. */
export async function signIn(
  h: Harness,
  names: readonly string[],
): Promise<{ tokens: Record<string, string>; people: Record<string, Person> }> {
  const tokens: Record<string, string> = {};
  const people: Record<string, Person> = {};
  for (const name of names) {
    tokens[name] = await h.login(`${name}@acme.example`);
    people[name] = await person(h, `${name}@acme.example`);
  }
  return { tokens, people };
}
