import type { Viewer } from '../auth/viewer.js';
import { apiError, insufficientAccess, invalidInput, notFound } from '../errors/api-error.js';
import { KeyPrefix } from '../ids/salesforce-id.js';
import type { Clock } from '../lib/clock.js';
import { searchFold } from '../lib/search-fold.js';
import type { FeedElementRecord, StoredSegment, TopicRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import type { TopicSort } from '../store/topic-repository.js';
import type { FeedElementService } from './feed-elements.js';
import { requireId } from './ids.js';
import { isInternal } from './post-state.js';
import { requireSubjectId, visibleRecord } from './record-summaries.js';
import type { Scope } from './scope.js';

export const TOPIC_NAME_MAX = 150;
export const TOPICS_PER_POST_MAX = 10;
/** F2 §4: PUT records/{id}/topics takes at most 100 names for a record. */
export const TOPICS_PER_RECORD_MAX = 100;
export const TRENDING_WINDOW_MS = 7 * 24 * 3600 * 1000;
/** New topics written by one statement: 7 parameters each, well within SQLite's 32,766. */
const CREATE_BATCH = 1000;

/** What topics are assigned to: posts (their Topics Capability) and records (F2 §4). */
export type TopicHolder = 'post' | 'record';

export interface TopicPage {
  topics: TopicRecord[];
  nextPage: string | null;
}

/**
 * Topics (SPEC §12.4, §12.8): any internal user creates and assigns them; only admins rename or
 * delete. Names are unique per org compared folded (decision 0028); `talkingAbout` is a counter
 * kept by each assigning write in its transaction.
 */
export class TopicService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly elements: FeedElementService,
  ) {}

  async list(
    viewer: Viewer,
    params: {
      q?: string | undefined;
      exactMatch: boolean;
      sort: TopicSort;
      page?: string | undefined;
      pageSize: number;
    },
  ): Promise<TopicPage> {
    const q = params.q?.trim();
    if (q !== undefined && !params.exactMatch && q.replace(/\*/g, '').length < 2) {
      throw invalidInput('Invalid q: the search term must have at least 2 characters other than wildcards.');
    }
    const after = params.page === undefined ? undefined : parseTopicToken(params.page, params.sort);
    const rows = await this.store.topics.list(viewer.orgId, {
      q: q?.replace(/\*/g, ''),
      exactMatch: params.exactMatch,
      sort: params.sort,
      limit: params.pageSize + 1,
      after,
    });
    const shown = rows.slice(0, params.pageSize);
    const last = shown.at(-1);
    return {
      topics: shown,
      nextPage: rows.length > params.pageSize && last ? topicToken(last, params.sort) : null,
    };
  }

  async create(viewer: Viewer, input: { name?: string | undefined; description?: string | undefined }) {
    requireInternal(viewer);
    const name = checkName(input.name);
    const created = await this.store.topics.create({
      id: await this.store.newId(KeyPrefix.topic),
      orgId: viewer.orgId,
      name,
      description: input.description?.trim() || null,
      createdAt: this.clock.now(),
    });
    if (!created) throw apiError('TOPIC_NAME_TAKEN');
    return created;
  }

  async get(viewer: Viewer, rawId: string): Promise<TopicRecord> {
    const id = requireId(rawId, KeyPrefix.topic);
    const [topic] = await this.store.topics.find(viewer.orgId, [id]);
    if (!topic) throw notFound();
    return topic;
  }

  async update(
    viewer: Viewer,
    rawId: string,
    input: { name?: string | undefined; description?: string | undefined },
  ): Promise<TopicRecord> {
    const topic = await this.get(viewer, rawId);
    if (viewer.user.type !== 'admin')
      throw insufficientAccess("You don't have permission to edit this topic.");
    const name = input.name === undefined ? undefined : checkName(input.name);
    if (name !== undefined) {
      const other = await this.store.topics.findByName(viewer.orgId, name);
      if (other && other.id !== topic.id) throw apiError('TOPIC_NAME_TAKEN');
    }
    await this.store.topics.update(viewer.orgId, topic.id, {
      ...(name !== undefined ? { name } : {}),
      ...(input.description !== undefined ? { description: input.description.trim() || null } : {}),
    });
    return this.get(viewer, topic.id);
  }

  async delete(viewer: Viewer, rawId: string): Promise<void> {
    const topic = await this.get(viewer, rawId);
    if (viewer.user.type !== 'admin')
      throw insufficientAccess("You don't have permission to delete this topic.");
    await this.store.transaction((tx) => tx.topics.delete(viewer.orgId, topic.id));
  }

  /** Most posts assigned in the last 7 days by the server clock, then by name. */
  async trending(viewer: Viewer, maxResults: number): Promise<TopicRecord[]> {
    return this.store.topics.trending(viewer.orgId, this.clock.now() - TRENDING_WINDOW_MS, maxResults);
  }

  /** The topics of a post the viewer may read. */
  async ofPost(viewer: Viewer, scope: Scope, rawPostId: string): Promise<TopicRecord[]> {
    const { element } = await this.elements.readable(viewer, scope, rawPostId);
    return (await this.store.topics.topicsOf([element.id])).map((r) => r.topic);
  }

  /** GET connect/records/{recordId}/topics: a record's topics, in the order they were assigned. */
  async ofRecord(
    viewer: Viewer,
    scope: Scope,
    rawRecordId: string,
  ): Promise<{ recordId: string; topics: TopicRecord[] }> {
    const recordId = await this.#record(viewer, scope, rawRecordId);
    return { recordId, topics: await this.store.topics.topicsOfRecord(recordId) };
  }

  /**
   * POST capabilities/topics of a post, or connect/records/{id}/topics: `{topicId}` or `{topicName}`
   * (created when new); at most 10 a post, 100 a record (F2 §4). Assigning it again changes nothing.
   */
  async assign(
    viewer: Viewer,
    scope: Scope,
    holder: TopicHolder,
    rawId: string,
    input: { topicId?: string | undefined; topicName?: string | undefined },
  ): Promise<TopicRecord> {
    const assignTo = await this.#holder(viewer, scope, holder, rawId);
    const named = await this.#named(viewer, input);
    const id = await this.store.transaction(async (tx) => {
      const target = await this.#ensure(tx, viewer, named);
      await assignTo(tx, target);
      return target;
    });
    return this.get(viewer, id);
  }

  /**
   * PUT connect/records/{recordId}/topics `{topicNames}` (F2 §4): the record's topics become exactly
   * these (new names created), in one transaction; at most 100 distinct names, compared folded as
   * topic names are. Topics kept keep their place; the answer is the record's topics after.
   */
  async replaceOfRecord(
    viewer: Viewer,
    scope: Scope,
    rawRecordId: string,
    topicNames: readonly string[],
  ): Promise<{ recordId: string; topics: TopicRecord[] }> {
    requireInternal(viewer);
    const recordId = await this.#record(viewer, scope, rawRecordId);
    const names = new Map<string, string>();
    for (const raw of topicNames) {
      const name = checkName(raw);
      if (!names.has(searchFold(name))) names.set(searchFold(name), name);
    }
    if (names.size > TOPICS_PER_RECORD_MAX) throw apiError('TOO_MANY_RECORD_TOPICS');
    await this.store.transaction(async (tx) => {
      const ids = await ensureTopics(tx, viewer.orgId, [...names.values()], this.clock.now());
      await tx.topics.replaceRecordTopics({ id: recordId, orgId: viewer.orgId }, ids, this.clock.now());
    });
    return { recordId, topics: await this.store.topics.topicsOfRecord(recordId) };
  }

  /** DELETE …/topics?topicId=: 404 when the post or record does not have the topic. */
  async unassign(
    viewer: Viewer,
    scope: Scope,
    holder: TopicHolder,
    rawId: string,
    rawTopicId: string,
  ): Promise<void> {
    requireInternal(viewer);
    const id =
      holder === 'post'
        ? (await this.elements.readable(viewer, scope, rawId)).element.id
        : await this.#record(viewer, scope, rawId);
    const topic = await this.get(viewer, rawTopicId);
    const removed = await this.store.transaction((tx) =>
      holder === 'post' ? tx.topics.unassign(topic.id, id) : tx.topics.unassignFromRecord(topic.id, id),
    );
    if (!removed) throw notFound();
  }

  /** How to assign a topic to the post or record, once the viewer is known to be allowed to. */
  async #holder(
    viewer: Viewer,
    scope: Scope,
    holder: TopicHolder,
    rawId: string,
  ): Promise<(tx: Store, topicId: string) => Promise<void>> {
    requireInternal(viewer);
    if (holder === 'post') {
      const { element } = await this.elements.readable(viewer, scope, rawId);
      return (tx, topicId) => assignAll(tx, element, [topicId], this.clock.now());
    }
    const recordId = await this.#record(viewer, scope, rawId);
    return async (tx, topicId) => {
      const current = await tx.topics.topicsOfRecord(recordId);
      if (!current.some((t) => t.id === topicId) && current.length >= TOPICS_PER_RECORD_MAX) {
        throw apiError('TOO_MANY_RECORD_TOPICS');
      }
      await tx.topics.assignToRecord(topicId, { id: recordId, orgId: viewer.orgId }, this.clock.now());
    };
  }

  /** A live record the viewer may see (404 otherwise); a user, group or other ID is 400 (SPEC §3). */
  async #record(viewer: Viewer, scope: Scope, raw: string): Promise<string> {
    const subject = await requireSubjectId(this.store, viewer.orgId, raw);
    if (subject.kind !== 'record') throw apiError('INVALID_ID_FIELD', { id: raw });
    return (await visibleRecord(this.store, viewer, scope, subject.id)).row.id;
  }

  /** The topic an assignment names: an existing one by ID (400/404), or a checked name. */
  async #named(
    viewer: Viewer,
    input: { topicId?: string | undefined; topicName?: string | undefined },
  ): Promise<{ topicId: string } | { name: string }> {
    if (input.topicId === undefined && input.topicName === undefined) {
      throw invalidInput('Specify topicId or topicName.');
    }
    const topicId = input.topicId === undefined ? undefined : (await this.get(viewer, input.topicId)).id;
    const name = input.topicName === undefined ? undefined : checkName(input.topicName);
    return topicId === undefined ? { name: name as string } : { topicId };
  }

  /** In the caller's transaction: the named topic's ID, creating it by name when new. */
  async #ensure(tx: Store, viewer: Viewer, named: { topicId: string } | { name: string }): Promise<string> {
    if ('topicId' in named) return named.topicId;
    const [id] = await ensureTopics(tx, viewer.orgId, [named.name], this.clock.now());
    return id as string;
  }
}

