import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { formatId18 } from '../../src/ids/id-generator.js';
import type {
  CommunityRecord,
  GroupRecord,
  GroupRole,
  JoinRequestRecord,
  UserRecord,
} from '../../src/store/records.js';
import { encode, GROUP_MOTIF, photoShape, userSummary } from './common-shapes.js';
import { type Harness, JSON_TYPE } from './harness.js';
import { rawDatabase } from './store.js';

/**
 * Fixtures and expected wire bodies for the collaboration tests (groups, members, join requests,
 * follows, communities). The builders spell the shapes of reference/chatter-facts.md §2 out
 * independently of the presenters; test/api/golden-bodies.test.ts pins them to the checked-in
 * golden bodies.
 */

export interface Demo {
  orgId: string;
  users: Record<'admin' | 'alice' | 'bob' | 'dan' | 'carol', UserRecord>;
  guest: UserRecord;
  community: CommunityRecord;
  groups: Record<'allAcme' | 'leadership' | 'partnerHub', GroupRecord>;
}

export async function loadDemo(h: Harness): Promise<Demo> {
  const store = h.services.store;
  const user = async (username: string) => {
    const found = await store.users.findByUsername(username);
    assert.ok(found, username);
    return found;
  };
  const users = {
    admin: await user('admin@acme.example'),
    alice: await user('alice@acme.example'),
    bob: await user('bob@acme.example'),
    dan: await user('dan@acme.example'),
    carol: await user('carol@partner.example'),
  };
  const [community] = await store.orgs.listCommunities(users.alice.orgId);
  assert.ok(community?.guestUserId);
  const guest = await store.users.find(users.alice.orgId, community.guestUserId);
  assert.ok(guest);
  return {
    orgId: users.alice.orgId,
    users,
    guest,
    community,
    groups: {
      allAcme: await groupNamed(h, 'All Acme'),
      leadership: await groupNamed(h, 'Leadership'),
      partnerHub: await groupNamed(h, 'Partner Hub'),
    },
  };
}

export async function groupNamed(h: Harness, name: string): Promise<GroupRecord> {
  const row = await rawDatabase(h.services.store)
    .selectFrom('groups')
    .select('id')
    .where('name', '=', name)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  assert.ok(row, name);
  const [group] = await h.services.store.groups.findMany((await h.services.store.orgs.firstOrg())!.id, [
    row.id,
  ]);
  assert.ok(group);
  return group;
}

export async function groupById(h: Harness, orgId: string, id: string): Promise<GroupRecord> {
  const [group] = await h.services.store.groups.findMany(orgId, [id]);
  assert.ok(group, id);
  return group;
}

export async function membershipId(h: Harness, groupId: string, userId: string): Promise<string> {
  const membership = (await h.services.store.memberships.membershipsOf(userId, [groupId])).get(groupId);
  assert.ok(membership, `${userId} in ${groupId}`);
  return membership.id;
}

export async function requestById(h: Harness, orgId: string, id: string): Promise<JoinRequestRecord> {
  const request = await h.services.store.joinRequests.findRequest(orgId, id);
  assert.ok(request, id);
  return request;
}

/** A well-formed ID of a key prefix that no record has (for 404 and wrong-type 400 checks). */
export const unusedId = (prefix: string) => formatId18(prefix, 'Cb', 999_999);

/** Asserts status, JSON content type and the whole body. */
export function assertJson(response: LightMyRequestResponse, status: number, body: unknown): void {
  assert.equal(response.statusCode, status, response.body);
  assert.equal(response.headers['content-type'], JSON_TYPE);
  assert.deepEqual(response.json(), body);
}

/** Asserts an empty 204. */
export function assertNoContent(response: LightMyRequestResponse): void {
  assert.equal(response.statusCode, 204, response.body);
  assert.equal(response.body, '');
}

export { assertError } from './api-assert.js';
export { encode, userSummary } from './common-shapes.js';

export const NOT_FOUND = ['NOT_FOUND', 'The requested resource does not exist'] as const;
export const GUEST_MESSAGE = "This resource isn't accessible to guest users.";

/** `/services/data/v36.0`, or with a community prefix. */
export function apiBase(version = '36.0', communityId?: string): string {
  return `/services/data/v${version}${communityId ? `/connect/communities/${communityId}` : ''}`;
}

function versionOf(base: string): { version: string; major: number } {
  const match = /^\/services\/data\/v(\d+)\.(\d)/.exec(base);
  assert.ok(match, base);
  return { version: `${match[1]}.${match[2]}`, major: Number(match[1]) };
}

export type MyRole = GroupRole | 'NotAMember' | 'NotAMemberPrivateRequested';

