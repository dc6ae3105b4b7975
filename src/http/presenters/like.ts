import type { LikesView, LikeView } from '../../domain/feed-views.js';
import type { LikePage } from '../../domain/likes.js';
import type { PresentContext } from '../present-context.js';
import { displayName, presentPlainBody } from './message-body.js';
import { pageLinks } from './pages.js';
import { presentUserSummary } from './user.js';

/** Like (chatter-facts §2.8): `{ id, likedItem, url, user }`. */
export function presentLike(ctx: PresentContext, view: LikeView) {
  const { like } = view;
  return {
    id: like.id,
    likedItem: like.commentId
      ? { id: like.commentId, url: `${ctx.base}/chatter/comments/${like.commentId}` }
      : { id: like.feedElementId, url: `${ctx.base}/chatter/feed-elements/${like.feedElementId}` },
    url: `${ctx.base}/chatter/likes/${like.id}`,
    user: presentUserSummary(ctx, view.user),
  };
}

/** Like Page of the likes resources (integer pages); the `*Token` keys only from 37.0. */
export function presentLikePage(
  ctx: PresentContext,
  page: LikePage,
  paging: { page: number; pageSize: number },
) {
  const url = page.commentId
    ? `${ctx.base}/chatter/comments/${page.commentId}/likes`
    : `${ctx.base}/chatter/feed-elements/${page.feedElementId}/capabilities/chatter-likes/items`;
  const links = pageLinks(url, {}, paging, page.total);
  return likePageShape(ctx, {
    ...links,
    items: page.likes.map((l) => presentLike(ctx, l)),
    total: page.total,
  });
}

/** The first page of likes inside a post or a comment: the latest few, linking to the rest. */
export function presentEmbeddedLikePage(ctx: PresentContext, url: string, likes: LikesView) {
  const more = likes.total > likes.items.length;
  return likePageShape(ctx, {
    currentPageToken: 0,
    currentPageUrl: url,
    items: likes.items.map((l) => presentLike(ctx, l)),
    nextPageToken: more ? 1 : null,
    nextPageUrl: more ? `${url}?page=1&pageSize=${likes.items.length}` : null,
    previousPageToken: null,
    previousPageUrl: null,
    total: likes.total,
  });
}

function likePageShape(
  ctx: PresentContext,
  page: {
    currentPageToken: number;
    currentPageUrl: string;
    items: unknown[];
    nextPageToken: number | null;
    nextPageUrl: string | null;
    previousPageToken: number | null;
    previousPageUrl: string | null;
    total: number;
  },
) {
  if (ctx.major >= 37) return page;
  const { currentPageToken: _c, nextPageToken: _n, previousPageToken: _p, ...rest } = page;
  return rest;
}

/** `myLike`: a reference to the viewer's like, or null. */
export function presentMyLike(ctx: PresentContext, likes: LikesView) {
  return likes.myLikeId ? { id: likes.myLikeId, url: `${ctx.base}/chatter/likes/${likes.myLikeId}` } : null;
}

/**
 * `likesMessage`: "You like this.", "Ada Admin and Bob Baker like this.", "You, Bob Baker, and
 * 3 others like this."; null when nobody likes the item.
 */
export function presentLikesMessage(ctx: PresentContext, likes: LikesView) {
  if (likes.total === 0) return null;
  const liked = likes.myLikeId !== null;
  const others = likes.items
    .filter((l) => l.like.userId !== ctx.viewer.user.id)
    .map((l) => displayName(l.user.user));
  const shown = liked ? ['You', ...others.slice(0, 1)] : others.slice(0, 2);
  const rest = likes.total - shown.length;
  const names = rest > 0 ? [...shown, `${rest} ${rest === 1 ? 'other' : 'others'}`] : shown;
  const verb = names.length === 1 && !liked ? 'likes' : 'like';
  return presentPlainBody(ctx, `${joinNames(names)} ${verb} this.`);
}

function joinNames(names: string[]): string {
  if (names.length <= 2) return names.join(' and ');
  return `${names.slice(0, -1).join(', ')}, and ${names.at(-1)}`;
}