/** The hashtags of a body, once each (first spelling kept, compared folded as topic names are). */
export function hashtagsOf(segments: readonly StoredSegment[]): string[] {
  const seen = new Map<string, string>();
  for (const s of segments)
    if (s.type === 'Hashtag' && !seen.has(searchFold(s.tag))) seen.set(searchFold(s.tag), s.tag);
  return [...seen.values()];
}

/** In the caller's transaction: the topics of these names, created when new. */
export async function ensureTopics(
  tx: Store,
  orgId: string,
  names: readonly string[],
  now: number,
): Promise<string[]> {
  // The existing ones in one query, the new ones in two (their IDs, then the rows), whatever the count.
  const known = new Map((await tx.topics.findByNames(orgId, names)).map((t) => [searchFold(t.name), t.id]));
  const fresh = new Map<string, string>();
  for (const name of names)
    if (!known.has(searchFold(name))) fresh.set(searchFold(name), fresh.get(searchFold(name)) ?? name);
  if (fresh.size > 0) {
    const ids = await tx.newIds(KeyPrefix.topic, fresh.size);
    const rows = [...fresh.values()].map((name, i) => ({
      id: ids[i] as string,
      orgId,
      name,
      description: null,
      createdAt: now,
    }));
    for (let i = 0; i < rows.length; i += CREATE_BATCH) {
      for (const t of await tx.topics.createMany(rows.slice(i, i + CREATE_BATCH))) {
        known.set(searchFold(t.name), t.id);
      }
    }
    // Created meanwhile by another writer: the unique index kept theirs; use it.
    const lost = [...fresh.values()].filter((name) => !known.has(searchFold(name)));
    for (const t of await tx.topics.findByNames(orgId, lost)) known.set(searchFold(t.name), t.id);
  }
  return names.flatMap((name) => known.get(searchFold(name)) ?? []);
}

