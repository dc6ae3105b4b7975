import { Type } from 'typebox';
import type { IntegerPaging } from '../presenters/pages.js';

/**
 * The integer-paged lists: users, groups, group members, followers and following, likes
 * (reference/chatter-facts.md §2.9). `page` from 0, `pageSize` up to a per-resource maximum; both
 * default as below.
 */
const FIRST_PAGE = 0;
const DEFAULT_PAGE_SIZE = 25;

/** `page` of the integer-paged lists. */
export const PageNumber = Type.Optional(Type.Integer({ minimum: 0, maximum: 100000, default: FIRST_PAGE }));

/** `pageSize` from 1 to `max` (250 for users and groups, 1000 for members and follows). */
export const PageSize = (max: number) =>
  Type.Optional(Type.Integer({ minimum: 1, maximum: max, default: DEFAULT_PAGE_SIZE }));

/** The page a request asks for, with the defaults where it names none. */
export function integerPaging(query: {
  page?: number | undefined;
  pageSize?: number | undefined;
}): IntegerPaging {
  return { page: query.page ?? FIRST_PAGE, pageSize: query.pageSize ?? DEFAULT_PAGE_SIZE };
}
