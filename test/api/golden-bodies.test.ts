import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import {
  apiBase,
  assertJson,
  caller,
  type Demo,
  groupBody,
  groupById,
  groupDetailBody,
  joinRequestBody,
  loadDemo,
  memberBody,
  membershipId,
  requestById,
  subscriptionBody,
  userSummary,
} from '../helpers/collab.js';
import { createHarness, type Harness } from '../helpers/harness.js';
import { FIELDS } from '../helpers/wire-fields.js';

/** A checked-in golden body with its {{placeholders}} replaced from real state (STYLE #13). */
function golden(name: string, vars: Record<string, string>): unknown {
  const substitute = (value: unknown): unknown => {
    if (typeof value === 'string') {
      return value.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
        const replacement = vars[key];
        assert.ok(replacement !== undefined, `golden ${name}: no value for {{${key}}}`);
        return replacement;
      });
    }
    if (Array.isArray(value)) return value.map(substitute);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v)]));
    }
    return value;
  };
  return substitute(JSON.parse(readFileSync(new URL(`../golden/${name}.json`, import.meta.url), 'utf8')));
}

const keys = (value: unknown) => Object.keys(value as object).sort();
const sorted = (list: string[]) => [...list].sort();

describe('golden bodies (STYLE #13, reference/chatter-facts.md §2)', () => {
  let h: Harness;
  let d: Demo;
  let call: ReturnType<typeof caller>;
  const tokens: Record<string, string> = {};
  const base = apiBase();
  const bodies: Record<string, unknown> = {};
  let vars: Record<string, string>;

  /** The scenario behind the goldens: a private group, a request declined, a manager added, a follow. */
  before(async () => {
    h = await createHarness();
    d = await loadDemo(h);
    call = caller(h);
    for (const name of ['alice', 'bob'] as const) tokens[name] = await h.login(d.users[name].username);
    const created = await call('POST', `${base}/chatter/groups`, tokens.alice, {
      name: 'Design Team',
      visibility: 'PrivateAccess',
      description: 'Designs & <things>',
      information: { title: 'Welcome', text: "Be kind, it's a team" },
    });
    bodies.groupDetail = created;
    const groupId = created.json().id as string;
    const requested = await call('POST', `${base}/chatter/groups/${groupId}/members/requests`, tokens.bob);
    bodies.group = await call('GET', `${base}/chatter/groups?q=design`, tokens.bob);
    bodies.groupMember = await call('POST', `${base}/chatter/groups/${groupId}/members`, tokens.alice, {
      userId: d.users.dan.id,
      role: 'GroupManager',
    });
    h.services.clock.advance(60_000);
    bodies.groupMembershipRequest = await call(
      'PATCH',
      `${base}/chatter/group-membership-requests/${requested.json().id}`,
      tokens.alice,
      { status: 'Declined', responseMessage: 'Not this quarter' },
    );
    bodies.subscription = await call('POST', `${base}/chatter/users/me/following`, tokens.bob, {
      subjectId: d.users.alice.id,
    });
    // Every value substituted into the goldens comes from the store, not from the responses.
    const request = await requestById(h, d.orgId, requested.json().id);
    const subscription = (
      await h.services.store.follows.subscriptionIds(d.users.bob.id, [d.users.alice.id])
    ).get(d.users.alice.id);
    assert.ok(subscription);
    vars = {
      groupId,
      groupId15: groupId.slice(0, 15),
      aliceId: d.users.alice.id,
      aliceId15: d.users.alice.id.slice(0, 15),
      bobId: d.users.bob.id,
      bobId15: d.users.bob.id.slice(0, 15),
      danId: d.users.dan.id,
      danId15: d.users.dan.id.slice(0, 15),
      ownerMembershipId: await membershipId(h, groupId, d.users.alice.id),
      membershipId: await membershipId(h, groupId, d.users.dan.id),
      requestId: request.id,
      subscriptionId: subscription,
      createdDate: new Date(request.createdAt).toISOString(),
      lastUpdateDate: new Date(request.modifiedAt).toISOString(),
    };
  });
  after(() => h.close());

  test('POST /chatter/groups answers the golden Group Detail', () => {
    assertJson(bodies.groupDetail as never, 201, golden('group-detail', vars));
  });

  test('GET /chatter/groups answers golden Groups', () => {
    const page = (bodies.group as { json(): { groups: unknown[] } }).json();
    assert.equal(page.groups.length, 1);
    assert.deepEqual(page.groups[0], golden('group', vars));
  });

  test('POST /chatter/groups/{id}/members answers the golden Group Member', () => {
    assertJson(bodies.groupMember as never, 201, golden('group-member', vars));
  });

  test('PATCH /chatter/group-membership-requests/{id} answers the golden Group Membership Request', () => {
    assertJson(bodies.groupMembershipRequest as never, 200, golden('group-membership-request', vars));
  });

  test('POST /chatter/users/me/following answers the golden Subscription', () => {
    assertJson(bodies.subscription as never, 201, golden('subscription', vars));
  });

  test('the goldens have exactly the fields of reference/chatter-facts.md §2', () => {
    const group = golden('group', vars) as Record<string, unknown>;
    const detail = golden('group-detail', vars) as Record<string, unknown>;
    const member = golden('group-member', vars) as Record<string, unknown>;
    const request = golden('group-membership-request', vars) as Record<string, unknown>;
    const subscription = golden('subscription', vars) as Record<string, unknown>;
    assert.deepEqual(keys(group), sorted(FIELDS.group));
    assert.deepEqual(keys(detail), sorted([...FIELDS.group, 'fileCount', 'information']));
    assert.deepEqual(keys(detail.information), ['text', 'title']);
    assert.deepEqual(keys(member), sorted(FIELDS.groupMember));
    assert.deepEqual(keys(request), sorted(FIELDS.groupMembershipRequest));
    assert.deepEqual(keys(request.requestedGroup), FIELDS.reference);
    assert.deepEqual(keys(subscription), sorted(FIELDS.subscription));
    assert.deepEqual(keys(detail.mySubscription), FIELDS.reference);
    for (const summary of [
      group.owner,
      detail.owner,
      member.user,
      request.user,
      subscription.subject,
      subscription.subscriber,
    ]) {
      assert.deepEqual(keys(summary), sorted(FIELDS.userSummary));
      const { photo, motif } = summary as Record<string, unknown>;
      assert.deepEqual(keys(photo), sorted(FIELDS.photo));
      assert.deepEqual(keys(motif), sorted(FIELDS.motif));
    }
    assert.deepEqual(keys(group.photo), sorted(FIELDS.photo));
    assert.deepEqual(keys(group.motif), sorted(FIELDS.motif));
    assert.equal(group.type, 'CollaborationGroup');
    assert.match(String(group.url), /^\/services\/data\/v36\.0\/chatter\/groups\/0F9/);
    assert.match(String(member.url), /^\/services\/data\/v36\.0\/chatter\/group-memberships\/0FB/);
    assert.match(String(request.url), /^\/services\/data\/v36\.0\/chatter\/group-membership-requests\/0I5/);
    assert.match(String(subscription.url), /^\/services\/data\/v36\.0\/chatter\/subscriptions\/0E8/);
  });

  test('the expected-body builders of the other tests agree with the goldens', async () => {
    const group = await groupById(h, d.orgId, vars.groupId as string);
    assert.deepEqual(
      groupDetailBody(base, group, {
        owner: d.users.alice,
        memberCount: 1,
        myRole: 'GroupOwner',
        membershipId: vars.ownerMembershipId as string,
        canReadContent: true,
      }),
      golden('group-detail', vars),
    );
    assert.deepEqual(
      groupBody(base, group, {
        owner: d.users.alice,
        memberCount: 1,
        myRole: 'NotAMemberPrivateRequested',
        membershipId: null,
      }),
      golden('group', vars),
    );
    assert.deepEqual(
      memberBody(base, vars.membershipId as string, 'GroupManager', d.users.dan),
      golden('group-member', vars),
    );
    assert.deepEqual(
      joinRequestBody(base, await requestById(h, d.orgId, vars.requestId as string), d.users.bob),
      golden('group-membership-request', vars),
    );
    const subscriptionId = vars.subscriptionId as string;
    assert.deepEqual(
      subscriptionBody(
        base,
        subscriptionId,
        d.users.bob,
        userSummary(base, d.users.alice, { mySubscription: subscriptionId }),
      ),
      golden('subscription', vars),
    );
  });
});
