import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MigrationResultSet, Migrator } from 'kysely';
import { migrateToLatest } from '../../src/store/open-store.js';

/** A migrator that answers the given result sets in turn, and counts its runs. */
function migratorAnswering(...answers: MigrationResultSet[]): { migrator: Migrator; runs: () => number } {
  let runs = 0;
  const migrator = {
    migrateToLatest: async () => answers[Math.min(runs++, answers.length - 1)] as MigrationResultSet,
  } as unknown as Migrator;
  return { migrator, runs: () => runs };
}

const failure = (code: string): MigrationResultSet => ({
  error: Object.assign(new Error(`postgres error ${code}`), { code }),
  results: [],
});
const done: MigrationResultSet = {
  results: [{ migrationName: '001-foundation', direction: 'Up', status: 'Success' }],
};

test('a listing broken by another schema vanishing (3F000, 42P01, 42703) is tried again', async () => {
  for (const code of ['3F000', '42P01', '42703']) {
    const { migrator, runs } = migratorAnswering(failure(code), failure(code), done);
    assert.deepEqual(await migrateToLatest(migrator), done.results);
    assert.equal(runs(), 3, code);
  }
});

test('the same error on every try fails after the fifth; any other error fails at once', async () => {
  const always = migratorAnswering(failure('42703'));
  await assert.rejects(migrateToLatest(always.migrator), { code: '42703' });
  assert.equal(always.runs(), 5);
  const other = migratorAnswering(failure('42601'), done);
  await assert.rejects(migrateToLatest(other.migrator), { code: '42601' });
  assert.equal(other.runs(), 1);
});
