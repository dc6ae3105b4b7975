import type { ResolvedFeed } from '../../domain/feeds.js';
import type { PresentContext } from '../present-context.js';

/** The path of a feed under /chatter/feeds, with the subject's real ID (never `me`). */
export function feedPath(ctx: PresentContext, feed: ResolvedFeed): string {
  return `${ctx.base}/chatter/feeds/${feed.type}${feed.subjectId ? `/${feed.subjectId}` : ''}`;
}

/** Feed (chatter-facts §2.6). No is-modified resource is served, so `isModifiedUrl` is null. */
export function presentFeed(ctx: PresentContext, feed: ResolvedFeed) {
  return {
    feedElementPostUrl: `${ctx.base}/chatter/feed-elements`,
    feedElementsUrl: `${feedPath(ctx, feed)}/feed-elements`,
    isModifiedUrl: null,
  };
}

const DIRECTORY: { type: ResolvedFeed['type']; feedType: string; label: string; own: boolean }[] = [
  { type: 'news', feedType: 'News', label: 'What I Follow', own: true },
  { type: 'to', feedType: 'To', label: 'To Me', own: true },
  { type: 'groups', feedType: 'Groups', label: 'My Groups', own: true },
  { type: 'user-profile', feedType: 'UserProfile', label: 'My Profile', own: true },
  { type: 'company', feedType: 'Company', label: 'Company', own: false },
];

/** Feed Directory: the feeds the context user can read (chatter-facts §2.6). */
export function presentFeedDirectory(ctx: PresentContext) {
  return {
    favorites: [],
    feeds: DIRECTORY.map((entry) => {
      const path = feedPath(ctx, { type: entry.type, subjectId: entry.own ? ctx.viewer.user.id : null });
      return {
        feedElementsUrl: `${path}/feed-elements`,
        feedType: entry.feedType,
        feedUrl: path,
        label: entry.label,
      };
    }),
  };
}
