import { Type } from 'typebox';

/** `page` of the integer-paged lists (reference/chatter-facts.md §2.9). */
export const PageNumber = Type.Optional(Type.Integer({ minimum: 0, maximum: 100000, default: 0 }));

/** `pageSize` from 1 to `max` (250 for groups, 1000 for members and follows), default 25. */
export const PageSize = (max: number) =>
  Type.Optional(Type.Integer({ minimum: 1, maximum: max, default: 25 }));

/**
 * A text field that may be cleared with null. One `type: [string, null]` rather than a union, so
 * that a too-long string is reported as too long, and type coercion never turns null into "".
 */
export const NullableText = (maxLength: number) =>
  Type.Unsafe<string | null>({ type: ['string', 'null'], maxLength });
