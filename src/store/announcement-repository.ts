import type { Selectable } from 'kysely';
import type { Db } from './dialects/dialect.js';
import type { Database } from './schema.js';

/** A group's announcement (SPEC §12.6, migration 012): a post shown on the group until it expires. */
export interface AnnouncementRecord {
  id: string;
  orgId: string;
  groupId: string;
  feedElementId: string;
  expirationAt: number;
  isArchived: boolean;
  sendEmails: boolean;
  createdAt: number;
}

/** Announcements, newest first per group (the announcements_group index). */
export class AnnouncementRepository {
  constructor(private readonly db: Db) {}

  async create(a: AnnouncementRecord): Promise<void> {
    await this.db
      .insertInto('announcements')
      .values({
        id: a.id,
        org_id: a.orgId,
        group_id: a.groupId,
        feed_element_id: a.feedElementId,
        expiration_at: a.expirationAt,
        is_archived: a.isArchived ? 1 : 0,
        send_emails: a.sendEmails ? 1 : 0,
        created_at: a.createdAt,
      })
      .execute();
  }

  async find(orgId: string, id: string): Promise<AnnouncementRecord | undefined> {
    const row = await this.db
      .selectFrom('announcements')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toAnnouncement(row);
  }

  /** A page of a group's announcements, newest first; one more than `limit` tells of a next page. */
  async listOf(groupId: string, options: { offset: number; limit: number }): Promise<AnnouncementRecord[]> {
    const rows = await this.db
      .selectFrom('announcements')
      .selectAll()
      .where('group_id', '=', groupId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .offset(options.offset)
      .limit(options.limit)
      .execute();
    return rows.map(toAnnouncement);
  }

  /** The newest unarchived announcement of the group that has not expired at `now`. */
  async current(groupId: string, now: number): Promise<AnnouncementRecord | undefined> {
    const row = await this.db
      .selectFrom('announcements')
      .selectAll()
      .where('group_id', '=', groupId)
      .where('is_archived', '=', 0)
      .where('expiration_at', '>', now)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirst();
    return row && toAnnouncement(row);
  }

  async update(id: string, changes: { expirationAt?: number | undefined; isArchived?: boolean | undefined }) {
    const values = {
      ...(changes.expirationAt !== undefined ? { expiration_at: changes.expirationAt } : {}),
      ...(changes.isArchived !== undefined ? { is_archived: changes.isArchived ? 1 : 0 } : {}),
    };
    if (Object.keys(values).length === 0) return;
    await this.db.updateTable('announcements').set(values).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('announcements').where('id', '=', id).execute();
  }

  /** A deleted post takes its announcement with it (F2 §8). */
  async deleteOfPost(feedElementId: string): Promise<void> {
    await this.db.deleteFrom('announcements').where('feed_element_id', '=', feedElementId).execute();
  }
}

function toAnnouncement(row: Selectable<Database['announcements']>): AnnouncementRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    groupId: row.group_id,
    feedElementId: row.feed_element_id,
    expirationAt: Number(row.expiration_at),
    isArchived: Number(row.is_archived) === 1,
    sendEmails: Number(row.send_emails) === 1,
    createdAt: Number(row.created_at),
  };
}
