import type { JournalEntry } from './journal.js';

/** The journal's filters (SPEC §9), as `GET /_chatterbox/requests` and its stream take them. */
export interface JournalQuery {
  /** A status class (`4xx`) or one status (`404`). */
  status?: string | undefined;
  /** Part of the path. */
  path?: string | undefined;
  username?: string | undefined;
  errorCode?: string | undefined;
}

export const STATUS_FILTER_PATTERN = '^[1-5](xx|[0-9][0-9])$';

/** A predicate for the entries the query asks for; undefined when it asks for every entry. */
export function journalFilter(query: JournalQuery): ((entry: JournalEntry) => boolean) | undefined {
  const { status, path, username, errorCode } = query;
  if (!status && !path && !username && !errorCode) return undefined;
  const statusClass = status?.endsWith('xx') ? Number(status[0]) : undefined;
  const exactStatus = status && statusClass === undefined ? Number(status) : undefined;
  return (entry) =>
    (statusClass === undefined || Math.floor(entry.status / 100) === statusClass) &&
    (exactStatus === undefined || entry.status === exactStatus) &&
    (!path || entry.path.includes(path)) &&
    (!username || entry.username === username) &&
    (!errorCode || entry.errorCode === errorCode);
}
