import type { Viewer } from '../auth/viewer.js';
import { insufficientAccess, invalidInput, notFound } from '../errors/api-error.js';
import { KeyPrefix } from '../ids/salesforce-id.js';
import type { Clock } from '../lib/clock.js';
import type { AnnouncementRecord } from '../store/announcement-repository.js';
import type { Store } from '../store/store.js';
import { DEFAULT_RECENT_COMMENTS, type FeedElementService } from './feed-elements.js';
import type { FeedElementView, FeedViews } from './feed-views.js';
import { type GroupAccess, requireGroupContent } from './group-access.js';
import type { GroupService } from './groups.js';
import { requireId } from './ids.js';
import type { Scope } from './scope.js';

/** Announcement Input (F2 §8), as the edge schema lets it through. */
export interface AnnouncementInput {
  body?: unknown;
  expirationDate?: string | undefined;
  feedItemId?: string | undefined;
  parentId?: string | undefined;
  sendEmails?: boolean | undefined;
  isArchived?: boolean | undefined;
}

export interface AnnouncementView {
  announcement: AnnouncementRecord;
  element: FeedElementView;
}

const CANT_SEE = "You don't have permission to view this group's announcements.";
const CANT_MANAGE = "Only the group's owner and managers can post or change its announcements.";

/**
 * Group announcements (SPEC §12.6, §12.8): an AdvancedTextPost to the group, shown as the group's
 * `announcement` until the exact instant of its expirationDate by the server clock. Readers of the
 * group's feed read them; the owner, managers and admins post, change and delete them.
 */
