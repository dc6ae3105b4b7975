import type { Viewer } from '../auth/viewer.js';
import { invalidInput } from '../errors/api-error.js';
import { parseId, to18 } from '../ids/salesforce-id.js';
import type { Store } from '../store/store.js';
import type { FileService, FileView } from './files.js';
import type { GroupReadView, GroupService } from './groups.js';
import { type RecordSummaryView, recordSummaries } from './record-summaries.js';
import type { Scope } from './scope.js';
import type { UserSummaryView } from './user-summaries.js';
import type { UserService } from './users.js';

/** Who a file is shared with: the owner (`I`), then each entity that sees it through a post (`V`). */
export type FileShareEntity =
  | { kind: 'user'; user: UserSummaryView }
  | { kind: 'group'; group: GroupReadView }
  | { kind: 'record'; record: RecordSummaryView };

export interface FileSharesPage {
  view: FileView;
  /** The owner, on the first page only. */
  owner: UserSummaryView | null;
  viewers: FileShareEntity[];
  currentPageToken: string | null;
  nextPageToken: string | null;
}

/**
 * `GET connect/files/{id}/file-shares` (SPEC §12.2, F2 §2.1; decision 0033): the owner with
 * sharingType `I`, then with `V` the parent of each live post that carries the file or has it on a
 * comment or in its body (the group of a group post, the user of a profile post, the record of a
 * record post), each once, in ID order, paged by a keyset token (the last entity's ID). Entities
 * the caller cannot see are left out; the owner's own profile is not listed twice.
 */
export class FileShareService {
  constructor(
    private readonly store: Store,
    private readonly files: FileService,
    private readonly users: UserService,
    private readonly groups: GroupService,
  ) {}

  async page(
    viewer: Viewer,
    scope: Scope,
    rawId: string,
    paging: { page?: string | undefined; pageSize: number },
  ): Promise<FileSharesPage> {
    const after = paging.page === undefined || paging.page === '0' ? undefined : parseToken(paging.page);
    const view = await this.files.get(viewer, scope, rawId);
    const ownerId = view.file.ownerId;
    const rows = await this.store.files.sharedWith(view.file.id, ownerId, after, paging.pageSize + 1);
    const page = rows.slice(0, paging.pageSize);
    const ids = (kind: string) => page.filter((r) => r.subjectKind === kind).map((r) => r.subjectId);
    const [users, groupRecords, records] = await Promise.all([
      this.users.summaries(viewer, scope, ids('user'), { visibleOnly: true }),
      this.store.groups.findMany(viewer.orgId, ids('group')),
      recordSummaries(this.store, viewer, scope, ids('record')),
    ]);
    const groups = new Map(
      (await this.groups.views(viewer, scope, groupRecords))
        .filter((g) => g.access.visible)
        .map((g) => [g.access.group.id, g]),
    );
    const viewers = page.flatMap((row): FileShareEntity[] => {
      const id = row.subjectId;
      if (row.subjectKind === 'group') {
        const group = groups.get(id);
        return group ? [{ kind: 'group', group }] : [];
      }
      if (row.subjectKind === 'record') {
        const record = records.get(id);
        return record ? [{ kind: 'record', record }] : [];
      }
      const user = users.get(id);
      return user ? [{ kind: 'user', user }] : [];
    });
    const last = page.at(-1);
    return {
      view,
      owner: after === undefined ? view.owner : null,
      viewers,
      currentPageToken: after ?? null,
      nextPageToken: rows.length > paging.pageSize && last ? last.subjectId : null,
    };
  }
}

/** A token of this resource: the 18-character ID of the last entity of the page before. */
function parseToken(raw: string): string {
  const id = parseId(raw);
  if (id === undefined || raw.length !== 18)
    throw invalidInput(`Invalid page: ${raw}. Specify a page token from an earlier response.`);
  return to18(id);
}
