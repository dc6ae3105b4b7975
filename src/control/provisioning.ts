import { randomBytes } from 'node:crypto';
import type { AppSecrets } from '../auth/app-secrets.js';
import { hashPassword } from '../auth/secrets.js';
import { invalidInput } from '../errors/api-error.js';
import { KeyPrefix, parseId, prefixOf, to18 } from '../ids/salesforce-id.js';
import type { Clock } from '../lib/clock.js';
import type {
  CommunityRecord,
  ConnectedAppRecord,
  OrgRecord,
  UserRecord,
  UserType,
} from '../store/records.js';
import type { Store } from '../store/store.js';

export interface NewUserInput {
  orgId?: string | undefined;
  username: string;
  password?: string | undefined;
  /** An already computed hash (the demo org hashes its one password once per process). */
  passwordHash?: string | undefined;
  firstName: string;
  lastName: string;
  type: Exclude<UserType, 'guest'>;
  communities?: string[] | undefined;
  isActive?: boolean | undefined;
  email?: string | undefined;
  title?: string | undefined;
  companyName?: string | undefined;
}

export interface NewAppInput {
  orgId?: string | undefined;
  name: string;
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  runAsUsername?: string | undefined;
}

/**
 * Creating orgs, users, communities and connected apps: used by the control plane (SPEC §9), the
 * CLI (§10) and the demo org (§11), so the three always create the same records.
 */
export class Provisioning {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async createOrg(name: string): Promise<OrgRecord> {
    const org = { id: await this.store.newId(KeyPrefix.org), name, createdAt: this.clock.now() };
    await this.store.orgs.createOrg(org);
    return org;
  }

  /** The org a control-plane call names (15 or 18 characters), else the first; 400 when none. */
  async orgFor(orgId: string | undefined): Promise<string> {
    return this.#orgId(orgId);
  }

  /** The org a new record goes to: the given one (15 or 18 characters, SPEC §3), else the first. */
  async #orgId(orgId: string | undefined): Promise<string> {
    if (orgId !== undefined) {
      const id = parseId(orgId);
      const org = id && prefixOf(id) === KeyPrefix.org ? await this.store.orgs.findOrg(to18(id)) : undefined;
      // A body value naming no org is bad input (SPEC §2: 400), not a missing resource.
      if (!org) throw invalidInput(`Invalid orgId: ${orgId} is not an org.`);
      return org.id;
    }
    const first = await this.store.orgs.firstOrg();
    if (!first) throw invalidInput('There is no org yet: create one first (POST /_chatterbox/orgs).');
    return first.id;
  }

  async createUser(input: NewUserInput): Promise<UserRecord> {
    return this.store.transaction(async (tx) => {
      const orgId = await new Provisioning(tx, this.clock).#orgId(input.orgId);
      if (await tx.users.usernameTaken(input.username)) {
        throw invalidInput(`Invalid username: ${input.username} is already taken.`);
      }
      const communities: string[] = [];
      for (const communityId of input.communities ?? []) {
        const id = parseId(communityId);
        const community = id ? await tx.orgs.findCommunity(orgId, to18(id)) : undefined;
        if (!community)
          throw invalidInput(`Invalid communities: ${communityId} is not a community of this org.`);
        communities.push(community.id);
      }
      const id = await tx.newId(KeyPrefix.user);
      const now = this.clock.now();
      await tx.users.create({
        id,
        orgId,
        username: input.username,
        email: input.email ?? input.username,
        firstName: input.firstName,
        lastName: input.lastName,
        nickname: nicknameFor(input.username),
        title: input.title ?? null,
        companyName: input.companyName ?? null,
        type: input.type,
        isActive: input.isActive ?? true,
        passwordHash: input.passwordHash ?? (input.password ? await hashPassword(input.password) : null),
        createdAt: now,
      });
      for (const communityId of communities) await tx.orgs.addCommunityMember(orgId, communityId, id);
      return (await tx.users.find(orgId, id)) as UserRecord;
    });
  }

  /** A community, with its guest user when guest access is on (SPEC §5). */
  async createCommunity(input: {
    orgId: string;
    name: string;
    description?: string;
    urlPathPrefix: string;
    guestAccess: boolean;
  }): Promise<CommunityRecord> {
    return this.store.transaction(async (tx) => {
      const community: CommunityRecord = {
        id: await tx.newId(KeyPrefix.community),
        orgId: input.orgId,
        name: input.name,
        description: input.description ?? null,
        urlPathPrefix: input.urlPathPrefix,
        status: 'Live',
        guestAccess: input.guestAccess,
        allowMembersToFlag: false,
        guestUserId: null,
      };
      await tx.orgs.createCommunity(community, this.clock.now());
      if (input.guestAccess) {
        const guestId = await tx.newId(KeyPrefix.user);
        await tx.users.create({
          id: guestId,
          orgId: input.orgId,
          username: `guest-${community.id.toLowerCase()}@guest.chatterbox.local`,
          email: '',
          firstName: input.name,
          lastName: 'Guest',
          nickname: `${input.urlPathPrefix}-guest`,
          type: 'guest',
          isActive: true,
          passwordHash: null,
          createdAt: this.clock.now(),
        });
        await tx.orgs.setCommunityGuest(community.id, guestId);
        community.guestUserId = guestId;
      }
      return community;
    });
  }

  /** A connected app; its secret is stored sealed, and returned in clear to its creator only. */
  async createApp(input: NewAppInput, secrets: AppSecrets): Promise<ConnectedAppRecord> {
    const clientSecret = input.clientSecret ?? randomBytes(32).toString('hex').toUpperCase();
    // Sealed before the transaction begins (AppSecrets.ready).
    const sealed = await secrets.seal(clientSecret);
    return this.store.transaction(async (tx) => {
      const orgId = await new Provisioning(tx, this.clock).#orgId(input.orgId);
      const clientId = input.clientId ?? `3MVG9${randomBytes(24).toString('base64url')}`;
      if (await tx.orgs.findAppByClientId(clientId)) {
        throw invalidInput(`Invalid clientId: ${clientId} is already taken.`);
      }
      let runAsUserId: string | null = null;
      if (input.runAsUsername) {
        const user = await tx.users.findByUsername(input.runAsUsername);
        if (!user || user.orgId !== orgId)
          throw invalidInput(`Invalid runAsUsername: no user ${input.runAsUsername} in this org.`);
        runAsUserId = user.id;
      }
      const app: ConnectedAppRecord = {
        id: await tx.newId(KeyPrefix.connectedApp),
        orgId,
        name: input.name,
        clientId,
        clientSecret,
        runAsUserId,
      };
      await tx.orgs.createApp({ ...app, clientSecret: sealed }, this.clock.now());
      return app;
    });
  }
}

function nicknameFor(username: string): string {
  return username.split('@')[0] ?? username;
}
