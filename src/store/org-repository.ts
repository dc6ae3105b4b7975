import type { Selectable } from 'kysely';
import type { CommunityRecord, ConnectedAppRecord, OrgRecord } from './records.js';
import type { Database } from './schema.js';
import type { Db } from './store.js';

/** Orgs, their communities and their connected apps. */
export class OrgRepository {
  constructor(private readonly db: Db) {}

  async createOrg(org: OrgRecord): Promise<void> {
    await this.db
      .insertInto('orgs')
      .values({ id: org.id, name: org.name, created_at: org.createdAt })
      .execute();
  }

  async findOrg(id: string): Promise<OrgRecord | undefined> {
    const row = await this.db.selectFrom('orgs').selectAll().where('id', '=', id).executeTakeFirst();
    return row && { id: row.id, name: row.name, createdAt: row.created_at };
  }

  async firstOrg(): Promise<OrgRecord | undefined> {
    const row = await this.db
      .selectFrom('orgs')
      .selectAll()
      .orderBy('created_at')
      .orderBy('id')
      .executeTakeFirst();
    return row && { id: row.id, name: row.name, createdAt: row.created_at };
  }

  /** Every org, oldest first (operators create orgs one by one: few enough for one answer). */
  async listOrgs(): Promise<OrgRecord[]> {
    const rows = await this.db.selectFrom('orgs').selectAll().orderBy('created_at').orderBy('id').execute();
    return rows.map((row) => ({ id: row.id, name: row.name, createdAt: Number(row.created_at) }));
  }

  async createCommunity(community: CommunityRecord, createdAt: number): Promise<void> {
    await this.db
      .insertInto('communities')
      .values({
        id: community.id,
        org_id: community.orgId,
        name: community.name,
        description: community.description,
        url_path_prefix: community.urlPathPrefix,
        status: community.status,
        guest_access: community.guestAccess ? 1 : 0,
        allow_members_to_flag: community.allowMembersToFlag ? 1 : 0,
        guest_user_id: community.guestUserId,
        created_at: createdAt,
      })
      .execute();
  }

  async setCommunityGuest(communityId: string, guestUserId: string): Promise<void> {
    await this.db
      .updateTable('communities')
      .set({ guest_user_id: guestUserId })
      .where('id', '=', communityId)
      .execute();
  }

  async findCommunity(orgId: string, id: string): Promise<CommunityRecord | undefined> {
    const row = await this.db
      .selectFrom('communities')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toCommunity(row);
  }

  /** A community by ID in any org (guest requests arrive with no org to scope by). */
  async findCommunityAnyOrg(id: string): Promise<CommunityRecord | undefined> {
    const row = await this.db.selectFrom('communities').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toCommunity(row);
  }

  async listCommunities(orgId: string, memberId?: string): Promise<CommunityRecord[]> {
    let query = this.db
      .selectFrom('communities')
      .selectAll('communities')
      .where('communities.org_id', '=', orgId);
    if (memberId !== undefined) {
      query = query
        .innerJoin('community_members', 'community_members.community_id', 'communities.id')
        .where('community_members.user_id', '=', memberId);
    }
    const rows = await query.orderBy('communities.name').orderBy('communities.id').execute();
    return rows.map(toCommunity);
  }

  async addCommunityMember(orgId: string, communityId: string, userId: string): Promise<void> {
    await this.db
      .insertInto('community_members')
      .values({ org_id: orgId, community_id: communityId, user_id: userId })
      .onConflict((oc) => oc.columns(['community_id', 'user_id']).doNothing())
      .execute();
  }

  /** The IDs among userIds that are members of the community (one query for a page of users). */
  async communityMembers(communityId: string, userIds: readonly string[]): Promise<string[]> {
    if (userIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('community_members')
      .select('user_id')
      .where('community_id', '=', communityId)
      .where('user_id', 'in', [...new Set(userIds)])
      .execute();
    return rows.map((r) => r.user_id);
  }

  async isCommunityMember(communityId: string, userId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('community_members')
      .select('user_id')
      .where('community_id', '=', communityId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row !== undefined;
  }

  async createApp(app: ConnectedAppRecord, createdAt: number): Promise<void> {
    await this.db
      .insertInto('connected_apps')
      .values({
        id: app.id,
        org_id: app.orgId,
        name: app.name,
        client_id: app.clientId,
        client_secret: app.clientSecret,
        run_as_user_id: app.runAsUserId,
        created_at: createdAt,
      })
      .execute();
  }

  async findAppByClientId(clientId: string): Promise<ConnectedAppRecord | undefined> {
    const row = await this.db
      .selectFrom('connected_apps')
      .selectAll()
      .where('client_id', '=', clientId)
      .executeTakeFirst();
    return row && toApp(row);
  }

  async findApp(id: string): Promise<ConnectedAppRecord | undefined> {
    const row = await this.db
      .selectFrom('connected_apps')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toApp(row);
  }

  async firstApp(orgId: string): Promise<ConnectedAppRecord | undefined> {
    const row = await this.db
      .selectFrom('connected_apps')
      .selectAll()
      .where('org_id', '=', orgId)
      .orderBy('created_at')
      .orderBy('id')
      .executeTakeFirst();
    return row && toApp(row);
  }
}

function toCommunity(row: Selectable<Database['communities']>): CommunityRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    description: row.description,
    urlPathPrefix: row.url_path_prefix,
    status: row.status,
    guestAccess: row.guest_access === 1,
    allowMembersToFlag: row.allow_members_to_flag === 1,
    guestUserId: row.guest_user_id,
  };
}

function toApp(row: Selectable<Database['connected_apps']>): ConnectedAppRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    clientId: row.client_id,
    clientSecret: row.client_secret,
    runAsUserId: row.run_as_user_id,
  };
}
