import type { Db } from './dialects/dialect.js';
import type { PollChoiceRecord } from './records.js';

/**
 * Polls (migration 012): choices carry their vote counts, kept by the voting transaction with
 * `vote_count ± 1` (the choice's row lock orders concurrent voters, decision 0028); one vote per
 * user and poll (the primary key of poll_votes).
 */
export class PollRepository {
  constructor(private readonly db: Db) {}

  async insertChoices(choices: readonly Omit<PollChoiceRecord, 'voteCount' | 'isMine'>[]): Promise<void> {
    if (choices.length === 0) return;
    await this.db
      .insertInto('poll_choices')
      .values(
        choices.map((c) => ({
          id: c.id,
          feed_element_id: c.feedElementId,
          position: c.position,
          text: c.text,
          vote_count: 0,
        })),
      )
      .execute();
  }

  /** The choices of these polls by position, each marked when it is `userId`'s vote. */
  async choicesOf(feedElementIds: readonly string[], userId: string | null): Promise<PollChoiceRecord[]> {
    if (feedElementIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('poll_choices as pc')
      .leftJoin('poll_votes as pv', (join) =>
        join
          .onRef('pv.feed_element_id', '=', 'pc.feed_element_id')
          .onRef('pv.choice_id', '=', 'pc.id')
          .on('pv.user_id', '=', userId ?? ''),
      )
      .select(['pc.id', 'pc.feed_element_id', 'pc.position', 'pc.text', 'pc.vote_count', 'pv.user_id'])
      .where('pc.feed_element_id', 'in', [...new Set(feedElementIds)])
      .orderBy('pc.feed_element_id')
      .orderBy('pc.position')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      feedElementId: r.feed_element_id,
      position: Number(r.position),
      text: r.text,
      voteCount: Number(r.vote_count),
      isMine: r.user_id !== null,
    }));
  }

  /** In the caller's transaction: `userId`'s vote on a poll becomes `choiceId`, counts moved. */
  async vote(feedElementId: string, userId: string, choiceId: string): Promise<void> {
    const previous = await this.db
      .deleteFrom('poll_votes')
      .where('feed_element_id', '=', feedElementId)
      .where('user_id', '=', userId)
      .returning('choice_id')
      .executeTakeFirst();
    if (previous) await this.#count(previous.choice_id, -1);
    await this.db
      .insertInto('poll_votes')
      .values({ feed_element_id: feedElementId, user_id: userId, choice_id: choiceId })
      .execute();
    await this.#count(choiceId, 1);
  }

  async #count(choiceId: string, delta: 1 | -1): Promise<void> {
    await this.db
      .updateTable('poll_choices')
      .set((eb) => ({ vote_count: eb('vote_count', '+', delta) }))
      .where('id', '=', choiceId)
      .execute();
  }
}
