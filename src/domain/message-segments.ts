import { invalidInput } from '../errors/api-error.js';
import { KeyPrefix } from '../ids/salesforce-id.js';
import { MARKUP_TAGS, type MarkupType, type StoredSegment } from '../store/records.js';
import { requireId } from './ids.js';
import { TOPIC_NAME_MAX } from './topics.js';

/** Feed item and comment bodies: at most 10 000 characters of text (chatter-facts §2.1). */
export const BODY_MAX = 10_000;

/** Mentions in one post or comment, repeats included (SPEC §12.3). */
export const MENTIONS_MAX = 25;

const SEGMENT_TYPES = [
  'Text',
  'Mention',
  'Hashtag',
  'Link',
  'MarkupBegin',
  'MarkupEnd',
  'InlineImage',
] as const;

const INVALID_MARKUP = 'The message body contains invalid markup.';

/** What Code blocks read as in `body.text` (F2 §7). */
export const CODE_BEGIN_TEXT = '[Start code block]\n';
export const CODE_END_TEXT = '\n[End code block]';

/**
 * A Message Body Input (`body.messageSegments`) or the `text` parameter, validated and normalised
 * into the stored segments (docs/decisions/0001): hashtags and URLs written inside Text segments
 * become Hashtag and Link segments, as the real service does, and adjacent Text segments merge.
 * Returns the segments and the user IDs they mention.
 */
export function parseMessageInput(input: { body?: unknown; text?: unknown }): {
  segments: StoredSegment[];
  mentionIds: string[];
} {
  let raw: unknown[];
  if (input.body !== undefined && input.body !== null) {
    const body = input.body as { messageSegments?: unknown };
    if (typeof body !== 'object' || !Array.isArray(body.messageSegments)) {
      throw invalidInput('Invalid body: specify messageSegments, an array of message segments.');
    }
    raw = body.messageSegments;
  } else if (typeof input.text === 'string') {
    raw = [{ type: 'Text', text: input.text }];
  } else {
    throw invalidInput('Missing required field: body.');
  }
  const segments: StoredSegment[] = [];
  const open: MarkupType[] = [];
  raw.forEach((value, i) => {
    // Inside a Code block, text stays text: no hashtags or links are found in it.
    const inCode = open.includes('Code');
    for (const segment of parseSegment(value, i, inCode)) {
      checkMarkup(open, segment);
      appendSegment(segments, segment);
    }
  });
  if (open.length > 0) throw invalidInput(INVALID_MARKUP);
  const mentions = segments.filter((s) => s.type === 'Mention').length;
  if (mentions > MENTIONS_MAX) {
    throw invalidInput(`You can't mention more than ${MENTIONS_MAX} people or groups in a post or comment.`);
  }
  if (!segments.some((s) => s.type !== 'Text' || s.text.trim() !== '')) {
    throw invalidInput('Invalid body: the message has no text. Specify at least one non-empty segment.');
  }
  const mentionIds = segments.flatMap((s) => (s.type === 'Mention' ? [s.id] : []));
  return { segments, mentionIds };
}

/** Markup must nest: an end closes the latest open begin; Code holds only text. */
function checkMarkup(open: MarkupType[], segment: StoredSegment): void {
  if (
    open.at(-1) === 'Code' &&
    segment.type !== 'Text' &&
    !(segment.type === 'MarkupEnd' && segment.markupType === 'Code')
  )
    throw invalidInput(INVALID_MARKUP);
  if (segment.type === 'MarkupBegin') open.push(segment.markupType);
  else if (segment.type === 'MarkupEnd') {
    if (open.at(-1) !== segment.markupType) throw invalidInput(INVALID_MARKUP);
    open.pop();
  }
}

