import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import type { Db } from '../../src/store/dialects/dialect.js';
import type { FeedPageQuery } from '../../src/store/records.js';
import {
  checkStatementShapes,
  placeholders,
  StatementShapes,
  shapeOf,
} from '../../src/store/statement-shapes.js';

const FEED_LITERALS = new Set(['kind', 'sort', 'questions']);

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

/** The placeholders of a template swapped back for the values of a shape. */
function substitute(template: unknown, values: unknown[]): unknown {
  if (typeof template === 'string' && template.startsWith('\u0000')) {
    return values[Number(template.slice(1, -1))];
  }
  if (Array.isArray(template)) return template.map((item) => substitute(item, values));
  if (template !== null && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, substitute(v, values)]));
  }
  return template;
}

describe('shapeOf and placeholders (the shape of a statement’s arguments)', () => {
  test('arguments of one shape share a key; the template holds placeholders that give the values back', () => {
    const args = [
      news('u1', 'g1', { before: { at: 1000, id: 'p1' } }),
      news('u2', 'g2', { before: { at: 2000, id: 'p2' }, limit: 11 }),
    ];
    const [a, b] = args.map((query) => shapeOf(query, FEED_LITERALS));
    assert.ok(a && b);
    assert.equal(a.key, b.key);
    assert.deepEqual(
      [...a.values].sort(),
      [1000, 26, 'g1', 'hidden-1', 'org-1', 'p1', 'u1', 'u1', 'u1'].sort(),
    );
    assert.deepEqual(
      [...b.values].sort(),
      [11, 2000, 'g2', 'hidden-1', 'org-1', 'p2', 'u2', 'u2', 'u2'].sort(),
    );
    // One template serves both: it names no value, keeps the kinds, the sort and the nulls, and its
    // n-th placeholder is each call's n-th value.
    const template = placeholders(args[0], FEED_LITERALS);
    assert.deepEqual(template, placeholders(args[1], FEED_LITERALS));
    const text = JSON.stringify(template);
    for (const value of ['u1', 'g1', 'org-1', 'hidden-1', 'p1', '1000'])
      assert.ok(!text.includes(value), value);
    const query = template as FeedPageQuery;
    assert.deepEqual(
      query.branches.map((branch) => branch.kind),
      ['subject', 'subject', 'mentions'],
    );
    assert.equal(query.sort, 'created');
    assert.equal(query.communityId, null);
    assert.deepEqual(substitute(template, a.values), args[0]);
    assert.deepEqual(substitute(template, b.values), args[1]);
  });

  test('what changes the SQL changes the key', () => {
    const key = (query: FeedPageQuery) => shapeOf(query, FEED_LITERALS)?.key;
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
      news('u', 'g', { branches: [{ kind: 'subject', id: 'u', byOthers: false }] }),
      news('u', 'g', { branches: [{ kind: 'subject', id: 'u' }] }),
      news('u', 'g', { branches: [{ kind: 'author', id: 'u' }] }),
      news('u', 'g', { branches: [{ kind: 'any', subjects: ['a'], authors: [], mentionsOf: null }] }),
      news('u', 'g', { branches: [{ kind: 'any', subjects: [], authors: ['a'], mentionsOf: null }] }),
      news('u', 'g', { branches: [{ kind: 'any', subjects: [], authors: [], mentionsOf: 'u' }] }),
    ];
    const keys = variants.map(key);
    assert.equal(new Set([base, ...keys]).size, variants.length + 1, keys.join('\n'));
  });

  test('a Date, a Buffer or very many values make no shape', () => {
    assert.equal(shapeOf({ at: new Date(0) }), undefined);
    assert.equal(shapeOf({ bytes: Buffer.from('x') }), undefined);
    assert.equal(shapeOf({ ids: Array.from({ length: 201 }, (_, i) => `id${i}`) }), undefined);
    assert.equal(shapeOf({ ids: Array.from({ length: 200 }, (_, i) => `id${i}`) })?.values.length, 200);
  });
});

