import { isoDate } from '../../lib/clock.js';
import type { TopicRecord } from '../../store/records.js';
import type { PresentContext } from '../present-context.js';

/** Topics live under /connect (`/connect/communities/{id}/topics` inside a community). */
export function topicsUrl(ctx: PresentContext): string {
  return ctx.base.includes('/connect/communities/') ? `${ctx.base}/topics` : `${ctx.base}/connect/topics`;
}

/** Topic (F2 §4), with the keys of the request's version. */
export function presentTopic(ctx: PresentContext, t: TopicRecord) {
  return {
    createdDate: isoDate(t.createdAt),
    description: t.description === null ? null : ctx.text(t.description),
    id: t.id,
    ...(ctx.major >= 32 ? { images: { coverImageUrl: null, featuredImageUrl: null } } : {}),
    ...(ctx.major >= 33 ? { isBeingDeleted: false } : {}),
    name: ctx.text(t.name),
    ...(ctx.major >= 36 ? { nonLocalizedName: ctx.text(t.name) } : {}),
    talkingAbout: t.talkingAbout,
    url: `${topicsUrl(ctx)}/${t.id}`,
  };
}

/** Topic Collection: `{currentPageUrl, nextPageUrl, topics}`. */
export function presentTopicCollection(
  ctx: PresentContext,
  topics: TopicRecord[],
  currentPageUrl: string,
  nextPageUrl: string | null,
) {
  return { currentPageUrl, nextPageUrl, topics: topics.map((t) => presentTopic(ctx, t)) };
}