export class AnnouncementService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly groups: GroupService,
    private readonly elements: FeedElementService,
    private readonly views: FeedViews,
  ) {}

  async create(viewer: Viewer, scope: Scope, rawGroupId: string | undefined, input: AnnouncementInput) {
    if (rawGroupId === undefined) throw invalidInput('Invalid parentId: name the group of the announcement.');
    const groupId = requireId(rawGroupId, KeyPrefix.group);
    const expirationAt = this.#expiration(input.expirationDate);
    const access = await this.groups.access(viewer, scope, groupId);
    if (!access.canManage) throw insufficientAccess(CANT_MANAGE);
    const row = async (store: Store, feedElementId: string): Promise<AnnouncementRecord> => ({
      id: await store.newId(KeyPrefix.announcement),
      orgId: viewer.orgId,
      groupId,
      feedElementId,
      expirationAt,
      isArchived: input.isArchived ?? false,
      sendEmails: input.sendEmails ?? false,
      createdAt: this.clock.now(),
    });
    let announcement: AnnouncementRecord | undefined;
    if (input.feedItemId !== undefined) {
      // An existing post of the group becomes the announcement.
      const { element } = await this.elements.readable(viewer, scope, input.feedItemId);
      if (element.subjectId !== groupId)
        throw invalidInput('Invalid feedItemId: specify a post of this group.');
      announcement = await row(this.store, element.id);
      await this.store.announcements.create(announcement);
    } else {
      const input_ = { body: input.body, feedElementType: 'FeedItem', subjectId: groupId };
      await this.elements.post(viewer, scope, input_, {
        type: 'AdvancedTextPost',
        alsoWrite: async (tx, post) => {
          announcement = await row(tx, post.id);
          await tx.announcements.create(announcement);
        },
      });
    }
    // Read again: the post moved the group's last post date.
    const after = await this.groups.access(viewer, scope, groupId);
    return (
      await this.#views(viewer, scope, [announcement as AnnouncementRecord], after)
    )[0] as AnnouncementView;
  }

  async get(viewer: Viewer, scope: Scope, rawId: string): Promise<AnnouncementView> {
    const { announcement, access } = await this.#load(viewer, scope, rawId);
    return (await this.#views(viewer, scope, [announcement], access))[0] as AnnouncementView;
  }

  /** A page of a group's announcements, newest first; `hasNext` when more follow. */
  async list(viewer: Viewer, scope: Scope, rawGroupId: string, paging: { page: number; pageSize: number }) {
    const access = requireGroupContent(
      viewer,
      scope,
      await this.groups.access(viewer, scope, rawGroupId),
      CANT_SEE,
    );
    const rows = await this.store.announcements.listOf(access.group.id, {
      offset: paging.page * paging.pageSize,
      limit: paging.pageSize + 1,
    });
    const views = await this.#views(viewer, scope, rows.slice(0, paging.pageSize), access);
    return { groupId: access.group.id, views, hasNext: rows.length > paging.pageSize };
  }

  /** PATCH: a new expirationDate, or archived (then no longer the group's announcement). */
  async update(
    viewer: Viewer,
    scope: Scope,
    rawId: string,
    input: { expirationDate?: string | undefined; isArchived?: boolean | undefined },
  ): Promise<AnnouncementView> {
    const { announcement, access } = await this.#load(viewer, scope, rawId);
    const expirationAt =
      input.expirationDate === undefined ? undefined : this.#expiration(input.expirationDate);
    if (!access.canManage) throw insufficientAccess(CANT_MANAGE);
    await this.store.announcements.update(announcement.id, { expirationAt, isArchived: input.isArchived });
    const changed = {
      ...announcement,
      expirationAt: expirationAt ?? announcement.expirationAt,
      isArchived: input.isArchived ?? announcement.isArchived,
    };
    return (await this.#views(viewer, scope, [changed], access))[0] as AnnouncementView;
  }

  /** DELETE: the announcement only; its post stays in the group's feed (decision 0035). */
  async delete(viewer: Viewer, scope: Scope, rawId: string): Promise<void> {
    const { announcement, access } = await this.#load(viewer, scope, rawId);
    if (!access.canManage) throw insufficientAccess(CANT_MANAGE);
    await this.store.announcements.delete(announcement.id);
  }

  /** The group's current announcement (Group.announcement), for a viewer who may read the group. */
  async current(viewer: Viewer, scope: Scope, access: GroupAccess): Promise<AnnouncementView | null> {
    if (!access.canReadContent) return null;
    const announcement = await this.store.announcements.current(access.group.id, this.clock.now());
    if (!announcement) return null;
    return (await this.#views(viewer, scope, [announcement], access))[0] ?? null;
  }

  async #load(viewer: Viewer, scope: Scope, rawId: string) {
    const id = requireId(rawId, KeyPrefix.announcement);
    const announcement = await this.store.announcements.find(viewer.orgId, id);
    if (!announcement) throw notFound();
    const access = requireGroupContent(
      viewer,
      scope,
      await this.groups.access(viewer, scope, announcement.groupId),
      CANT_SEE,
    );
    return { announcement, access };
  }

  /** `expirationDate`: required, an ISO-8601 date and time. */
  #expiration(raw: string | undefined): number {
    if (raw === undefined)
      throw invalidInput('Invalid expirationDate: an announcement needs an expiration date.');
    const at = /^\d{4}-\d\d-\d\dT/.test(raw) ? Date.parse(raw) : Number.NaN;
    if (Number.isNaN(at))
      throw invalidInput(`Invalid expirationDate: ${raw}. Specify an ISO 8601 date and time.`);
    return at;
  }

  async #views(
    viewer: Viewer,
    scope: Scope,
    announcements: readonly AnnouncementRecord[],
    access: GroupAccess,
  ): Promise<AnnouncementView[]> {
    const posts = await this.store.posts.findElements(
      viewer.orgId,
      announcements.map((a) => a.feedElementId),
    );
    const views = new Map(
      (
        await this.views.elements(viewer, scope, posts, {
          recentCommentCount: DEFAULT_RECENT_COMMENTS,
          access: new Map([[access.group.id, access]]),
        })
      ).map((v) => [v.element.id, v]),
    );
    return announcements.flatMap((announcement) => {
      const element = views.get(announcement.feedElementId);
      return element ? [{ announcement, element }] : [];
    });
  }
}
