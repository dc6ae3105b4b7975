import { KeyPrefix } from '../../src/ids/salesforce-id.js';
import type { NewFeedElement } from '../../src/store/records.js';
import type { Store } from '../../src/store/store.js';
import type { NewUser } from '../../src/store/user-repository.js';

/** Rows the store contract suites start from. */

export const T0 = Date.UTC(2015, 4, 22, 17, 32, 10);

/** An empty text post by a user to their own profile, at T0. */
export function statusUpdate(id: string, orgId: string, authorId: string): NewFeedElement {
  return {
    id,
    orgId,
    communityId: null,
    authorId,
    subjectId: authorId,
    subjectKind: 'user',
    segments: [],
    text: '',
    type: 'TextPost',
    linkUrl: null,
    linkName: null,
    clientName: null,
    createdAt: T0,
    modifiedAt: T0,
  };
}

export async function newOrg(store: Store, name: string, createdAt = T0) {
  const org = { id: await store.newId(KeyPrefix.org), name, createdAt };
  await store.orgs.createOrg(org);
  return org;
}

export async function newUser(store: Store, orgId: string, fields: Partial<NewUser> & { username: string }) {
  const user: NewUser = {
    id: await store.newId(KeyPrefix.user),
    orgId,
    email: fields.username,
    firstName: 'First',
    lastName: 'Last',
    nickname: fields.username.split('@')[0] as string,
    type: 'standard',
    isActive: true,
    passwordHash: 'hash',
    createdAt: T0,
    ...fields,
  };
  await store.users.create(user);
  return user;
}
