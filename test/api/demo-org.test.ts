import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createHarness, type Harness } from '../helpers/harness.js';
import { passwordGrant, tokenRequest } from '../helpers/oauth.js';
import { rawDatabase } from '../helpers/store.js';

describe('the demo org (SPEC §11): users, connected app, Partner Community', () => {
  let h: Harness;
  let adminToken: string;
  before(async () => {
    h = await createHarness();
    adminToken = await h.login('admin@acme.example');
  });
  after(() => h.close());

  const people = [
    { username: 'admin@acme.example', name: 'Ada Admin', type: 'admin', userType: 'Internal', active: true },
    {
      username: 'alice@acme.example',
      name: 'Alice Anders',
      type: 'standard',
      userType: 'Internal',
      active: true,
    },
    { username: 'bob@acme.example', name: 'Bob Baker', type: 'standard', userType: 'Internal', active: true },
    {
      username: 'dan@acme.example',
      name: 'Dan Departed',
      type: 'standard',
      userType: 'Internal',
      active: false,
    },
    {
      username: 'carol@partner.example',
      name: 'Carol Chen',
      type: 'external',
      userType: 'Portal',
      active: true,
    },
  ];

  test('the org "Acme" holds the five people of SPEC §11, each with the demo password', async () => {
    const orgs = await rawDatabase(h.services.store).selectFrom('orgs').select(['id', 'name']).execute();
    assert.equal(orgs.length, 1);
    assert.equal(orgs[0]?.name, 'Acme');
    for (const person of people) {
      const user = await h.services.store.users.findByUsername(person.username);
      assert.ok(user, person.username);
      assert.equal(user.orgId, orgs[0]?.id);
      assert.equal(user.type, person.type);
      const seen = await h.request({
        method: 'GET',
        url: `/services/data/v36.0/chatter/users/${user.id}`,
        token: adminToken,
      });
      assert.equal(seen.statusCode, 200);
      assert.equal(seen.json().name, person.name);
      assert.equal(seen.json().userType, person.userType);
      assert.equal(seen.json().isActive, person.active);
      const login = await passwordGrant(h, person.username, 'demo-password-1');
      if (person.active) assert.equal(login.statusCode, 200, person.username);
      else assert.deepEqual(login.json(), { error: 'invalid_grant', error_description: 'inactive user' });
    }
  });

  test('the connected app "Chatterbox Demo" runs client credentials as alice', async () => {
    const apps = await rawDatabase(h.services.store)
      .selectFrom('connected_apps')
      .select(['name', 'client_id'])
      .execute();
    assert.deepEqual(apps, [{ name: 'Chatterbox Demo', client_id: 'chatterbox-demo' }]);
    const token = await tokenRequest(h, {
      grant_type: 'client_credentials',
      client_id: 'chatterbox-demo',
      client_secret: 'chatterbox-demo-secret',
    });
    assert.equal(token.statusCode, 200);
    const alice = await h.services.store.users.findByUsername('alice@acme.example');
    assert.equal(token.json().id, `http://localhost:80/id/${alice?.orgId}/${alice?.id}`);
  });

  test('"Partner Community" has guest access and the members admin, alice and carol', async () => {
    const org = await h.services.store.orgs.firstOrg();
    const communities = await h.services.store.orgs.listCommunities(org!.id);
    assert.equal(communities.length, 1);
    const [partner] = communities;
    assert.equal(partner?.name, 'Partner Community');
    assert.equal(partner?.id.slice(0, 3), '0DB');
    assert.equal(partner?.guestAccess, true);
    const guest = await h.services.store.users.findAnyOrg(partner!.guestUserId!);
    assert.equal(guest?.type, 'guest');
    assert.equal(`${guest?.firstName} ${guest?.lastName}`, 'Partner Community Guest');
    const members = await rawDatabase(h.services.store)
      .selectFrom('community_members')
      .innerJoin('users', 'users.id', 'community_members.user_id')
      .select('users.username')
      .where('community_members.community_id', '=', partner!.id)
      .orderBy('users.username')
      .execute();
    assert.deepEqual(
      members.map((m) => m.username),
      ['admin@acme.example', 'alice@acme.example', 'carol@partner.example'],
    );
  });
});
