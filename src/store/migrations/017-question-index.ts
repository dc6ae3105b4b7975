import { type Kysely, sql } from 'kysely';

/**
 * The question filters of a record feed (decision 0034): a partial keyset index of its questions,
 * so that `filter=UnsolvedQuestions` on a subject with thousands of posts and a few questions walks
 * the questions only. The predicate is a literal, as the feed query writes it.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not follow the live schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('feed_elements_questions')
    .on('feed_elements')
    .columns(['subject_id', 'created_at desc', 'id desc'])
    .where(sql.ref('type'), '=', sql.lit('QuestionPost'))
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('feed_elements_questions').execute();
}
