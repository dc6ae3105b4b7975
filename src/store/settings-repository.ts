import type { Db } from './dialects/dialect.js';

/** Users' Chatter email settings (migration 012); a user without a row has the default. */
export class SettingsRepository {
  constructor(private readonly db: Db) {}

  async groupEmailFrequency(userId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('user_settings')
      .select('default_group_email_frequency')
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row?.default_group_email_frequency;
  }

  async setGroupEmailFrequency(userId: string, frequency: string): Promise<void> {
    await this.db
      .insertInto('user_settings')
      .values({ user_id: userId, default_group_email_frequency: frequency })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ default_group_email_frequency: frequency }))
      .execute();
  }

  /** A member's email frequency for one group, if set (group_member_settings). */
  async groupMemberFrequency(groupId: string, userId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('group_member_settings')
      .select('email_frequency')
      .where('group_id', '=', groupId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row?.email_frequency;
  }

  async setGroupMemberFrequency(groupId: string, userId: string, frequency: string): Promise<void> {
    await this.db
      .insertInto('group_member_settings')
      .values({ group_id: groupId, user_id: userId, email_frequency: frequency })
      .onConflict((oc) => oc.columns(['group_id', 'user_id']).doUpdateSet({ email_frequency: frequency }))
      .execute();
  }
}
