import type { SegmentView } from '../../domain/feed-views.js';
import { CODE_BEGIN_TEXT, CODE_END_TEXT, hashtagText } from '../../domain/message-segments.js';
import { MARKUP_TAGS } from '../../store/records.js';
import type { PresentContext } from '../present-context.js';
import { presentInlineImage } from './file.js';
import { presentUserSummary } from './user.js';

/**
 * Feed Item Body / message body (chatter-facts §2.1): `{ isRichText (35.0+), messageSegments, text }`.
 * Every piece of user text goes through ctx.text (entity encoding, SPEC §1); URLs do not.
 */
export function presentMessageBody(ctx: PresentContext, text: string, segments: SegmentView[]) {
  // Inline images exist only in rich text (F2 §7).
  const rich = segments.some((s) => s.type === 'MarkupBegin' || s.type === 'InlineImage');
  return withRichText(
    ctx,
    {
      messageSegments: segments.map((s) => presentSegment(ctx, s)),
      text: ctx.text(text),
    },
    rich,
  );
}

/** A body of plain text that the server writes (headers, likes messages). */
export function presentPlainBody(ctx: PresentContext, text: string) {
  return withRichText(ctx, {
    messageSegments: [{ text: ctx.text(text), type: 'Text' }],
    text: ctx.text(text),
  });
}

function withRichText<T extends object>(
  ctx: PresentContext,
  body: T,
  rich = false,
): T | ({ isRichText: boolean } & T) {
  return ctx.major >= 35 ? { isRichText: rich, ...body } : body;
}

export function presentSegment(ctx: PresentContext, segment: SegmentView) {
  switch (segment.type) {
    case 'Text':
      return { text: ctx.text(segment.text), type: 'Text' };
    case 'Hashtag':
      return {
        tag: ctx.text(segment.tag),
        text: ctx.text(hashtagText(segment.tag)),
        topicUrl: `${topicsUrl(ctx)}?exactMatch=true&q=${encodeUriText(hashtagText(segment.tag))}`,
        type: 'Hashtag',
      };
    case 'Link':
      return { text: ctx.text(segment.url), type: 'Link', url: segment.url };
    case 'MarkupBegin': {
      const code = segment.markupType === 'Code';
      return {
        ...(ctx.major >= 45 ? { altText: segment.altText ? ctx.text(segment.altText) : null } : {}),
        htmlTag: MARKUP_TAGS[segment.markupType],
        markupType: segment.markupType,
        text: code ? CODE_BEGIN_TEXT : '',
        type: 'MarkupBegin',
        ...(ctx.major >= 45 ? { url: segment.url ?? null } : {}),
      };
    }
    case 'MarkupEnd':
      return {
        htmlTag: MARKUP_TAGS[segment.markupType],
        markupType: segment.markupType,
        text: segment.markupType === 'Code' ? CODE_END_TEXT : '',
        type: 'MarkupEnd',
      };
    case 'InlineImage':
      return presentInlineImage(ctx, segment);
    case 'Mention': {
      const name = segment.user ? displayName(segment.user.user) : '';
      return {
        accessible: segment.accessible,
        name: ctx.text(name),
        record: segment.user ? presentUserSummary(ctx, segment.user) : null,
        text: ctx.text(`@${name}`),
        type: 'Mention',
      };
    }
  }
}

/**
 * encodeURIComponent throws on a lone surrogate; a tag stored with one (older data, or another
 * writer) must not make every feed that holds it fail, so it is encoded as U+FFFD.
 */
function encodeUriText(text: string): string {
  return encodeURIComponent(text.replace(/\p{Surrogate}/gu, '\uFFFD'));
}

/** Topics live under /connect (`/connect/communities/{id}/topics` inside a community). */
function topicsUrl(ctx: PresentContext): string {
  return ctx.base.includes('/connect/communities/') ? `${ctx.base}/topics` : `${ctx.base}/connect/topics`;
}

export function displayName(user: { firstName: string; lastName: string }): string {
  return `${user.firstName} ${user.lastName}`.trim();
}
