import type { Selectable } from 'kysely';
import type { Db } from './dialects/dialect.js';
import type { JoinRequestRecord, JoinRequestStatus } from './records.js';
import type { Database } from './schema.js';

/** Requests to join private groups, and their decisions. */
export class JoinRequestRepository {
  constructor(private readonly db: Db) {}

  /**
   * Creates a pending request unless the user already has one for the group (a partial unique
   * index, migration 002, makes this hold under concurrency). Returns the pending request.
   */
  async createPendingRequest(
    request: JoinRequestRecord,
  ): Promise<{ request: JoinRequestRecord; created: boolean }> {
    const result = await this.db
      .insertInto('join_requests')
      .values({
        id: request.id,
        org_id: request.orgId,
        group_id: request.groupId,
        user_id: request.userId,
        status: 'Pending',
        response_message: null,
        created_at: request.createdAt,
        modified_at: request.modifiedAt,
      })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    const created = Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    const pending = await this.findPendingRequest(request.groupId, request.userId);
    if (!pending) throw new Error(`no pending request of ${request.userId} for ${request.groupId}`);
    return { request: pending, created };
  }

  async findPendingRequest(groupId: string, userId: string): Promise<JoinRequestRecord | undefined> {
    const row = await this.db
      .selectFrom('join_requests')
      .selectAll()
      .where('group_id', '=', groupId)
      .where('user_id', '=', userId)
      .where('status', '=', 'Pending')
      .executeTakeFirst();
    return row && toJoinRequest(row);
  }

  async findRequest(orgId: string, id: string): Promise<JoinRequestRecord | undefined> {
    const row = await this.db
      .selectFrom('join_requests')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toJoinRequest(row);
  }

  /** A group's join requests, newest first, optionally of one status. */
  async listRequests(groupId: string, status: JoinRequestStatus | undefined): Promise<JoinRequestRecord[]> {
    let query = this.db.selectFrom('join_requests').selectAll().where('group_id', '=', groupId);
    if (status !== undefined) query = query.where('status', '=', status);
    const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
    return rows.map(toJoinRequest);
  }

  /**
   * Decides a pending request: one conditional UPDATE, so of two deciders at once exactly one
   * changes the row. Returns false when the request was no longer pending.
   */
  async decideRequest(
    id: string,
    decision: { status: 'Accepted' | 'Declined'; responseMessage: string | null; at: number },
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('join_requests')
      .set({ status: decision.status, response_message: decision.responseMessage, modified_at: decision.at })
      .where('id', '=', id)
      .where('status', '=', 'Pending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** A user who becomes a member without a request being decided: their pending request is met. */
  async acceptPendingRequestOf(groupId: string, userId: string, at: number): Promise<void> {
    await this.db
      .updateTable('join_requests')
      .set({ status: 'Accepted', modified_at: at })
      .where('group_id', '=', groupId)
      .where('user_id', '=', userId)
      .where('status', '=', 'Pending')
      .execute();
  }
}

function toJoinRequest(row: Selectable<Database['join_requests']>): JoinRequestRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    groupId: row.group_id,
    userId: row.user_id,
    status: row.status,
    responseMessage: row.response_message,
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
  };
}
