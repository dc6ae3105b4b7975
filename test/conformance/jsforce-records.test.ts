import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import jsforce from 'jsforce';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PASSWORD } from '../../src/demo/demo-org.js';
import { createHarness, type Harness } from '../helpers/harness.js';

// biome-ignore lint/suspicious/noExplicitAny: wire bodies as jsforce parses them, read field by field
type Json = Record<string, any>;

/**
 * jsforce 3.10.16 as a real client over HTTP (SPEC §12.1, issue 11): create an Account through
 * `conn.sobject`, post to it and follow it through `conn.chatter`, find the post in the news feed,
 * then delete the record and see its feed and subscription go.
 */
/** The error a jsforce request fails with (its Request is a thenable without catch). */
async function failure(request: {
  then: (ok: () => never, fail: (error: Json) => Json) => Promise<Json>;
}): Promise<Json> {
  return request.then(
    () => assert.fail('expected the request to fail'),
    (error: Json) => error,
  );
}

describe('jsforce 3.10.16 against a listening server: records', () => {
  let h: Harness;
  let conn: jsforce.Connection;
  let token: string;

  before(async () => {
    h = await createHarness();
    const url = await h.app.listen({ port: 0, host: '127.0.0.1' });
    conn = new jsforce.Connection({
      oauth2: { loginUrl: url, clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET },
      version: '58.0',
    });
    await conn.login('alice@acme.example', DEMO_PASSWORD);
    token = conn.accessToken as string;
  });
  after(() => h.close());

  const direct = async (url: string) => (await h.request({ method: 'GET', url, token })).json();

  test('sobject create/retrieve/update → post to the record → follow → news feed → destroy', async () => {
    const created = await conn.sobject('Account').create({ Name: 'Jsforce Industries', Industry: 'Retail' });
    assert.equal(created.success, true);
    assert.deepEqual(created.errors, []);
    const id = created.id as string;
    assert.match(id, /^001\w{15}$/);
    const record = (await conn.sobject('Account').retrieve(id)) as Json;
    assert.deepEqual(record, await direct(`/services/data/v58.0/sobjects/Account/${id}`));
    assert.equal(record.Name, 'Jsforce Industries');
    const updated = await conn.sobject('Account').update({ Id: id, BillingCity: 'Springfield' });
    assert.equal(updated.success, true);
    assert.equal(((await conn.sobject('Account').retrieve(id)) as Json).BillingCity, 'Springfield');

    const refused = (await conn
      .sobject('Account')
      .create({})
      .catch((error: Json) => error)) as Json;
    assert.equal(refused.errorCode, 'REQUIRED_FIELD_MISSING');

    const post = (await conn.chatter.resource('/feed-elements').create({
      body: { messageSegments: [{ type: 'Text', text: 'posted on a record by jsforce' }] },
      feedElementType: 'FeedItem',
      subjectId: id,
    })) as Json;
    assert.deepEqual(post, await direct(post.url));
    assert.equal(post.parent.id, id);
    assert.equal(post.parent.type, 'Account');
    assert.equal(post.visibility, 'InternalUsers');

    const subscription = (await conn.chatter
      .resource('/users/me/following')
      .create({ subjectId: id })) as Json;
    assert.equal(subscription.subject.id, id);
    assert.deepEqual(subscription.subject.mySubscription, { id: subscription.id, url: subscription.url });

    const news = (await conn.chatter.resource('/feeds/news/me/feed-elements')) as Json;
    assert.equal(news.elements[0].id, post.id);
    const feed = (await conn.chatter.resource(`/feeds/record/${id}/feed-elements`)) as Json;
    assert.deepEqual(
      feed.elements.map((e: Json) => e.id),
      [post.id],
    );

    const destroyed = await conn.sobject('Account').destroy(id);
    assert.equal(destroyed.success, true);
    const gone = await conn
      .sobject('Account')
      .retrieve(id)
      .catch((error: Json) => error);
    assert.equal(gone.errorCode, 'ENTITY_IS_DELETED');
    const postGone = await failure(conn.chatter.resource(post.url).retrieve());
    assert.equal(postGone.errorCode, 'NOT_FOUND');
    const subscriptionGone = await failure(conn.chatter.resource(subscription.url).retrieve());
    assert.equal(subscriptionGone.errorCode, 'NOT_FOUND');
  });
});
