import assert from 'node:assert/strict';
import { test } from 'node:test';
import { feedPageTemplate } from '../../src/store/feed-page-template.js';
import type { FeedPageQuery } from '../../src/store/records.js';

const news = (user: string, group: string, extra: Partial<FeedPageQuery> = {}): FeedPageQuery => ({
  orgId: 'org-1',
  communityId: null,
  branches: [
    { kind: 'subject', id: user },
    { kind: 'subject', id: group },
    { kind: 'mentions', userId: user },
  ],
  hiddenGroups: ['hidden-1'],
  excludeMutedBy: user,
  sort: 'created',
  limit: 26,
  ...extra,
});

test('queries of one shape share a key, and every value becomes a placeholder mapped back to it', () => {
  const a = feedPageTemplate(news('u1', 'g1', { before: { at: 1000, id: 'p1' } }));
  const b = feedPageTemplate(news('u2', 'g2', { before: { at: 2000, id: 'p2' }, limit: 11 }));
  assert.ok(a && b);
  assert.equal(a.key, b.key);
  assert.deepEqual(
    [...a.values.values()].sort(),
    [1000, 26, 'g1', 'hidden-1', 'org-1', 'p1', 'u1', 'u1', 'u1'].sort(),
  );
  assert.deepEqual(
    [...b.values.values()].sort(),
    [11, 2000, 'g2', 'hidden-1', 'org-1', 'p2', 'u2', 'u2', 'u2'].sort(),
  );
  // The template names no value, only placeholders; kinds, the sort and nulls stay as they are.
  const text = JSON.stringify(a.query);
  for (const value of ['u1', 'g1', 'org-1', 'hidden-1', 'p1', '1000'])
    assert.ok(!text.includes(value), value);
  assert.deepEqual(
    a.query.branches.map((branch) => branch.kind),
    ['subject', 'subject', 'mentions'],
  );
  assert.equal(a.query.sort, 'created');
  assert.equal(a.query.communityId, null);
  for (const [placeholder] of a.values) assert.ok(placeholder.startsWith('\u0000'));
});

test('what changes the SQL changes the key', () => {
  const key = (query: FeedPageQuery) => feedPageTemplate(query)?.key;
  const base = key(news('u', 'g'));
  const variants: FeedPageQuery[] = [
    news('u', 'g', { communityId: 'c' }),
    news('u', 'g', { hiddenGroups: [] }),
    news('u', 'g', { hiddenGroups: ['h1', 'h2'] }),
    news('u', 'g', { excludeMutedBy: undefined }),
    news('u', 'g', { sort: 'modified' }),
    news('u', 'g', { questions: 'AllQuestions' }),
    news('u', 'g', { questions: 'SolvedQuestions' }),
    news('u', 'g', { before: { at: 1, id: 'p' } }),
    news('u', 'g', { since: 1 }),
    news('u', 'g', { branches: [{ kind: 'subject', id: 'u', byOthers: true }] }),
    news('u', 'g', { branches: [{ kind: 'subject', id: 'u' }] }),
    news('u', 'g', { branches: [{ kind: 'author', id: 'u' }] }),
    news('u', 'g', { branches: [{ kind: 'any', subjects: ['a'], authors: [], mentionsOf: null }] }),
    news('u', 'g', { branches: [{ kind: 'any', subjects: [], authors: ['a'], mentionsOf: null }] }),
    news('u', 'g', { branches: [{ kind: 'any', subjects: [], authors: [], mentionsOf: 'u' }] }),
  ];
  const keys = variants.map(key);
  assert.equal(new Set([base, ...keys]).size, variants.length + 1, keys.join('\n'));
});

test('a text search is not templated (its value is rewritten into a pattern)', () => {
  assert.equal(feedPageTemplate(news('u', 'g', { textContains: 'x' })), undefined);
});
