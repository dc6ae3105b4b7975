import type { Store } from '../../src/store/store.js';
import { rawDatabase } from './store.js';

export interface Activity {
  postCount: number;
  commentCount: number;
  commentReceivedCount: number;
  likeReceivedCount: number;
}

/**
 * chatterActivity counted from the rows, as GET users/{id} did before the counts were kept as
 * counters (decision 0014): the oracle the counters must always agree with. Deleted posts and
 * comments, and everything on a deleted post, do not count.
 */
export async function activityFromRows(
  store: Store,
  userIds: readonly string[],
): Promise<Map<string, Activity>> {
  if (userIds.length === 0) return new Map();
  const rows = await rawDatabase(store)
    .selectFrom('users as u')
    .select((eb) => [
      'u.id',
      eb
        .selectFrom('feed_elements')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('feed_elements.author_id', '=', 'u.id')
        .where('feed_elements.deleted_at', 'is', null)
        .as('post_count'),
      eb
        .selectFrom('comments')
        .innerJoin('feed_elements', 'feed_elements.id', 'comments.feed_element_id')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('comments.author_id', '=', 'u.id')
        .where('comments.deleted_at', 'is', null)
        .where('feed_elements.deleted_at', 'is', null)
        .as('comment_count'),
      eb
        .selectFrom('comments')
        .innerJoin('feed_elements', 'feed_elements.id', 'comments.feed_element_id')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('feed_elements.author_id', '=', 'u.id')
        .where('comments.deleted_at', 'is', null)
        .where('feed_elements.deleted_at', 'is', null)
        .as('comment_received_count'),
      eb
        .selectFrom('likes')
        .innerJoin('feed_elements', 'feed_elements.id', 'likes.feed_element_id')
        .leftJoin('comments', (join) =>
          join.onRef('comments.id', '=', 'likes.comment_id').on('likes.comment_id', '<>', ''),
        )
        .select(eb.fn.countAll<number>().as('n'))
        .where('feed_elements.deleted_at', 'is', null)
        .where((w) =>
          w.or([
            w.and([w('likes.comment_id', '=', ''), w('feed_elements.author_id', '=', w.ref('u.id'))]),
            w.and([w('comments.author_id', '=', w.ref('u.id')), w('comments.deleted_at', 'is', null)]),
          ]),
        )
        .as('like_received_count'),
    ])
    .where('u.id', 'in', [...userIds])
    .execute();
  return new Map(
    rows.map((row) => [
      row.id,
      {
        postCount: Number(row.post_count),
        commentCount: Number(row.comment_count),
        commentReceivedCount: Number(row.comment_received_count),
        likeReceivedCount: Number(row.like_received_count),
      },
    ]),
  );
}