export interface GroupExpectation {
  owner: UserRecord;
  memberCount: number;
  myRole: MyRole;
  /** The viewer's membership ID (mySubscription), or null. */
  membershipId: string | null;
  ownerSubscriptionId?: string | null;
}

/** Group (reference/chatter-facts.md §2.4): `bannerPhoto` and `isBroadcast` from 36.0. */
export function groupBody(base: string, group: GroupRecord, e: GroupExpectation) {
  const { version, major } = versionOf(base);
  const url = `${base}/chatter/groups/${group.id}`;
  const body: Record<string, unknown> = {
    additionalLabel: null,
    announcement: null,
    canHaveChatterGuests: group.canHaveChatterGuests,
    community: group.communityId
      ? { id: group.communityId, url: `/services/data/v${version}/connect/communities/${group.communityId}` }
      : null,
    description: group.description === null ? null : encode(group.description),
    emailToChatterAddress: null,
    id: group.id,
    isArchived: group.isArchived,
    isAutoArchiveDisabled: group.isAutoArchiveDisabled,
    lastFeedElementPostDate: group.lastPostAt === null ? null : new Date(group.lastPostAt).toISOString(),
    memberCount: e.memberCount,
    motif: GROUP_MOTIF,
    myRole: e.myRole,
    mySubscription: e.membershipId
      ? { id: e.membershipId, url: `${base}/chatter/group-memberships/${e.membershipId}` }
      : null,
    name: encode(group.name),
    owner: userSummary(base, e.owner, { mySubscription: e.ownerSubscriptionId ?? null }),
    photo: photoShape(group.id, `${url}/photo`, group.photoId ?? null),
    type: 'CollaborationGroup',
    url,
    visibility: group.visibility,
  };
  if (major >= 36) {
    body.bannerPhoto = { bannerPhotoUrl: null, bannerPhotoVersionId: null, url: `${url}/banner-photo` };
    body.isBroadcast = group.isBroadcast;
  }
  return body;
}

/** Group Detail = Group + fileCount + information (null when the viewer can't read the content). */
export function groupDetailBody(
  base: string,
  group: GroupRecord,
  e: GroupExpectation & { canReadContent: boolean },
) {
  const { canReadContent, ...rest } = e;
  return {
    ...groupBody(base, group, rest),
    fileCount: 0,
    information: canReadContent
      ? {
          text: group.informationText === null ? null : encode(group.informationText),
          title: group.informationTitle === null ? null : encode(group.informationTitle),
        }
      : null,
  };
}

/** Group Member. */
export function memberBody(
  base: string,
  id: string,
  role: GroupRole,
  user: UserRecord,
  subscriptionId?: string,
) {
  return {
    id,
    role,
    url: `${base}/chatter/group-memberships/${id}`,
    user: userSummary(base, user, { mySubscription: subscriptionId ?? null }),
  };
}

/** Group Membership Request. */
export function joinRequestBody(base: string, request: JoinRequestRecord, user: UserRecord) {
  return {
    createdDate: new Date(request.createdAt).toISOString(),
    id: request.id,
    lastUpdateDate: new Date(request.modifiedAt).toISOString(),
    requestedGroup: { id: request.groupId, url: `${base}/chatter/groups/${request.groupId}` },
    responseMessage: request.responseMessage === null ? null : encode(request.responseMessage),
    status: request.status,
    url: `${base}/chatter/group-membership-requests/${request.id}`,
    user: userSummary(base, user),
  };
}

/** Subscription; the subject is a User Summary or a Group. */
export function subscriptionBody(
  base: string,
  id: string,
  subscriber: UserRecord,
  subject: unknown,
  options: { communityId?: string | null; subscriberSubscriptionId?: string } = {},
) {
  const { version } = versionOf(base);
  const communityId = options.communityId ?? null;
  return {
    community: communityId
      ? { id: communityId, url: `/services/data/v${version}/connect/communities/${communityId}` }
      : null,
    id,
    subject,
    subscriber: userSummary(base, subscriber, { mySubscription: options.subscriberSubscriptionId ?? null }),
    url: `${base}/chatter/subscriptions/${id}`,
  };
}

/** Community (SPEC §6). */
export function communityBody(version: string, community: CommunityRecord) {
  return {
    allowMembersToFlag: community.allowMembersToFlag,
    description: community.description,
    guestAccess: community.guestAccess,
    id: community.id,
    name: community.name,
    status: community.status,
    url: `/services/data/v${version}/connect/communities/${community.id}`,
    urlPathPrefix: community.urlPathPrefix,
  };
}

/** A request helper bound to a harness: JSON payloads, bearer tokens. */
export function caller(h: Harness) {
  return (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT',
    url: string,
    token?: string,
    payload?: unknown,
  ) =>
    h.request({
      method,
      url,
      ...(token ? { token } : {}),
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });
}
