import type { Viewer } from '../auth/viewer.js';
import { invalidInput, notFound } from '../errors/api-error.js';
import { KeyPrefix } from '../ids/salesforce-id.js';
import type { Clock } from '../lib/clock.js';
import type { FeedBranch, GroupRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import type { StreamRecord, StreamSort } from '../store/stream-repository.js';
import { type GroupAccess, loadGroupAccess } from './group-access.js';
import { requireId } from './ids.js';
import { type RecordSummaryView, recordSummaries, requireSubjectId } from './record-summaries.js';
import { type Scope, scopeCommunityId } from './scope.js';
import type { UserSummaryView } from './user-summaries.js';
import type { UserService } from './users.js';

/** Chatter Stream Input limits (F2 §8); a user's streams are capped as the real service caps them. */
export const STREAM_LIMITS = { name: 120, description: 1000, subscriptions: 25, perUser: 100 };

/** `subscriptionsToAdd`/`…ToRemove`: a list of `{entityId}`, or the documented `{subscriptions: […]}` (SPEC §12.8). */
export type EntityList = { entityId: string }[] | { subscriptions: { entityId: string }[] };

export interface StreamInput {
  name?: string | undefined;
  description?: string | null | undefined;
  subscriptionsToAdd?: EntityList | undefined;
  subscriptionsToRemove?: EntityList | undefined;
}

/** A Feed Enabled Entity Summary as the viewer sees it. */
export type FeedEntityView =
  | { kind: 'user'; user: UserSummaryView }
  | { kind: 'group'; group: GroupRecord; membershipId: string | null }
  | { kind: 'record'; record: RecordSummaryView };

export interface StreamView {
  stream: StreamRecord;
  /** The stream's entities the viewer can still see, in the order they were added. */
  entities: FeedEntityView[];
}

/**
 * Chatter streams (SPEC §12.6, F2 §8): a user's own lists of up to 25 users, groups and records
 * whose posts make one feed. A stream is its owner's alone: to anyone else it does not exist (404).
 * Streams live in the internal scope (docs/decisions/0035).
 */
export class StreamService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly users: UserService,
  ) {}

  async list(
    viewer: Viewer,
    scope: Scope,
    params: { sort: StreamSort; page: number; pageSize: number },
  ): Promise<{ views: StreamView[]; total: number }> {
    const { streams, total } = await this.store.streams.listOf(viewer.user.id, {
      sort: params.sort,
      offset: params.page * params.pageSize,
      limit: params.pageSize,
    });
    return { views: await this.#views(viewer, scope, streams), total };
  }

  async get(viewer: Viewer, scope: Scope, rawId: string): Promise<StreamView> {
    const stream = await this.#own(viewer, rawId);
    return (await this.#views(viewer, scope, [stream]))[0] as StreamView;
  }

  async create(viewer: Viewer, scope: Scope, input: StreamInput): Promise<StreamView> {
    if (input.subscriptionsToRemove !== undefined) {
      throw invalidInput('Invalid subscriptionsToRemove: not supported when creating a stream.');
    }
    const name = checkName(input.name ?? '');
    const description = checkDescription(input.description);
    const add = await this.#entities(viewer, input.subscriptionsToAdd);
    checkCount(new Set(add));
    await this.#requireVisible(viewer, scope, add);
    if ((await this.store.streams.countOf(viewer.user.id)) >= STREAM_LIMITS.perUser) {
      throw invalidInput(`You can't have more than ${STREAM_LIMITS.perUser} streams.`);
    }
    const stream: StreamRecord = {
      id: await this.store.newId(KeyPrefix.stream),
      orgId: viewer.orgId,
      ownerId: viewer.user.id,
      name,
      description,
      createdAt: this.clock.now(),
      entityIds: [...new Set(add)],
    };
    await this.store.transaction((tx) => tx.streams.create(stream));
    return (await this.#views(viewer, scope, [stream]))[0] as StreamView;
  }

  /** PATCH: name, description, and entities added or removed (one in both lists is no change). */
  async update(viewer: Viewer, scope: Scope, rawId: string, input: StreamInput): Promise<StreamView> {
    const stream = await this.#own(viewer, rawId);
    const name = input.name === undefined ? undefined : checkName(input.name);
    const description = input.description === undefined ? undefined : checkDescription(input.description);
    const add = await this.#entities(viewer, input.subscriptionsToAdd);
    const remove = await this.#entities(viewer, input.subscriptionsToRemove);
    const both = new Set(add.filter((id) => remove.includes(id)));
    const adding = [...new Set(add)].filter((id) => !both.has(id) && !stream.entityIds.includes(id));
    const removing = remove.filter((id) => !both.has(id));
    checkCount(new Set([...stream.entityIds.filter((id) => !removing.includes(id)), ...adding]));
    await this.#requireVisible(viewer, scope, adding);
    await this.store.transaction(async (tx) => {
      await tx.streams.update(stream.id, { name, description });
      await tx.streams.removeSubscriptions(stream.id, removing);
      await tx.streams.addSubscriptions(stream.id, adding, this.clock.now());
    });
    return this.get(viewer, scope, stream.id);
  }

  async delete(viewer: Viewer, rawId: string): Promise<void> {
    const stream = await this.#own(viewer, rawId);
    await this.store.transaction((tx) => tx.streams.delete(stream.id));
  }

  /** The viewer's stream named by a path ID: 400 for a bad ID, 404 for anyone else's or none. */
  async #own(viewer: Viewer, rawId: string): Promise<StreamRecord> {
    const id = requireId(rawId, KeyPrefix.stream);
    const stream = await this.store.streams.find(viewer.orgId, id);
    if (!stream || stream.ownerId !== viewer.user.id) throw notFound();
    return stream;
  }

  /** The entity IDs of an input list: each a user, group or record ID, else 400 INVALID_ID_FIELD. */
  async #entities(viewer: Viewer, list: EntityList | undefined): Promise<string[]> {
    const items = list === undefined ? [] : Array.isArray(list) ? list : list.subscriptions;
    // No list of more than 25 can be applied: refused before any ID is read.
    if (items.length > STREAM_LIMITS.subscriptions) throw tooManySubscriptions();
    const ids: string[] = [];
    for (const item of items) ids.push((await requireSubjectId(this.store, viewer.orgId, item.entityId)).id);
    return ids;
  }

  /** Every entity to add must be one the viewer can see (404 NOT_FOUND otherwise). */
  async #requireVisible(viewer: Viewer, scope: Scope, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const seen = await this.#entityViews(viewer, scope, ids);
    if (ids.some((id) => !seen.has(id))) throw notFound();
  }

  async #views(viewer: Viewer, scope: Scope, streams: readonly StreamRecord[]): Promise<StreamView[]> {
    const entities = await this.#entityViews(
      viewer,
      scope,
      streams.flatMap((s) => s.entityIds),
    );
    return streams.map((stream) => ({
      stream,
      entities: stream.entityIds.flatMap((id) => entities.get(id) ?? []),
    }));
  }

  /** Summaries of the users, groups and records among `ids` the viewer can see (fixed queries). */
  async #entityViews(
    viewer: Viewer,
    scope: Scope,
    ids: readonly string[],
  ): Promise<Map<string, FeedEntityView>> {
    const of = (prefix: string) => [...new Set(ids.filter((id) => id.startsWith(prefix)))];
    const userIds = of(KeyPrefix.user);
    const groupIds = of(KeyPrefix.group);
    const recordIds = ids.filter((id) => !userIds.includes(id) && !groupIds.includes(id));
    const [users, access, memberships, records] = await Promise.all([
      this.users.summaries(viewer, scope, userIds, { visibleOnly: true }),
      loadGroupAccess(this.store, viewer, scope, groupIds),
      this.store.memberships.membershipsOf(viewer.user.id, groupIds),
      recordIds.length === 0
        ? new Map<string, RecordSummaryView>()
        : recordSummaries(this.store, viewer, scope, recordIds),
    ]);
    const views = new Map<string, FeedEntityView>();
    for (const [id, user] of users) views.set(id, { kind: 'user', user });
    for (const [id, a] of access) {
      if (a.visible)
        views.set(id, { kind: 'group', group: a.group, membershipId: memberships.get(id)?.id ?? null });
    }
    for (const [id, record] of records) views.set(id, { kind: 'record', record });
    return views;
  }
}

