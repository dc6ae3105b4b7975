import { Type } from 'typebox';

/**
 * A text field that may be cleared with null. One `type: [string, null]` rather than a union, so
 * that a too-long string is reported as too long, and type coercion never turns null into "".
 */
export const NullableText = (maxLength: number) =>
  Type.Unsafe<string | null>({ type: ['string', 'null'], maxLength });
