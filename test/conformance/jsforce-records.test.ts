import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Json, useJsforceSession } from '../helpers/jsforce-session.js';

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
  const s = useJsforceSession('58.0');

  test('sobject create/retrieve/update → post to the record → follow → news feed → destroy', async () => {
    const created = await s.conn
      .sobject('Account')
      .create({ Name: 'Jsforce Industries', Industry: 'Retail' });
    assert.equal(created.success, true);
    assert.deepEqual(created.errors, []);
    const id = created.id as string;
    assert.match(id, /^001\w{15}$/);
    const record = (await s.conn.sobject('Account').retrieve(id)) as Json;
    assert.deepEqual(record, await s.direct(`/services/data/v58.0/sobjects/Account/${id}`));
    assert.equal(record.Name, 'Jsforce Industries');
    const updated = await s.conn.sobject('Account').update({ Id: id, BillingCity: 'Springfield' });
    assert.equal(updated.success, true);
    assert.equal(((await s.conn.sobject('Account').retrieve(id)) as Json).BillingCity, 'Springfield');

    const refused = (await s.conn
      .sobject('Account')
      .create({})
      .catch((error: Json) => error)) as Json;
    assert.equal(refused.errorCode, 'REQUIRED_FIELD_MISSING');

    const post = (await s.conn.chatter.resource('/feed-elements').create({
      body: { messageSegments: [{ type: 'Text', text: 'posted on a record by jsforce' }] },
      feedElementType: 'FeedItem',
      subjectId: id,
    })) as Json;
    assert.deepEqual(post, await s.direct(post.url));
    assert.equal(post.parent.id, id);
    assert.equal(post.parent.type, 'Account');
    assert.equal(post.visibility, 'InternalUsers');

    const subscription = (await s.conn.chatter
      .resource('/users/me/following')
      .create({ subjectId: id })) as Json;
    assert.equal(subscription.subject.id, id);
    assert.deepEqual(subscription.subject.mySubscription, { id: subscription.id, url: subscription.url });

    const news = (await s.conn.chatter.resource('/feeds/news/me/feed-elements')) as Json;
    assert.equal(news.elements[0].id, post.id);
    const feed = (await s.conn.chatter.resource(`/feeds/record/${id}/feed-elements`)) as Json;
    assert.deepEqual(
      feed.elements.map((e: Json) => e.id),
      [post.id],
    );

    const destroyed = await s.conn.sobject('Account').destroy(id);
    assert.equal(destroyed.success, true);
    const gone = await s.conn
      .sobject('Account')
      .retrieve(id)
      .catch((error: Json) => error);
    assert.equal(gone.errorCode, 'ENTITY_IS_DELETED');
    const postGone = await failure(s.conn.chatter.resource(post.url).retrieve());
    assert.equal(postGone.errorCode, 'NOT_FOUND');
    const subscriptionGone = await failure(s.conn.chatter.resource(subscription.url).retrieve());
    assert.equal(subscriptionGone.errorCode, 'NOT_FOUND');
  });
});