/**
 * The branches of a stream's feed (SPEC §12.6): posts to each entity, and for a person also the
 * posts they wrote, as following them would bring; a group only while the viewer may read it.
 * Records live in the internal scope only.
 */
export function streamBranches(
  stream: StreamRecord,
  scope: Scope,
  access: ReadonlyMap<string, GroupAccess>,
): { branches: FeedBranch[]; subjects: string[]; authors: string[] } {
  const authors = stream.entityIds.filter((id) => id.startsWith(KeyPrefix.user));
  const subjects = stream.entityIds.filter((id) =>
    id.startsWith(KeyPrefix.group)
      ? access.get(id)?.canReadContent === true
      : id.startsWith(KeyPrefix.user) || scopeCommunityId(scope) === null,
  );
  return {
    branches: [
      ...subjects.map((id): FeedBranch => ({ kind: 'subject', id })),
      ...authors.map((id): FeedBranch => ({ kind: 'author', id })),
    ],
    subjects,
    authors,
  };
}

function checkName(name: string): string {
  if (name.trim() === '') throw invalidInput('Invalid name: a stream needs a name.');
  if (name.length > STREAM_LIMITS.name) {
    throw invalidInput(`Invalid name: specify at most ${STREAM_LIMITS.name} characters.`);
  }
  return name;
}

function checkDescription(description: string | null | undefined): string | null {
  if (description && description.length > STREAM_LIMITS.description) {
    throw invalidInput(`Invalid description: specify at most ${STREAM_LIMITS.description} characters.`);
  }
  return description ? description : null;
}

function checkCount(entities: ReadonlySet<string>): void {
  if (entities.size > STREAM_LIMITS.subscriptions) throw tooManySubscriptions();
}

const tooManySubscriptions = () =>
  invalidInput(`A stream can't have more than ${STREAM_LIMITS.subscriptions} subscriptions.`);
