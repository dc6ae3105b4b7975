import type { CommentPage } from '../../domain/comments.js';
import type { CommentView } from '../../domain/feed-views.js';
import { isoDate } from '../../lib/clock.js';
import type { AttachedFile } from '../../store/file-repository.js';
import type { FeedElementRecord } from '../../store/records.js';
import type { PresentContext } from '../present-context.js';
import { presentContentCapability } from './file.js';
import { presentEmbeddedLikePage, presentLikesMessage, presentMyLike } from './like.js';
import { presentMessageBody } from './message-body.js';
import { presentUserSummary } from './user.js';

/** Comment (v32+ shape, chatter-facts §2.7). */
export function presentComment(ctx: PresentContext, view: CommentView) {
  const { comment, element } = view;
  const url = `${ctx.base}/chatter/comments/${comment.id}`;
  return {
    body: presentMessageBody(ctx, comment.text, view.segments),
    capabilities:
      view.files.length > 0 ? { content: presentContentCapability(ctx, view.files[0] as AttachedFile) } : {},
    clientInfo: null,
    createdDate: isoDate(comment.createdAt),
    feedElement: { id: element.id, url: `${ctx.base}/chatter/feed-elements/${element.id}` },
    id: comment.id,
    isDeleteRestricted: !view.canDelete,
    likes: presentEmbeddedLikePage(ctx, `${url}/likes`, view.likes),
    likesMessage: presentLikesMessage(ctx, view.likes),
    moderationFlags: null,
    myLike: presentMyLike(ctx, view.likes),
    parent: presentParentReference(ctx, element),
    relativeCreatedDate: view.relativeCreatedDate,
    type: view.files.length > 0 ? 'ContentComment' : 'TextComment',
    url,
    user: presentUserSummary(ctx, view.user),
  };
}

/** A reference to the post's subject (the parent of its comments). */
export function presentParentReference(ctx: PresentContext, element: FeedElementRecord) {
  const kind = element.subjectKind === 'group' ? 'groups' : 'users';
  return { id: element.subjectId, url: `${ctx.base}/chatter/${kind}/${element.subjectId}` };
}

/**
 * Comment Page (chatter-facts §2.7): `items`, `currentPageUrl`, `nextPageUrl`, `total`; the token
 * keys from 37.0, the previous page from 44.0.
 */
export function presentCommentPage(
  ctx: PresentContext,
  page: CommentPage,
  params: { pageSize?: number | undefined },
) {
  const url = `${ctx.base}/chatter/feed-elements/${page.feedElementId}/capabilities/comments/items`;
  return commentPageShape(ctx, {
    currentPageToken: page.currentPageToken,
    currentPageUrl: pageUrl(url, page.currentPageToken, params.pageSize),
    items: page.comments.map((c) => presentComment(ctx, c)),
    nextPageToken: page.nextPageToken,
    nextPageUrl: page.nextPageToken ? pageUrl(url, page.nextPageToken, params.pageSize) : null,
    previousPageToken: page.previousPageToken,
    previousPageUrl: page.previousPageToken ? pageUrl(url, page.previousPageToken, params.pageSize) : null,
    total: page.total,
  });
}

/** The latest comments inside a Feed Item; the next page holds the older ones. */
export function presentEmbeddedCommentPage(
  ctx: PresentContext,
  feedElementId: string,
  comments: { items: CommentView[]; total: number; nextPageToken: string | null },
) {
  const url = `${ctx.base}/chatter/feed-elements/${feedElementId}/capabilities/comments/items`;
  return commentPageShape(ctx, {
    currentPageToken: null,
    currentPageUrl: url,
    items: comments.items.map((c) => presentComment(ctx, c)),
    nextPageToken: comments.nextPageToken,
    nextPageUrl: comments.nextPageToken ? pageUrl(url, comments.nextPageToken, undefined) : null,
    previousPageToken: null,
    previousPageUrl: null,
    total: comments.total,
  });
}

function commentPageShape(
  ctx: PresentContext,
  page: {
    currentPageToken: string | null;
    currentPageUrl: string;
    items: unknown[];
    nextPageToken: string | null;
    nextPageUrl: string | null;
    previousPageToken: string | null;
    previousPageUrl: string | null;
    total: number;
  },
) {
  const { currentPageToken, nextPageToken, previousPageToken, previousPageUrl, ...v32 } = page;
  if (ctx.major < 37) return v32;
  const v37 = {
    currentPageToken,
    currentPageUrl: page.currentPageUrl,
    items: page.items,
    nextPageToken,
    nextPageUrl: page.nextPageUrl,
    total: page.total,
  };
  if (ctx.major < 44) return v37;
  return {
    currentPageToken,
    currentPageUrl: page.currentPageUrl,
    items: page.items,
    nextPageToken,
    nextPageUrl: page.nextPageUrl,
    previousPageToken,
    previousPageUrl,
    total: page.total,
  };
}

/** A page URL; tokens keep their `:` and `,` readable (both are legal in a query string). */
export function pageUrl(url: string, token: string | null, pageSize: number | undefined): string {
  const query = [
    ...(token ? [`page=${encodeToken(token)}`] : []),
    ...(pageSize !== undefined ? [`pageSize=${pageSize}`] : []),
  ];
  return query.length > 0 ? `${url}?${query.join('&')}` : url;
}

export function encodeToken(token: string): string {
  return encodeURIComponent(token).replace(/%3A/gi, ':').replace(/%2C/gi, ',');
}