describe('StatementShapes (statements compiled once per shape)', () => {
  let kysely: Kysely<never>;
  let db: Db;
  before(async () => {
    kysely = new Kysely<never>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
    db = kysely as unknown as Db;
    await sql`create table t (id text primary key, n integer, label text)`.execute(kysely);
    await sql`insert into t values ('a', 1, 'one'), ('b', 2, 'two'), ('c', 3, 'three')`.execute(kysely);
  });
  after(async () => {
    await kysely.destroy();
  });

  const byIds = (args: { ids: string[]; least: number }) =>
    kysely
      .selectFrom(sql<{ id: string; n: number }>`t`.as('t'))
      .select(['t.id', 't.n'])
      .where(sql.ref('t.id'), 'in', args.ids)
      .where(sql.ref('t.n'), '>=', args.least)
      .orderBy(sql.ref('t.id'));

  test('each call reads its own values; a shape is built once, and no statement reads nothing', async () => {
    const shapes = new StatementShapes(db);
    let builds = 0;
    const counted = (args: { ids: string[]; least: number }) => {
      builds++;
      return args.ids.length === 0 ? undefined : byIds(args);
    };
    checkStatementShapes(false);
    assert.deepEqual(await shapes.rows('by-ids', { ids: ['a', 'b'], least: 0 }, counted), [
      { id: 'a', n: 1 },
      { id: 'b', n: 2 },
    ]);
    assert.deepEqual(await shapes.rows('by-ids', { ids: ['b', 'c'], least: 3 }, counted), [
      { id: 'c', n: 3 },
    ]);
    assert.deepEqual(await shapes.rows('by-ids', { ids: ['c', 'a'], least: 1 }, counted), [
      { id: 'a', n: 1 },
      { id: 'c', n: 3 },
    ]);
    assert.equal(builds, 1);
    // Another number of IDs is another shape.
    assert.deepEqual(await shapes.rows('by-ids', { ids: ['b'], least: 0 }, counted), [{ id: 'b', n: 2 }]);
    assert.equal(builds, 2);
    assert.deepEqual(await shapes.rows('by-ids', { ids: [], least: 0 }, counted), []);
    assert.deepEqual(await shapes.rows('by-ids', { ids: [], least: 5 }, counted), []);
    assert.equal(builds, 3);
  });

  test('a builder that rewrites a value is built with the real values every time', async () => {
    const shapes = new StatementShapes(db);
    let builds = 0;
    const like = (args: { text: string }) => {
      builds++;
      return kysely
        .selectFrom(sql<{ id: string; label: string }>`t`.as('t'))
        .select(['t.id'])
        .where(sql.ref('t.label'), 'like', `%${args.text}%`)
        .orderBy(sql.ref('t.id'));
    };
    checkStatementShapes(false);
    assert.deepEqual(await shapes.rows('like', { text: 'o' }, like), [{ id: 'a' }, { id: 'b' }]);
    assert.deepEqual(await shapes.rows('like', { text: 'thr' }, like), [{ id: 'c' }]);
    // The first call also built the template, which was found not to fit; then one build a call.
    assert.equal(builds, 3);
  });

  test('with checking on, a builder that picks its SQL by a value fails', async () => {
    const shapes = new StatementShapes(db);
    const picky = (args: { ids: string[]; least: number }) =>
      args.least > 1 ? byIds(args).limit(1) : byIds(args);
    checkStatementShapes(true);
    await assert.rejects(
      shapes.rows('picky', { ids: ['a', 'b', 'c'], least: 2 }, picky),
      /statement picky: its compiled shape differs from the statement built with its values/,
    );
    // Without checking, the template built from placeholders would have read every row.
    checkStatementShapes(false);
    assert.deepEqual(await new StatementShapes(db).rows('picky', { ids: ['a', 'b', 'c'], least: 2 }, picky), [
      { id: 'b', n: 2 },
      { id: 'c', n: 3 },
    ]);
  });
});
