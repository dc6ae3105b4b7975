import { ActivityChanges } from '../domain/activity.js';
import { parseMessageInput } from '../domain/message-segments.js';
import { SObjectRecordService } from '../domain/sobject-records.js';
import { findObject } from '../domain/sobjects.js';
import { KeyPrefix } from '../ids/salesforce-id.js';
import type { Clock } from '../lib/clock.js';
import type { Store } from '../store/store.js';

const DAY = 86_400_000;
const MINUTE = 60_000;

/** The demo org's records, by their names (SPEC §11). */
export interface DemoRecords {
  globex: string;
  initech: string;
  globexRenewal: string;
  checkoutCase: string;
}

/**
 * The records of SPEC §11, owned by alice unless noted, created through the same checks as
 * sObject REST: Accounts Globex Corporation and Initech (bob's), the Globex Renewal opportunity
 * (closing 30 days after the org is created) and a Case on Initech. IDs come from the sequences,
 * so every reset gives the same ones. Then alice follows Globex Corporation, and bob posts on the
 * Globex Renewal feed (15 minutes before seeding) with a comment by alice (10 minutes before).
 */
export async function seedDemoRecords(store: Store, clock: Clock, orgId: string): Promise<DemoRecords> {
  const userId = async (username: string) => {
    const found = await store.users.findByUsername(username);
    if (!found) throw new Error(`demo user ${username} is missing`);
    return found.id;
  };
  const alice = { orgId, userId: await userId('alice@acme.example') };
  const bob = { orgId, userId: await userId('bob@acme.example') };
  const records = new SObjectRecordService(store, clock);
  const create = async (actor: typeof alice, type: string, fields: Record<string, unknown>) =>
    records.create(actor, await findObject(store, orgId, type), fields);
  const globex = await create(alice, 'Account', {
    Name: 'Globex Corporation',
    Industry: 'Manufacturing',
    BillingCity: 'Springfield',
  });
  const initech = await create(bob, 'Account', { Name: 'Initech' });
  const globexRenewal = await create(alice, 'Opportunity', {
    Name: 'Globex Renewal',
    AccountId: globex,
    StageName: 'Negotiation/Review',
    CloseDate: new Date(clock.now() + 30 * DAY).toISOString().slice(0, 10),
    Amount: 120000,
  });
  const checkoutCase = await create(alice, 'Case', {
    Subject: 'Checkout fails on mobile',
    AccountId: initech,
    Status: 'New',
  });
  const now = clock.now();
  await store.follows.create({
    id: await store.newId(KeyPrefix.subscription),
    orgId,
    communityId: null,
    subscriberId: alice.userId,
    subjectId: globex,
    subjectKind: 'record',
    createdAt: now,
  });
  const text = (value: string) => parseMessageInput({ text: value }).segments;
  const postAt = now - 15 * MINUTE;
  const post = {
    id: await store.newId(KeyPrefix.feedElement),
    orgId,
    communityId: null,
    authorId: bob.userId,
    subjectId: globexRenewal,
    subjectKind: 'record' as const,
    segments: text('Legal approved the terms.'),
    text: 'Legal approved the terms.',
    type: 'TextPost' as const,
    linkUrl: null,
    linkName: null,
    clientName: null,
    createdAt: postAt,
    modifiedAt: postAt,
  };
  await store.posts.insertElement(post, []);
  await new ActivityChanges().postsCreated([bob.userId]).record(store);
  const commentAt = now - 10 * MINUTE;
  const commented = await store.comments.insertComment({
    id: await store.newId(KeyPrefix.comment),
    orgId,
    feedElementId: post.id,
    authorId: alice.userId,
    segments: text('Great news, thanks Bob!'),
    text: 'Great news, thanks Bob!',
    createdAt: commentAt,
    modifiedAt: commentAt,
  });
  await new ActivityChanges().commentAdded(alice.userId, commented).record(store);
  return { globex, initech, globexRenewal, checkoutCase };
}