/** In the caller's transaction: assigns topics to a post, refusing an 11th. */
export async function assignAll(
  tx: Store,
  post: FeedElementRecord,
  topicIds: readonly string[],
  now: number,
): Promise<void> {
  const current = new Set((await tx.topics.topicsOf([post.id])).map((r) => r.topic.id));
  const added = topicIds.filter((id) => !current.has(id));
  if (current.size + new Set(added).size > TOPICS_PER_POST_MAX) {
    throw apiError('TOO_MANY_TOPICS');
  }
  for (const id of added) await tx.topics.assign(id, post, now);
}

/**
 * In the caller's transaction, after an edit of a post's body (SPEC §12.8): the topics of hashtags
 * taken out are unassigned, those of hashtags put in created if needed and assigned (at most 10).
 */
export async function retag(
  tx: Store,
  post: FeedElementRecord,
  before: readonly StoredSegment[],
  after: readonly StoredSegment[],
  now: number,
): Promise<void> {
  const [was, is] = [hashtagsOf(before), hashtagsOf(after)];
  const had = new Set(was.map(searchFold));
  const has = new Set(is.map(searchFold));
  for (const name of was.filter((t) => !has.has(searchFold(t)))) {
    const topic = await tx.topics.findByName(post.orgId, name);
    if (topic) await tx.topics.unassign(topic.id, post.id);
  }
  const added = is.filter((t) => !had.has(searchFold(t)));
  if (added.length > 0) await assignAll(tx, post, await ensureTopics(tx, post.orgId, added, now), now);
}

function checkName(raw: string | undefined): string {
  const name = raw?.trim() ?? '';
  if (name === '') throw invalidInput('Missing required field: name.');
  if ([...name].length > TOPIC_NAME_MAX) {
    throw invalidInput(`Invalid name: specify at most ${TOPIC_NAME_MAX} characters.`);
  }
  return name;
}

function requireInternal(viewer: Viewer): void {
  if (!isInternal(viewer)) throw insufficientAccess("You don't have permission to create or assign topics.");
}

function topicToken(t: TopicRecord, sort: TopicSort): string {
  const key = sort === 'alphaAsc' ? searchFold(t.name) : String(t.talkingAbout);
  return Buffer.from(JSON.stringify([key, t.id])).toString('base64url');
}

function parseTopicToken(raw: string, sort: TopicSort): { key: string | number; id: string } {
  try {
    const [key, id] = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown[];
    if (typeof key === 'string' && typeof id === 'string' && (sort === 'alphaAsc' || /^\d+$/.test(key))) {
      return { key: sort === 'alphaAsc' ? key : Number(key), id };
    }
  } catch {
    // falls through to the error below
  }
  throw invalidInput(`Invalid page: ${raw}. Specify a page token from an earlier response.`);
}
