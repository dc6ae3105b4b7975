import type { AnnouncementView } from '../../domain/announcements.js';
import { isoDate } from '../../lib/clock.js';
import type { PresentContext } from '../present-context.js';
import { presentFeedItem } from './feed-element.js';
import { type IntegerPaging, pageUrls } from './pages.js';

/** Announcement (F2 §8): the post is the whole feed element. */
export function presentAnnouncement(ctx: PresentContext, view: AnnouncementView) {
  const { announcement } = view;
  return {
    expirationDate: isoDate(announcement.expirationAt),
    feedElement: presentFeedItem(ctx, view.element),
    id: announcement.id,
    isArchived: announcement.isArchived,
    sendEmails: announcement.sendEmails,
    url: `${ctx.base}/chatter/announcements/${announcement.id}`,
  };
}

/** Announcement Page (F2 §8), at `chatter/announcements?parentId=` or `groups/{id}/announcements`. */
export function presentAnnouncementPage(
  ctx: PresentContext,
  at: { url: string; params: Record<string, string> },
  page: { views: AnnouncementView[]; hasNext: boolean },
  paging: IntegerPaging,
) {
  // The page links need only to know whether one more page follows.
  const total = paging.page * paging.pageSize + page.views.length + (page.hasNext ? 1 : 0);
  return {
    announcements: page.views.map((v) => presentAnnouncement(ctx, v)),
    ...pageUrls(at.url, at.params, paging, total),
  };
}
