/**
 * Integer-page paging (users, groups, members, followers, likes; reference/chatter-facts.md §2.9):
 * the URLs of the current, next and previous pages, null where there is none.
 */
export function pageLinks(
  url: string,
  params: Record<string, string | number | undefined>,
  { page, pageSize }: { page: number; pageSize: number },
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
  paging: { page: number; pageSize: number },
  total: number,
) {
  const { currentPageUrl, nextPageUrl, previousPageUrl } = pageLinks(url, params, paging, total);
  return { currentPageUrl, nextPageUrl, previousPageUrl };
}

/** Batch Results (resource-specific batches, SPEC §6): one { statusCode, result } per item. */
export function presentBatchResults<T>(
  items: ({ value: T; error?: undefined } | { error: Error; value?: undefined })[],
  present: (value: T) => unknown,
  presentError: (error: Error) => { status: number; body: unknown },
) {
  const results = items.map((item) => {
    if (item.value !== undefined) return { result: present(item.value), statusCode: 200 };
    const { status, body } = presentError(item.error as Error);
    return { result: body, statusCode: status };
  });
  return { hasErrors: results.some((r) => r.statusCode >= 400), results };
}
