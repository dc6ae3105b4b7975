import type { Viewer } from '../auth/viewer.js';
import { type ApiError, apiError, insufficientAccess, invalidInput, notFound } from '../errors/api-error.js';
import { KeyPrefix, prefixOf } from '../ids/salesforce-id.js';
import type { FeedBranch, FeedElementRecord, FeedSort, QuestionFilter } from '../store/records.js';
import type { Store } from '../store/store.js';
import { groupFeedRefusal } from './feed-access.js';
import type { FeedElementView, FeedViews } from './feed-views.js';
import { type GroupAccess, loadGroupAccess, loadScopeAccess } from './group-access.js';
import { requireId, requireUserId } from './ids.js';
import { type KeysetCursor, keysetToken, parseKeysetToken, parseUpdatesToken } from './page-tokens.js';
import { requireSubjectId, visibleRecord } from './record-summaries.js';
import type { Scope } from './scope.js';
import { streamBranches } from './streams.js';
import { SEARCH_TERM_MAX, type UserService } from './users.js';

/** The feeds served (SPEC §6); the path segment after /chatter/feeds/. */
export const FEED_TYPES = [
  'news',
  'record',
  'user-profile',
  'groups',
  'to',
  'company',
  'bookmarks',
  'mute',
  'topics',
  'streams',
] as const;
export type FeedType = (typeof FEED_TYPES)[number];
export type FeedSortParam = 'CreatedDateDesc' | 'LastModifiedDateDesc';

/** Feeds that answer `updatedSince` and give an updatesToken (chatter-facts §2.6). */
const UPDATABLE: readonly FeedType[] = ['news', 'record', 'groups', 'company'];

export interface FeedPageParams {
  sort: FeedSortParam;
  page?: string | undefined;
  pageSize: number;
  recentCommentCount: number;
  updatedSince?: string | undefined;
  /** Question filters (F2 §1.4): record feeds only (decision 0034). */
  filter?: QuestionFilter | undefined;
}

export interface FeedPage {
  elements: FeedElementView[];
  currentPageToken: string | null;
  nextPageToken: string | null;
  /** `2:<epoch ms>` for the feeds that take updatedSince; null for the others. */
  updatesToken: string | null;
}

/** Which feed a request names, with the subject's 18-character ID for the URLs (never `me`). */
export interface ResolvedFeed {
  type: FeedType;
  subjectId: string | null;
}

interface FeedPlan {
  feed: ResolvedFeed;
  branches: FeedBranch[];
  hiddenGroups: string[];
  /** Access to every group whose posts can appear (the views need it; loaded once). */
  access: ReadonlyMap<string, GroupAccess>;
  textContains?: string;
  /** The viewer's muted posts are left out (the news feed, SPEC §12.5). */
  excludeMutedBy?: string;
}

export interface FeedServiceOptions {
  /**
   * Above this many sources (people followed, groups…), a feed is read through the org index in
   * one branch instead of one index range per source (SQLite allows at most 500 compound terms).
   */
  maxBranches: number;
}

/**
 * Feeds (SPEC §6): which posts each feed holds and who may read it, paged with keyset cursors
 * (`createdDate,id` page tokens; never OFFSET), so a page costs the same on any page of any size
 * of store.
 */
export class FeedService {
  constructor(
    private readonly store: Store,
    private readonly users: UserService,
    private readonly views: FeedViews,
    private readonly options: FeedServiceOptions = { maxBranches: 50 },
  ) {}

