import { ActivityChanges } from '../domain/activity.js';
import { ensureTopics } from '../domain/topics.js';
import { KeyPrefix } from '../ids/salesforce-id.js';
import type { Clock } from '../lib/clock.js';
import type { NewFeedElement, StoredSegment } from '../store/records.js';
import type { Store } from '../store/store.js';

/** Rows per INSERT: 17 columns × 1 000 stays under SQLite's 32 766 and PostgreSQL's 65 535 parameters. */
const ROWS_PER_INSERT = 1_000;
/** INSERTs per transaction: big enough to amortise the commit, small enough not to hold a lock for long. */
const INSERTS_PER_TRANSACTION = 50;
/** Seeded posts are a second apart, the newest a second before the clock. */
const SPACING_MS = 1_000;
/** One post in ten is on the record, one in ten carries the topic: both feeds grow with the store. */
const EVERY = 10;
/** The topic of the tagged posts (their #seed hashtag), and the object of the record. */
export const SEED_TOPIC = 'seed';
const SEED_RECORD_TYPE = 'Account';

export interface SeedPostsResult {
  orgId: string;
  posts: number;
  firstId: string | null;
  lastId: string | null;
  /** The record a tenth of the posts are on (null when the org has no Account), and their topic. */
  recordId: string | null;
  topicId: string | null;
}

/**
 * `chatterbox seed --posts N` (load tests, the feed benchmark): N posts by the org's active internal
 * users, each to the author's own profile or to one of the internal groups the author belongs to,
 * round-robin; one in ten goes to the org's first Account instead (its record feed), and another one
 * in ten carries the hashtag #seed and is assigned that topic (its topic feed), so that the news,
 * record and topic feeds all grow with the store. IDs come from one reserved range of the sequence
 * and rows go in as multi-row INSERTs inside a few large transactions, so a million posts take
 * seconds, not hours.
 */
