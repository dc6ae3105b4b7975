import { invalidInput } from '../errors/api-error.js';
import { KeyPrefix } from '../ids/salesforce-id.js';
import type { StoredSegment } from '../store/records.js';
import { requireId } from './ids.js';

/** Feed item and comment bodies: at most 10 000 characters of text (chatter-facts §2.1). */
export const BODY_MAX = 10_000;

const SEGMENT_TYPES = ['Text', 'Mention', 'Hashtag', 'Link'] as const;

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
  raw.forEach((value, i) => {
    for (const segment of parseSegment(value, i)) appendSegment(segments, segment);
  });
  if (!segments.some((s) => s.type !== 'Text' || s.text.trim() !== '')) {
    throw invalidInput('Invalid body: the message has no text. Specify at least one non-empty segment.');
  }
  const mentionIds = segments.flatMap((s) => (s.type === 'Mention' ? [s.id] : []));
  return { segments, mentionIds };
}

function parseSegment(value: unknown, index: number): StoredSegment[] {
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
      return splitText(text('text'));
    case 'Mention':
      return [{ type: 'Mention', id: requireId(text('id'), KeyPrefix.user) }];
    case 'Hashtag': {
      const tag = text('tag').replace(/^#/, '').trim();
      if (tag === '') throw invalidInput(`Invalid ${field}.tag: specify a tag.`);
      return [{ type: 'Hashtag', tag }];
    }
    case 'Link': {
      const url = text('url').trim();
      if (url === '') throw invalidInput(`Invalid ${field}.url: specify a URL.`);
      return [{ type: 'Link', url }];
    }
    default:
      throw invalidInput(
        `Invalid ${field}.type: ${typeof type === 'string' ? type : JSON.stringify(type ?? null)}. Specify one of: ${SEGMENT_TYPES.join(', ')}.`,
      );
  }
}

// A hashtag starts a word; a URL runs to the next space, without trailing punctuation.
const INLINE = /(?<=^|\s)#([\p{L}\p{N}_][\p{L}\p{N}_-]*)|\bhttps?:\/\/[^\s<>"]*[^\s<>".,;:!?)\]'}]/giu;

/** Text with inline hashtags and URLs, split into Text, Hashtag and Link segments. */
export function splitText(text: string): StoredSegment[] {
  const out: StoredSegment[] = [];
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    const start = match.index ?? 0;
    if (start > last) out.push({ type: 'Text', text: text.slice(last, start) });
    out.push(match[1] ? { type: 'Hashtag', tag: match[1] } : { type: 'Link', url: match[0] });
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
      return `#${segment.tag}`;
    case 'Link':
      return segment.url;
  }
}

/** The plain text of a body, checked against the 10 000-character limit. */
export function plainText(segments: StoredSegment[], nameOf: (userId: string) => string): string {
  const text = segments.map((s) => segmentText(s, nameOf)).join('');
  if (text.length > BODY_MAX) {
    throw invalidInput(`Invalid body: ${text.length} characters. Specify at most ${BODY_MAX} characters.`);
  }
  return text;
}