  /** The Feed resource (`GET feeds/news/me`): checks the feed exists and may be read. */
  async feed(viewer: Viewer, scope: Scope, type: string, rawSubject: string | null): Promise<ResolvedFeed> {
    return (await this.#plan(viewer, scope, type, rawSubject)).feed;
  }

  async elements(
    viewer: Viewer,
    scope: Scope,
    type: string,
    rawSubject: string | null,
    params: FeedPageParams,
  ): Promise<{ feed: ResolvedFeed; page: FeedPage }> {
    const cursor =
      params.page === undefined
        ? undefined
        : parseKeysetToken(params.page, KeyPrefix.feedElement, { newer: false });
    const since = params.updatedSince === undefined ? undefined : parseUpdatesToken(params.updatedSince);
    const plan = await this.#plan(viewer, scope, type, rawSubject);
    if (since !== undefined && !UPDATABLE.includes(plan.feed.type)) {
      throw invalidInput("Invalid updatedSince: this feed doesn't support updatedSince.");
    }
    if (params.filter !== undefined && plan.feed.type !== 'record') throw filterRefused();
    const page = await this.#page(viewer, scope, plan, params, cursor, since);
    return {
      feed: plan.feed,
      page: { ...page, updatesToken: UPDATABLE.includes(plan.feed.type) ? page.updatesToken : null },
    };
  }

  /** GET feed-elements?q=: posts of the scope the viewer may read whose text contains q. */
  async search(viewer: Viewer, scope: Scope, rawQ: string, params: FeedPageParams): Promise<FeedPage> {
    const q = rawQ.trim().replace(/\*/g, '');
    if (q.length < 2) {
      throw invalidInput('Invalid q: the search term must have at least 2 characters other than wildcards.');
    }
    // As the users search: SQLite refuses LIKE patterns over 50 000 bytes (once a 500 here).
    if (q.length > SEARCH_TERM_MAX) {
      throw invalidInput(`Invalid q: the search term must have at most ${SEARCH_TERM_MAX} characters.`);
    }
    if (params.updatedSince !== undefined) {
      throw invalidInput("Invalid updatedSince: this feed doesn't support updatedSince.");
    }
    if (params.filter !== undefined) throw filterRefused();
    const cursor =
      params.page === undefined
        ? undefined
        : parseKeysetToken(params.page, KeyPrefix.feedElement, { newer: false });
    const { access, hidden } = await loadScopeAccess(this.store, viewer, scope);
    const plan: FeedPlan = {
      feed: { type: 'company', subjectId: null },
      branches: [{ kind: 'scope' }],
      hiddenGroups: hidden,
      access,
      textContains: q,
    };
    return { ...(await this.#page(viewer, scope, plan, params, cursor, undefined)), updatesToken: null };
  }

  async #page(
    viewer: Viewer,
    scope: Scope,
    plan: FeedPlan,
    params: FeedPageParams,
    cursor: KeysetCursor | undefined,
    since: number | undefined,
  ): Promise<Omit<FeedPage, 'updatesToken'> & { updatesToken: string }> {
    const sort: FeedSort = params.sort === 'LastModifiedDateDesc' ? 'modified' : 'created';
    const rows =
      plan.branches.length === 0
        ? []
        : await this.store.feeds.page({
            orgId: viewer.orgId,
            communityId: scope.community?.id ?? null,
            branches: plan.branches,
            hiddenGroups: plan.hiddenGroups,
            textContains: plan.textContains,
            questions: params.filter,
            excludeMutedBy: plan.excludeMutedBy,
            sort,
            before: cursor,
            since,
            limit: params.pageSize + 1,
          });
    const shown = rows.slice(0, params.pageSize);
    const sortAt = (e: FeedElementRecord) => (sort === 'modified' ? e.modifiedAt : e.createdAt);
    const last = shown.at(-1);
    const elements = await this.views.elements(viewer, scope, shown, {
      recentCommentCount: params.recentCommentCount,
      access: plan.access,
    });
    return {
      elements,
      currentPageToken: cursor ? keysetToken(cursor) : null,
      nextPageToken:
        rows.length > params.pageSize && last
          ? keysetToken({ at: sortAt(last), id: last.id, direction: 'older' })
          : null,
      // Anything created (or modified) after the newest element seen is an update.
      updatesToken: `2:${Math.max(since ?? 0, ...shown.map(sortAt))}`,
    };
  }

  /** Which posts a feed holds and whether the viewer may read it. */
  async #plan(viewer: Viewer, scope: Scope, rawType: string, rawSubject: string | null): Promise<FeedPlan> {
    const type = FEED_TYPES.find((t) => t === rawType);
    if (!type || (type === 'company') !== (rawSubject === null)) throw notFound();
    const me = viewer.user.id;
    // IDs first (400), then who may read (SPEC §2 order of checks).
    let subject = '';
    let subjectKind: 'user' | 'group' | 'record' = 'user';
    if (type === 'topics' || type === 'streams') {
      subject = requireId(rawSubject as string, type === 'topics' ? KeyPrefix.topic : KeyPrefix.stream);
    } else if (type === 'record') {
      const named =
        rawSubject === 'me'
          ? { id: me, kind: 'user' as const }
          : await requireSubjectId(this.store, viewer.orgId, rawSubject as string);
      subject = named.id;
      subjectKind = named.kind;
    } else if (type !== 'company') {
      subject = requireUserId(rawSubject as string, viewer);
    }
    // Guests read the feeds of public groups only (SPEC §5).
    if (viewer.isGuest && !(type === 'record' && prefixOf(subject) === KeyPrefix.group)) {
      throw apiError('GUEST_NOT_ALLOWED');
    }
    switch (type) {
      case 'company': {
        const { access, hidden } = await loadScopeAccess(this.store, viewer, scope);
        return {
          feed: { type, subjectId: null },
          branches: [{ kind: 'scope' }],
          hiddenGroups: hidden,
          access,
        };
      }
      case 'news': {
        ownFeed(viewer, subject, 'news');
        const [sources, { access, hidden }] = await Promise.all([
          this.store.feeds.feedSources(me),
          loadScopeAccess(this.store, viewer, scope),
        ]);
        const people = unique([me, ...sources.followedUsers]);
        const groups = unique([...sources.memberGroups, ...sources.followedGroups]).filter(
          (id) => access.get(id)?.canReadContent === true,
        );
        // Posts on followed records (§12.1); records live in the internal scope only.
        const records = scope.community ? [] : sources.followedRecords;
        const branches: FeedBranch[] = [
          ...[...people, ...groups, ...records].map((id): FeedBranch => ({ kind: 'subject', id })),
          ...people.map((id): FeedBranch => ({ kind: 'author', id })),
          { kind: 'mentions', userId: me },
        ];
        return {
          feed: { type, subjectId: me },
          branches: this.#fit(branches, {
            subjects: [...people, ...groups, ...records],
            authors: people,
            mentionsOf: me,
          }),
          hiddenGroups: hidden,
          access,
          excludeMutedBy: me,
        };
      }
      case 'topics': {
        const [topic] = await this.store.topics.find(viewer.orgId, [subject]);
        if (!topic) throw notFound();
        const { access, hidden } = await loadScopeAccess(this.store, viewer, scope);
        return {
          feed: { type, subjectId: subject },
          branches: [{ kind: 'topic', topicId: subject }],
          hiddenGroups: hidden,
          access,
        };
      }
      case 'streams': {
        // The owner's alone, in the internal scope (SPEC §12.6, decision 0035).
        const stream = scope.community ? undefined : await this.store.streams.find(viewer.orgId, subject);
        if (stream?.ownerId !== me) throw notFound();
        const { access, hidden } = await loadScopeAccess(this.store, viewer, scope);
        const { branches, subjects, authors } = streamBranches(stream, scope, access);
        const fitted = this.#fit(branches, { subjects, authors, mentionsOf: null });
        return { feed: { type, subjectId: subject }, branches: fitted, hiddenGroups: hidden, access };
      }
      case 'bookmarks':
      case 'mute': {
        ownFeed(viewer, subject, type);
        const { access, hidden } = await loadScopeAccess(this.store, viewer, scope);
        const kind = type === 'mute' ? 'muted' : 'bookmarks';
        return {
          feed: { type, subjectId: me },
          branches: [{ kind, userId: me }],
          hiddenGroups: hidden,
          access,
        };
      }
      case 'to': {
        ownFeed(viewer, subject, 'to');
        const { access, hidden } = await loadScopeAccess(this.store, viewer, scope);
        return {
          feed: { type, subjectId: me },
          branches: [
            { kind: 'subject', id: me, byOthers: true },
            { kind: 'mentions', userId: me },
          ],
          hiddenGroups: hidden,
          access,
        };
      }
      case 'groups': {
        ownFeed(viewer, subject, 'groups');
        const { memberGroups } = await this.store.feeds.feedSources(me);
        const access = await loadGroupAccess(this.store, viewer, scope, memberGroups);
        const groups = memberGroups.filter((id) => access.get(id)?.canReadContent === true);
        return {
          feed: { type, subjectId: me },
          branches: this.#fit(
            groups.map((id): FeedBranch => ({ kind: 'subject', id })),
            { subjects: groups, authors: [], mentionsOf: null },
          ),
          hiddenGroups: [],
          access,
        };
      }
      case 'record': {
        const id = subject;
        if (subjectKind === 'record') {
          // A record's feed: every internal user reads it; in a community it does not exist (§12.1).
          await visibleRecord(this.store, viewer, scope, id);
          return {
            feed: { type, subjectId: id },
            branches: [{ kind: 'subject', id }],
            hiddenGroups: [],
            access: new Map(),
          };
        }
        if (prefixOf(id) === KeyPrefix.group) {
          const access = await loadGroupAccess(this.store, viewer, scope, [id]);
          const refusal = groupFeedRefusal(
            viewer,
            scope,
            access.get(id),
            "You don't have permission to view this group's feed.",
          );
          if (refusal) throw refusal;
          return {
            feed: { type, subjectId: id },
            branches: [{ kind: 'subject', id }],
            hiddenGroups: [],
            access,
          };
        }
        await this.#visibleUser(viewer, scope, id);
        return {
          feed: { type, subjectId: id },
          branches: [{ kind: 'subject', id }],
          hiddenGroups: [],
          access: new Map(),
        };
      }
      case 'user-profile': {
        const id = subject;
        await this.#visibleUser(viewer, scope, id);
        const { access, hidden } = await loadScopeAccess(this.store, viewer, scope);
        return {
          feed: { type, subjectId: id },
          branches: [
            { kind: 'subject', id },
            { kind: 'author', id },
          ],
          hiddenGroups: hidden,
          access,
        };
      }
    }
  }

  /** One branch per source, or one pass over the org index when there are too many sources. */
  #fit(branches: FeedBranch[], any: { subjects: string[]; authors: string[]; mentionsOf: string | null }) {
    if (branches.length <= this.options.maxBranches) return branches;
    return [{ kind: 'any', ...any } satisfies FeedBranch];
  }

  async #visibleUser(viewer: Viewer, scope: Scope, id: string): Promise<void> {
    const users = await this.users.summaries(viewer, scope, [id], { visibleOnly: true });
    if (!users.has(id)) throw notFound();
  }
}

/** News, To and Groups feeds are the context user's own (chatter-facts §2.6). */
function ownFeed(viewer: Viewer, id: string, label: string): void {
  if (id !== viewer.user.id) {
    throw insufficientAccess(`You don't have permission to view another user's ${label} feed.`);
  }
}

function unique(ids: string[]): string[] {
  return [...new Set(ids)];
}

function filterRefused(): ApiError {
  return invalidInput("Invalid filter: this feed doesn't support filter.");
}
