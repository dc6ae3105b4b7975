import { ActivityChanges } from '../domain/activity.js';
import { parseMessageInput, plainText } from '../domain/message-segments.js';
import { KeyPrefix } from '../ids/salesforce-id.js';
import type { Clock } from '../lib/clock.js';
import type { FeedElementRecord, StoredSegment } from '../store/records.js';
import type { Store } from '../store/store.js';

const MINUTE = 60_000;

/**
 * The demo feed of SPEC §11: two posts in All Acme by alice and bob (alice's with a comment by
 * bob and a like by admin), alice on her own profile mentioning bob, carol in Partner Hub. IDs
 * come from the sequences and dates are set back from the clock at seeding, so every reset gives
 * the same IDs and the same relative dates.
 */
export async function seedDemoFeed(store: Store, clock: Clock, orgId: string): Promise<void> {
  const now = clock.now();
  const user = async (username: string) => {
    const found = await store.users.findByUsername(username);
    if (!found) throw new Error(`demo user ${username} is missing`);
    return found;
  };
  const [admin, alice, bob, carol] = await Promise.all([
    user('admin@acme.example'),
    user('alice@acme.example'),
    user('bob@acme.example'),
    user('carol@partner.example'),
  ]);
  const [community] = await store.orgs.listCommunities(orgId);
  if (!community) throw new Error('the demo community is missing');
  const groupIds = [
    ...(await store.feeds.groupIdsInScope(orgId, null)),
    ...(await store.feeds.groupIdsInScope(orgId, community.id)),
  ];
  const groups = await store.groups.findMany(orgId, groupIds);
  const group = (name: string) => {
    const found = groups.find((g) => g.name === name);
    if (!found) throw new Error(`demo group ${name} is missing`);
    return found;
  };
  const names = new Map([admin, alice, bob, carol].map((u) => [u.id, `${u.firstName} ${u.lastName}`]));
  const nameOf = (id: string) => names.get(id) ?? '';

  const post = async (
    author: { id: string },
    subject: { id: string; kind: 'user' | 'group'; communityId: string | null },
    segments: StoredSegment[],
    minutesAgo: number,
  ): Promise<FeedElementRecord> => {
    const at = now - minutesAgo * MINUTE;
    const record: FeedElementRecord = {
      id: await store.newId(KeyPrefix.feedElement),
      orgId,
      communityId: subject.communityId,
      authorId: author.id,
      subjectId: subject.id,
      subjectKind: subject.kind,
      segments,
      text: plainText(segments, nameOf),
      type: 'TextPost',
      linkUrl: null,
      linkName: null,
      clientName: null,
      createdAt: at,
      modifiedAt: at,
      commentCount: 0,
      likeCount: 0,
      attachedFiles: 0,
    };
    const mentions = segments.flatMap((s) => (s.type === 'Mention' ? [s.id] : []));
    await store.posts.insertElement(record, mentions);
    await new ActivityChanges().postsCreated([record.authorId]).record(store);
    if (subject.kind === 'group') await store.posts.touchGroupLastPost(subject.id, at);
    return record;
  };
  const text = (value: string) => parseMessageInput({ text: value }).segments;
  const allAcme = group('All Acme');
  const partnerHub = group('Partner Hub');

  const welcome = await post(
    alice,
    { id: allAcme.id, kind: 'group', communityId: null },
    text("Welcome to All Acme! Share what you're working on this week. #welcome"),
    180,
  );
  const commentAt = now - 170 * MINUTE;
  const commented = await store.comments.insertComment({
    id: await store.newId(KeyPrefix.comment),
    orgId,
    feedElementId: welcome.id,
    authorId: bob.id,
    segments: text('Glad to be here!'),
    text: 'Glad to be here!',
    createdAt: commentAt,
    modifiedAt: commentAt,
  });
  await new ActivityChanges().commentAdded(bob.id, commented).record(store);
  const liked = await store.likes.insertLike({
    id: await store.newId(KeyPrefix.like),
    orgId,
    feedElementId: welcome.id,
    commentId: null,
    userId: admin.id,
    createdAt: now - 165 * MINUTE,
  });
  await new ActivityChanges().liked(liked, 1).record(store);
  await post(
    bob,
    { id: allAcme.id, kind: 'group', communityId: null },
    text('The Q3 roadmap review is on Thursday at 10:00.'),
    120,
  );
  await post(
    alice,
    { id: alice.id, kind: 'user', communityId: null },
    [
      { type: 'Text', text: 'Thanks ' },
      { type: 'Mention', id: bob.id },
      { type: 'Text', text: ' for reviewing the launch plan.' },
    ],
    60,
  );
  await post(
    carol,
    { id: partnerHub.id, kind: 'group', communityId: community.id },
    text('Hello from Partner Co! Looking forward to working together.'),
    30,
  );
}
