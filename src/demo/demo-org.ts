import type { AppSecrets } from '../auth/app-secrets.js';
import { hashPassword } from '../auth/secrets.js';
import { Provisioning } from '../control/provisioning.js';
import { KeyPrefix } from '../ids/salesforce-id.js';
import type { Clock } from '../lib/clock.js';
import type { Store } from '../store/store.js';
import { seedDemoFeed } from './demo-feed.js';
import { seedDemoRecords } from './demo-records.js';

export const DEMO_PASSWORD = 'demo-password-1';
export const DEMO_CLIENT_ID = 'chatterbox-demo';
export const DEMO_CLIENT_SECRET = 'chatterbox-demo-secret';

let demoPasswordHash: Promise<string> | undefined;

export const demoUsers = [
  { username: 'admin@acme.example', firstName: 'Ada', lastName: 'Admin', type: 'admin', partner: true },
  { username: 'alice@acme.example', firstName: 'Alice', lastName: 'Anders', type: 'standard', partner: true },
  { username: 'bob@acme.example', firstName: 'Bob', lastName: 'Baker', type: 'standard', partner: false },
  {
    username: 'dan@acme.example',
    firstName: 'Dan',
    lastName: 'Departed',
    type: 'standard',
    partner: false,
    inactive: true,
  },
  {
    username: 'carol@partner.example',
    firstName: 'Carol',
    lastName: 'Chen',
    type: 'external',
    partner: true,
  },
] as const;

/**
 * The demo org of SPEC §11. IDs come from the store's sequences, so on an empty store the demo
 * org always has the same IDs.
 */
export async function seedDemoOrg(store: Store, clock: Clock, secrets: AppSecrets): Promise<void> {
  // scrypt is slow on purpose; hashing the one demo password once keeps reset well under a second.
  demoPasswordHash ??= hashPassword(DEMO_PASSWORD);
  const passwordHash = await demoPasswordHash;
  await store.transaction(async (tx) => {
    const provisioning = new Provisioning(tx, clock);
    const org = await provisioning.createOrg('Acme');
    const community = await provisioning.createCommunity({
      orgId: org.id,
      name: 'Partner Community',
      description: 'Where Acme works with its partners.',
      urlPathPrefix: 'partners',
      guestAccess: true,
    });
    const ids = new Map<string, string>();
    for (const user of demoUsers) {
      const created = await provisioning.createUser({
        orgId: org.id,
        username: user.username,
        passwordHash,
        firstName: user.firstName,
        lastName: user.lastName,
        type: user.type,
        isActive: !('inactive' in user),
        communities: user.partner ? [community.id] : [],
        companyName: user.type === 'external' ? 'Partner Co' : 'Acme',
      });
      ids.set(user.username.split('@')[0] as string, created.id);
    }
    await provisioning.createApp(
      {
        orgId: org.id,
        name: 'Chatterbox Demo',
        clientId: DEMO_CLIENT_ID,
        clientSecret: DEMO_CLIENT_SECRET,
        runAsUsername: 'alice@acme.example',
      },
      secrets,
    );
    const now = clock.now();
    for (const group of demoGroups) {
      const groupId = await tx.newId(KeyPrefix.group);
      const ownerId = ids.get(group.owner) as string;
      await tx.groups.create({
        id: groupId,
        orgId: org.id,
        communityId: group.partner ? community.id : null,
        name: group.name,
        description: group.description,
        informationTitle: null,
        informationText: null,
        visibility: group.visibility,
        ownerId,
        canHaveChatterGuests: false,
        isArchived: false,
        isAutoArchiveDisabled: false,
        isBroadcast: false,
        lastPostAt: null,
        createdAt: now,
        modifiedAt: now,
      });
      for (const member of group.members) {
        await tx.memberships.addMember({
          id: await tx.newId(KeyPrefix.groupMember),
          orgId: org.id,
          groupId,
          userId: ids.get(member) as string,
          role: member === group.owner ? 'GroupOwner' : 'StandardMember',
          createdAt: now,
        });
      }
    }
    await seedDemoFeed(tx, clock, org.id);
    await seedDemoRecords(tx, clock, org.id);
  });
}

/** SPEC §11: the demo groups (members by username before the @). */
export const demoGroups = [
  {
    name: 'All Acme',
    description: 'Everyone at Acme.',
    visibility: 'PublicAccess',
    owner: 'admin',
    members: ['admin', 'alice', 'bob'],
    partner: false,
  },
  {
    name: 'Leadership',
    description: 'Where the leadership team talks.',
    visibility: 'PrivateAccess',
    owner: 'admin',
    members: ['admin'],
    partner: false,
  },
  {
    name: 'Partner Hub',
    description: 'Acme and its partners.',
    visibility: 'PublicAccess',
    owner: 'alice',
    members: ['alice', 'carol'],
    partner: true,
  },
] as const;