function parseSegment(value: unknown, index: number, inCode = false): StoredSegment[] {
  const field = `messageSegments[${index}]`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidInput(`Invalid ${field}: specify an object with a type.`);
  }
  const segment = value as Record<string, unknown>;
  const type = segment.type;
  const text = (name: string): string => {
    const v = segment[name];
    if (typeof v !== 'string') throw invalidInput(`Invalid ${field}.${name}: specify a string.`);
    return v;
  };
  switch (type) {
    case 'Text':
      return inCode ? [{ type: 'Text', text: text('text') }] : splitText(text('text'));
    case 'MarkupBegin':
    case 'MarkupEnd': {
      const markupType = segment.markupType;
      if (typeof markupType !== 'string' || !Object.hasOwn(MARKUP_TAGS, markupType)) {
        throw invalidInput(
          `Invalid ${field}.markupType: ${String(markupType ?? null)}. Specify one of: ${Object.keys(MARKUP_TAGS).join(', ')}.`,
        );
      }
      const kind = markupType as MarkupType;
      if (type === 'MarkupEnd') return [{ type: 'MarkupEnd', markupType: kind }];
      if (kind !== 'Hyperlink') return [{ type: 'MarkupBegin', markupType: kind }];
      const url = typeof segment.url === 'string' ? segment.url.trim() : '';
      if (!/^https?:\/\/\S+$/i.test(url))
        throw invalidInput(`Invalid ${field}.url: specify an http or https URL.`);
      const altText = segment.altText;
      if (altText !== undefined && altText !== null && typeof altText !== 'string')
        throw invalidInput(`Invalid ${field}.altText: specify a string.`);
      return [{ type: 'MarkupBegin', markupType: kind, url, altText: altText ?? null }];
    }
    case 'Mention':
      return [{ type: 'Mention', id: requireId(text('id'), KeyPrefix.user) }];
    case 'Hashtag': {
      const tag = text('tag').replace(/^#/, '').trim();
      if (tag === '') throw invalidInput(`Invalid ${field}.tag: specify a tag.`);
      // A hashtag names a topic: no longer than a topic's name (SPEC §12.4).
      if ([...tag].length > TOPIC_NAME_MAX) {
        throw invalidInput(`Invalid ${field}.tag: specify at most ${TOPIC_NAME_MAX} characters.`);
      }
      return [{ type: 'Hashtag', tag }];
    }
    case 'Link': {
      const url = text('url').trim();
      if (url === '') throw invalidInput(`Invalid ${field}.url: specify a URL.`);
      return [{ type: 'Link', url }];
    }
    case 'InlineImage': {
      // The file is checked, and the alt text defaulted to its title, by inline-images.ts.
      const altText = segment.altText;
      if (altText !== undefined && altText !== null && typeof altText !== 'string')
        throw invalidInput(`Invalid ${field}.altText: specify a string.`);
      const fileId = requireId(text('fileId'), KeyPrefix.file);
      return [{ type: 'InlineImage', fileId, altText: altText || null, image: null }];
    }
    default:
      throw invalidInput(
        `Invalid ${field}.type: ${typeof type === 'string' ? type : JSON.stringify(type ?? null)}. Specify one of: ${SEGMENT_TYPES.join(', ')}.`,
      );
  }
}

// A hashtag starts a word: `#tag`, or `#[a few words]` (SPEC §12.8, F2 §4), the brackets' content
// trimmed; a URL runs to the next space, without trailing punctuation.
const INLINE =
  /(?<=^|\s)#(?:\[\s*([^[\]\n]*[^\s[\]])\s*\]|([\p{L}\p{N}_][\p{L}\p{N}_-]*))|\bhttps?:\/\/[^\s<>"]*[^\s<>".,;:!?)\]'}]/giu;
const ONE_WORD_TAG = /^[\p{L}\p{N}_][\p{L}\p{N}_-]*$/u;

/** A hashtag as written: `#tag`, or `#[two words]` when the tag isn't one word. */
export function hashtagText(tag: string): string {
  return ONE_WORD_TAG.test(tag) ? `#${tag}` : `#[${tag}]`;
}

/** Text with inline hashtags and URLs, split into Text, Hashtag and Link segments. */
export function splitText(text: string): StoredSegment[] {
  const out: StoredSegment[] = [];
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    const start = match.index ?? 0;
    const tag = match[1] ?? match[2];
    // Too long for a topic's name, a would-be hashtag stays text.
    if (tag && [...tag].length > TOPIC_NAME_MAX) continue;
    if (start > last) out.push({ type: 'Text', text: text.slice(last, start) });
    out.push(tag ? { type: 'Hashtag', tag } : { type: 'Link', url: match[0] });
    last = start + match[0].length;
  }
  if (last < text.length) out.push({ type: 'Text', text: text.slice(last) });
  return out;
}

function appendSegment(segments: StoredSegment[], segment: StoredSegment): void {
  const previous = segments.at(-1);
  if (segment.type === 'Text' && segment.text === '') return;
  if (segment.type === 'Text' && previous?.type === 'Text') {
    previous.text += segment.text;
    return;
  }
  segments.push(segment);
}

/** What a segment reads as in plain text (`body.text`, search): @Name, #tag, the URL. */
export function segmentText(segment: StoredSegment, nameOf: (userId: string) => string): string {
  switch (segment.type) {
    case 'Text':
      return segment.text;
    case 'Mention':
      return `@${nameOf(segment.id)}`;
    case 'Hashtag':
      return hashtagText(segment.tag);
    case 'Link':
      return segment.url;
    case 'MarkupBegin':
      return segment.markupType === 'Code' ? CODE_BEGIN_TEXT : '';
    case 'MarkupEnd':
      return segment.markupType === 'Code' ? CODE_END_TEXT : '';
    case 'InlineImage':
      // F2 §7: the segment's text is its alt text, or the file ID when it has none.
      return segment.altText ?? segment.fileId;
  }
}

/**
 * The plain text of a body (`body.text`), checked against the 10 000-character limit, which counts
 * it without the markers of Code blocks (SPEC §12.8).
 */
export function plainText(segments: StoredSegment[], nameOf: (userId: string) => string): string {
  const parts = segments.map((s) => segmentText(s, nameOf));
  const markers = segments.reduce(
    (n, s) => n + (s.type === 'MarkupBegin' || s.type === 'MarkupEnd' ? segmentText(s, nameOf).length : 0),
    0,
  );
  const text = parts.join('');
  if (text.length - markers > BODY_MAX) {
    throw invalidInput("The message body can't be longer than 10,000 characters.");
  }
  return text;
}