export async function seedPosts(
  store: Store,
  clock: Clock,
  options: { posts: number; orgId?: string | undefined; onProgress?: (done: number) => void },
): Promise<SeedPostsResult> {
  const org = options.orgId ? await store.orgs.findOrg(options.orgId) : await store.orgs.firstOrg();
  if (!org) throw new Error(options.orgId ? `No org ${options.orgId}` : 'There is no org yet');
  const { users } = await store.users.search(org.id, {
    types: ['standard', 'admin'],
    offset: 0,
    limit: 100_000,
  });
  const authors = users.filter((u) => u.isActive);
  if (authors.length === 0) throw new Error(`The org ${org.id} has no active internal user to post`);
  const groups = await store.groups.findMany(org.id, await store.feeds.groupIdsInScope(org.id, null));
  const roles = await store.memberships.membershipsAmong(
    authors.map((u) => u.id),
    groups.map((g) => g.id),
  );
  // Where each author may post: their profile and their groups (SPEC §5).
  const targets = authors.map((author) => [
    { id: author.id, kind: 'user' as const },
    ...roles.filter((r) => r.userId === author.id).map((r) => ({ id: r.groupId, kind: 'group' as const })),
  ]);
  const record = await store.records.firstLive(org.id, SEED_RECORD_TYPE);
  const count = options.posts;
  if (count <= 0)
    return { orgId: org.id, posts: 0, firstId: null, lastId: null, recordId: null, topicId: null };
  const ids = await store.reserveIds(KeyPrefix.feedElement, count);
  const [topicId] = await store.transaction((tx) => ensureTopics(tx, org.id, [SEED_TOPIC], clock.now()));
  const newest = clock.now() - SPACING_MS;
  const lastPost = new Map<string, number>();
  const tagged = (i: number) => i % EVERY === 0;

  const row = (i: number): NewFeedElement => {
    const a = i % authors.length;
    const own = targets[a] as { id: string; kind: 'user' | 'group' }[];
    const target: { id: string; kind: 'user' | 'group' | 'record' } =
      record && i % EVERY === EVERY / 2
        ? { id: record.id, kind: 'record' }
        : (own[Math.floor(i / authors.length) % own.length] as { id: string; kind: 'user' | 'group' });
    const at = newest - (count - 1 - i) * SPACING_MS;
    const words = `Seeded post ${i + 1}`;
    const segments: StoredSegment[] = tagged(i)
      ? [
          { type: 'Text', text: `${words} ` },
          { type: 'Hashtag', tag: SEED_TOPIC },
        ]
      : [{ type: 'Text', text: words }];
    if (target.kind === 'group') lastPost.set(target.id, at);
    return {
      id: ids.id(i),
      orgId: org.id,
      communityId: null,
      authorId: (authors[a] as { id: string }).id,
      subjectId: target.id,
      subjectKind: target.kind,
      segments,
      text: tagged(i) ? `${words} #${SEED_TOPIC}` : words,
      type: 'TextPost',
      linkUrl: null,
      linkName: null,
      clientName: null,
      createdAt: at,
      modifiedAt: at,
    };
  };

  const perTransaction = ROWS_PER_INSERT * INSERTS_PER_TRANSACTION;
  for (let start = 0; start < count; start += perTransaction) {
    const end = Math.min(count, start + perTransaction);
    await store.transaction(async (tx) => {
      for (let from = start; from < end; from += ROWS_PER_INSERT) {
        const rows: NewFeedElement[] = [];
        for (let i = from; i < Math.min(end, from + ROWS_PER_INSERT); i++) rows.push(row(i));
        await tx.posts.insertElements(rows);
        await tx.topics.assignMany(
          topicId as string,
          rows.filter((_, k) => tagged(from + k)),
          clock.now(),
        );
        // The authors' post counts: one statement for the whole batch, not one per post.
        await new ActivityChanges().postsCreated(rows.map((r) => r.authorId)).record(tx);
      }
    });
    options.onProgress?.(end);
  }
  for (const group of groups) {
    const at = lastPost.get(group.id);
    if (at !== undefined && (group.lastPostAt === null || group.lastPostAt < at)) {
      await store.posts.touchGroupLastPost(group.id, at);
    }
  }
  await store.refreshPlannerStatistics();
  return {
    orgId: org.id,
    posts: count,
    firstId: ids.id(0),
    lastId: ids.id(count - 1),
    recordId: record?.id ?? null,
    topicId: topicId ?? null,
  };
}

/**
 * `chatterbox seed --stream-for <username>` (the feed benchmark's stream page, SPEC §12.6): a
 * stream owned by that user that follows the seeded Account, the org's internal groups and the
 * seeded posts' authors, at most 25 in all, so that its feed holds posts of the seeded set.
 * Returns the stream's ID.
 */
export async function seedStream(
  store: Store,
  clock: Clock,
  options: { ownerUsername: string; orgId?: string | undefined },
): Promise<string> {
  const owner = await store.users.findByUsername(options.ownerUsername);
  if (!owner || (options.orgId !== undefined && owner.orgId !== options.orgId)) {
    throw new Error(`No user ${options.ownerUsername}${options.orgId ? ` in the org ${options.orgId}` : ''}`);
  }
  const groups = await store.feeds.groupIdsInScope(owner.orgId, null);
  const { users } = await store.users.search(owner.orgId, {
    types: ['standard', 'admin'],
    offset: 0,
    limit: 25,
  });
  // The record the seed posts a tenth on comes first, so the stream holds every seeded post but
  // the owner's own to her profile.
  const record = await store.records.firstLive(owner.orgId, SEED_RECORD_TYPE);
  const entityIds = [
    ...(record ? [record.id] : []),
    ...groups,
    ...users.filter((u) => u.isActive && u.id !== owner.id).map((u) => u.id),
  ];
  const id = await store.newId(KeyPrefix.stream);
  await store.transaction((tx) =>
    tx.streams.create({
      id,
      orgId: owner.orgId,
      ownerId: owner.id,
      name: 'Seeded stream',
      description: null,
      createdAt: clock.now(),
      entityIds: entityIds.slice(0, 25),
    }),
  );
  return id;
}
