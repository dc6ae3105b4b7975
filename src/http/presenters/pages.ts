import { ApiError } from '../../errors/api-error.js';

export interface IntegerPaging {
  page: number;
  pageSize: number;
}

/**
 * Integer-page paging (users, groups, members, followers, likes; reference/chatter-facts.md §2.9):
 * the URLs of the current, next and previous pages, null where there is none.
 */
export function pageLinks(
  url: string,
  params: Record<string, string | number | undefined>,
  { page, pageSize }: IntegerPaging,
  total: number,
) {
  const link = (p: number) => {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) if (value !== undefined) query.set(key, String(value));
    query.set('page', String(p));
    query.set('pageSize', String(pageSize));
    return `${url}?${query.toString()}`;
  };
  const hasNext = (page + 1) * pageSize < total;
  return {
    currentPageToken: page,
    currentPageUrl: link(page),
    nextPageToken: hasNext ? page + 1 : null,
    nextPageUrl: hasNext ? link(page + 1) : null,
    previousPageToken: page > 0 ? page - 1 : null,
    previousPageUrl: page > 0 ? link(page - 1) : null,
  };
}

/** Integer-page links without the page tokens (Group Page, Group Member Page, Follower Page…). */
export function pageUrls(
  url: string,
  params: Record<string, string | number | undefined>,
  paging: IntegerPaging,
  total: number,
) {
  const { currentPageUrl, nextPageUrl, previousPageUrl } = pageLinks(url, params, paging, total);
  return { currentPageUrl, nextPageUrl, previousPageUrl };
}

/**
 * Batch Results (resource-specific batches, SPEC §6): one { statusCode, result } per item. An item's
 * ApiError is its result, as the error body of a direct call; any other error is a fault of the
 * whole request, thrown on to become its 500.
 */
export function presentBatchResults<T>(
  items: ({ value: T; error?: undefined } | { error: Error; value?: undefined })[],
  present: (value: T) => unknown,
) {
  const results = items.map((item) => {
    if (item.value !== undefined) return { result: present(item.value), statusCode: 200 };
    if (!(item.error instanceof ApiError)) throw item.error;
    return { result: [item.error.toWire()], statusCode: item.error.status };
  });
  return { hasErrors: results.some((r) => r.statusCode >= 400), results };
}
