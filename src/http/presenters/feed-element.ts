import type { FeedElementView } from '../../domain/feed-views.js';
import type { FeedPage } from '../../domain/feeds.js';
import { isoDate } from '../../lib/clock.js';
import type { PresentContext } from '../present-context.js';
import { presentCapabilities } from './capabilities.js';
import { encodeToken } from './comment.js';
import { presentGroup } from './group.js';
import { displayName, presentMessageBody, presentPlainBody } from './message-body.js';
import { photoUrl } from './photo.js';
import { presentRecordHeader, presentRecordSummary } from './record-summary.js';
import { presentUserSummary, sortKeys } from './user.js';

/**
 * Feed Item (v32+ shape, chatter-facts §2.5), with `community` for posts of a community (SPEC §6).
 * Keys in alphabetical order, as the real service writes them.
 */
export function presentFeedItem(ctx: PresentContext, view: FeedElementView) {
  const { element } = view;
  const versioned = {
    ...(ctx.major <= 38 ? { canShare: false } : {}),
    ...(ctx.major >= 39 ? { isSharable: false } : {}),
  };
  const community = element.communityId
    ? {
        community: {
          id: element.communityId,
          url: `/services/data/v${ctx.version}/connect/communities/${element.communityId}`,
        },
      }
    : {};
  return sortKeys({
    actor: presentUserSummary(ctx, view.actor),
    body: presentMessageBody(ctx, element.text, view.segments),
    ...versioned,
    capabilities: presentCapabilities(ctx, view),
    clientInfo: element.clientName ? { applicationName: element.clientName, applicationUrl: null } : null,
    ...community,
    createdDate: isoDate(element.createdAt),
    event: false,
    feedElementType: 'FeedItem',
    header:
      view.parent.kind === 'record'
        ? presentRecordHeader(ctx, view.parent.record, view.actor)
        : presentPlainBody(ctx, headerText(view)),
    id: element.id,
    isDeleteRestricted: !view.canDelete,
    modifiedDate: isoDate(element.modifiedAt),
    originalFeedItem: null,
    originalFeedItemActor: null,
    parent: presentParent(ctx, view.parent),
    photoUrl: photoUrl(ctx.origin, view.actor.user, 'T'),
    relativeCreatedDate: view.relativeCreatedDate,
    type: element.type,
    url: `${ctx.base}/chatter/feed-elements/${element.id}`,
    // Record posts are for internal users (F2 §1.3); profile and group posts for everyone.
    visibility: view.parent.kind === 'record' ? 'InternalUsers' : 'AllUsers',
  });
}

function presentParent(ctx: PresentContext, parent: FeedElementView['parent']) {
  switch (parent.kind) {
    case 'user':
      return presentUserSummary(ctx, parent.user);
    case 'group':
      return presentGroup(ctx, parent.group);
    case 'record':
      return presentRecordSummary(ctx, parent.record);
  }
}

/** "Alice Anders" on her own profile; "Alice Anders to All Acme" elsewhere. */
function headerText(view: FeedElementView): string {
  const actor = displayName(view.actor.user);
  if (view.parent.kind === 'user') {
    return view.parent.user.user.id === view.actor.user.id
      ? actor
      : `${actor} to ${displayName(view.parent.user.user)}`;
  }
  if (view.parent.kind === 'group') return `${actor} to ${view.parent.group.access.group.name}`;
  return actor;
}

/**
 * Feed Element Page (chatter-facts §2.6). `url` is the feed's feed-elements URL; `params` are the
 * request's own parameters, echoed in every page URL (the page token aside).
 */
export function presentFeedElementPage(
  ctx: PresentContext,
  url: string,
  page: FeedPage,
  params: Record<string, string | number | undefined>,
) {
  const link = (token: string | null, extra: Record<string, string> = {}) => {
    const query = Object.entries({ ...params, ...extra, ...(token ? { page: token } : {}) })
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => `${key}=${encodeToken(String(value))}`);
    return query.length > 0 ? `${url}?${query.join('&')}` : url;
  };
  return {
    currentPageToken: page.currentPageToken,
    currentPageUrl: link(page.currentPageToken),
    elements: page.elements.map((e) => presentFeedItem(ctx, e)),
    isModifiedToken: null,
    isModifiedUrl: null,
    nextPageToken: page.nextPageToken,
    nextPageUrl: page.nextPageToken ? link(page.nextPageToken) : null,
    updatesToken: page.updatesToken,
    updatesUrl: page.updatesToken
      ? `${url}?${params.sort ? `sort=${params.sort}&` : ''}updatedSince=${encodeToken(page.updatesToken)}`
      : null,
  };
}
