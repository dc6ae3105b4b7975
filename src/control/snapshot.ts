import type { AppSecrets } from '../auth/app-secrets.js';
import { apiError, invalidInput, notFound } from '../errors/api-error.js';
import { KeyPrefix, parseId, prefixOf, to18 } from '../ids/salesforce-id.js';
import { searchFold } from '../lib/search-fold.js';
import { MARKUP_TAGS } from '../store/records.js';
import {
  type SequenceRow,
  SnapshotCollision,
  type SnapshotRow,
  type SnapshotRows,
} from '../store/snapshot-repository.js';
import { type ColumnType, SEQUENCES_SECTION, SNAPSHOT_TABLES } from '../store/snapshot-tables.js';
import type { Store } from '../store/store.js';

/**
 * Snapshots of one org (decision 0030): `{ format, version, orgId, sections }`, one section per
 * table in reference order, rows in primary-key order, columns in a fixed order, so the same data
 * always gives the same bytes. A section a snapshot lacks is empty; a section this version does not
 * know is refused, since importing it would lose data silently.
 */
export const SNAPSHOT_FORMAT = 'chatterbox-snapshot';
export const SNAPSHOT_VERSION = 1;

export interface Snapshot {
  format: typeof SNAPSHOT_FORMAT;
  version: number;
  orgId: string;
  sections: SnapshotRows & { [SEQUENCES_SECTION]?: SequenceRow[] };
}

/** The org a snapshot is taken of: the given one, else the first (the demo org with --demo). */
export async function snapshotOrgId(store: Store, orgId: string | undefined): Promise<string> {
  if (orgId === undefined) {
    const first = await store.orgs.firstOrg();
    if (!first) throw notFound();
    return first.id;
  }
  const id = parseId(orgId);
  if (!id || prefixOf(id) !== KeyPrefix.org) throw apiError('INVALID_ID_FIELD', { id: orgId });
  const org = await store.orgs.findOrg(to18(id));
  if (!org) throw notFound();
  return org.id;
}

export async function exportSnapshot(store: Store, secrets: AppSecrets, orgId: string): Promise<Snapshot> {
  const { rows, sequences } = await store.transaction(async (tx) => ({
    rows: await tx.snapshots.exportOrg(orgId),
    sequences: await tx.snapshots.sequences(),
  }));
  for (const app of rows.connected_apps ?? [])
    app.client_secret = await secrets.open(String(app.client_secret));
  return {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    orgId,
    sections: { ...rows, [SEQUENCES_SECTION]: sequences },
  };
}

/**
 * Replaces the snapshot's org (or adds it) in one transaction: bad input changes nothing. Returns
 * how many rows each section brought.
 */
export async function importSnapshot(
  store: Store,
  secrets: AppSecrets,
  input: unknown,
): Promise<{ orgId: string; sections: Record<string, number> }> {
  const snapshot = checkSnapshot(input);
  const { sections } = snapshot;
  const rows: SnapshotRows = {};
  for (const spec of SNAPSHOT_TABLES)
    rows[spec.table] = (sections[spec.table] ?? []).map((row) => ({ ...row }));
  for (const app of rows.connected_apps ?? [])
    app.client_secret = await secrets.seal(String(app.client_secret));
  await store
    .transaction(async (tx) => {
      await tx.snapshots.deleteOrg(snapshot.orgId);
      await tx.snapshots.insertOrg(rows);
      await tx.snapshots.raiseSequences(sections[SEQUENCES_SECTION] ?? []);
    })
    .catch((error: unknown) => {
      if (!(error instanceof SnapshotCollision)) throw error;
      throw apiError('DUPLICATE_VALUE', {
        detail: `Invalid snapshot: a row of sections.${error.table} has the ID or a unique value (such as a username) of another org's row.`,
      });
    });
  const counts: Record<string, number> = {};
  for (const spec of SNAPSHOT_TABLES) counts[spec.table] = rows[spec.table]?.length ?? 0;
  return { orgId: snapshot.orgId, sections: counts };
}

const bad = (where: string, problem: string) => invalidInput(`Invalid snapshot: ${where} ${problem}.`);
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every check a snapshot must pass before the store sees it; the first failure is the answer. */
export function checkSnapshot(input: unknown): Snapshot {
  if (!isObject(input)) throw bad('the body', 'must be a JSON object');
  if (input.format !== SNAPSHOT_FORMAT) throw bad('format', `must be "${SNAPSHOT_FORMAT}"`);
  if (input.version !== SNAPSHOT_VERSION)
    throw bad(
      'version',
      `${JSON.stringify(input.version)} is not supported (this server reads ${SNAPSHOT_VERSION})`,
    );
  for (const key of Object.keys(input)) {
    if (!['format', 'version', 'orgId', 'sections'].includes(key)) throw bad(key, 'is not a snapshot field');
  }
  const orgId = input.orgId;
  if (typeof orgId !== 'string' || !isId(orgId) || prefixOf(orgId) !== KeyPrefix.org)
    throw bad('orgId', 'must be an 18-character org ID');
  const sections = input.sections;
  if (!isObject(sections)) throw bad('sections', 'must be an object');
  const known = new Set<string>([...SNAPSHOT_TABLES.map((spec) => spec.table), SEQUENCES_SECTION]);
  for (const name of Object.keys(sections)) {
    if (!known.has(name)) throw bad(`sections.${name}`, `is not a section of version ${SNAPSHOT_VERSION}`);
  }
  const ids = new Map<string, Set<string>>();
  for (const spec of SNAPSHOT_TABLES) {
    const rows = sections[spec.table] ?? [];
    if (!Array.isArray(rows)) throw bad(`sections.${spec.table}`, 'must be an array');
    const seen = new Set<string>();
    rows.forEach((row: unknown, i) => {
      const where = `sections.${spec.table}[${i}]`;
      if (!isObject(row)) throw bad(where, 'must be an object');
      for (const key of Object.keys(row))
        if (!(key in spec.columns)) throw bad(`${where}.${key}`, 'is not a column of this section');
      // A snapshot written before a column was added gets the value the migration gave old rows.
      for (const [column, value] of Object.entries(spec.added ?? {}))
        if (!(column in row)) row[column] = value;
      for (const [column, type] of Object.entries(spec.columns))
        checkValue(`${where}.${column}`, row[column], type);
      checkRefs(where, row, spec.refs, ids);
      const key = spec.key.map((column) => row[column]).join('/');
      if (seen.has(key)) throw bad(where, `repeats the key ${key}`);
      seen.add(key);
    });
    ids.set(spec.table, new Set(spec.key.length === 1 ? seen : []));
  }
  for (const spec of SNAPSHOT_TABLES) {
    if (!spec.laterRefs) continue;
    (sections[spec.table] as SnapshotRow[] | undefined)?.forEach((row, i) => {
      checkRefs(`sections.${spec.table}[${i}]`, row, spec.laterRefs, ids);
    });
  }
  checkTopicNames((sections.topics ?? []) as SnapshotRow[]);
  checkFileChunks((sections.files ?? []) as SnapshotRow[], (sections.file_chunks ?? []) as SnapshotRow[]);
  const orgs = sections.orgs as SnapshotRow[] | undefined;
  if (orgs?.length !== 1 || orgs[0]?.id !== orgId)
    throw bad('sections.orgs', `must hold exactly the org ${orgId}`);
  checkSequences(sections[SEQUENCES_SECTION]);
  return input as unknown as Snapshot;
}

/** Each reference names a row of one of the sections given, or is null ('' where allowed). */
function checkRefs(
  where: string,
  row: Record<string, unknown>,
  refs: Record<string, readonly string[]> | undefined,
  ids: Map<string, Set<string>>,
): void {
  for (const [column, sectionsNamed] of Object.entries(refs ?? {})) {
    const value = row[column];
    if (value === null || (value === '' && sectionsNamed.includes(''))) continue;
    if (!sectionsNamed.some((name) => ids.get(name)?.has(value as string)))
      throw bad(
        `${where}.${column}`,
        `names ${value}, which is not in ${sectionsNamed.filter(Boolean).join(' or ')}`,
      );
  }
}

/** Topic names are unique in an org compared folded (topics.name_key), as the store keeps them. */
function checkTopicNames(topics: readonly SnapshotRow[]): void {
  const seen = new Map<string, number>();
  topics.forEach((topic, i) => {
    const key = searchFold(String(topic.name));
    const first = seen.get(key);
    if (first !== undefined)
      throw bad(`sections.topics[${i}].name`, `is the name of sections.topics[${first}] (compared folded)`);
    seen.set(key, i);
  });
}

/**
 * A ready file's chunks are numbered from 0 without gaps, each `chunk_size` bytes but the last, and
 * add up to `content_size`, so that a download (ranges included) reads what the file says it holds.
 */
function checkFileChunks(files: readonly SnapshotRow[], chunks: readonly SnapshotRow[]): void {
  const sizes = new Map<string, number[]>();
  for (const chunk of chunks) {
    const list = sizes.get(String(chunk.file_id)) ?? [];
    list[Number(chunk.seq)] = Buffer.byteLength(String(chunk.data), 'base64');
    sizes.set(String(chunk.file_id), list);
  }
  files.forEach((file, i) => {
    if (file.status !== 'ready') return;
    const list = sizes.get(String(file.id)) ?? [];
    const size = Number(file.chunk_size);
    const whole =
      size > 0 &&
      list.every(
        (bytes, seq) => bytes !== undefined && (seq === list.length - 1 ? bytes > 0 : bytes === size),
      ) &&
      list.reduce((sum, bytes) => sum + bytes, 0) === Number(file.content_size) &&
      Object.keys(list).length === list.length;
    if (!whole)
      throw bad(
        `sections.files[${i}]`,
        'must have file_chunks numbered from 0, each chunk_size bytes but the last, adding up to content_size',
      );
  });
}

function checkSequences(rows: unknown): void {
  if (rows === undefined) return;
  if (!Array.isArray(rows)) throw bad(`sections.${SEQUENCES_SECTION}`, 'must be an array');
  rows.forEach((row: unknown, i) => {
    const where = `sections.${SEQUENCES_SECTION}[${i}]`;
    if (!isObject(row) || Object.keys(row).length !== 2) throw bad(where, 'must be { "prefix", "value" }');
    // A key prefix, or a named counter such as `#CaseNumber` (Store.nextNumber).
    if (typeof row.prefix !== 'string' || !/^(?:[0-9A-Za-z]{3}|#[A-Za-z]{1,40})$/.test(row.prefix))
      throw bad(`${where}.prefix`, 'must be a 3-character key prefix or a #counter name');
    checkValue(`${where}.value`, row.value, 'int');
  });
}

function isId(value: string): boolean {
  const id = parseId(value);
  return id !== undefined && value.length === 18 && to18(id) === value;
}

const MAX_TIME = 253402300799999; // 9999-12-31T23:59:59.999Z: dates must stay ISO-8601 dates.

function checkValue(where: string, value: unknown, type: ColumnType): void {
  if (value === undefined) throw bad(where, 'is missing');
  if (typeof type !== 'string') {
    if (!type.includes(value as string)) throw bad(where, `must be one of ${type.join(', ')}`);
    return;
  }
  const optional = type.endsWith('?');
  if (value === null) {
    if (optional) return;
    throw bad(where, 'must not be null');
  }
  switch (type.replace('?', '')) {
    case 'id':
      if (typeof value !== 'string' || !isId(value)) throw bad(where, 'must be an 18-character ID');
      return;
    case 'text':
      if (typeof value !== 'string' || /[\ud800-\udfff]/u.test(value) || value.includes('\u0000'))
        throw bad(where, 'must be a string of text');
      return;
    case 'int':
      if (!Number.isSafeInteger(value) || (value as number) < 0 || (value as number) > MAX_TIME)
        throw bad(where, 'must be a whole number from 0');
      return;
    case 'flag':
      if (value !== 0 && value !== 1) throw bad(where, 'must be 0 or 1');
      return;
    case 'bytes':
      if (typeof value !== 'string' || !isBase64(value)) throw bad(where, 'must be base64 text of bytes');
      return;
    case 'segments':
      if (typeof value !== 'string' || !validSegments(value))
        throw bad(where, 'must be a JSON array of message segments');
      return;
  }
}

/** Canonical base64 only, so that what is imported exports as the same bytes. */
function isBase64(value: string): boolean {
  return (
    /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(value) &&
    Buffer.from(value, 'base64').toString('base64') === value
  );
}

/** An InlineImage as stored (decision 0033): a file ID, alt text or null, image details or null. */
function validInlineImage(segment: Record<string, unknown>): boolean {
  const image = segment.image;
  return (
    typeof segment.fileId === 'string' &&
    (segment.altText === null || typeof segment.altText === 'string') &&
    (image === null ||
      (isObject(image) &&
        Number.isSafeInteger(image.width) &&
        Number.isSafeInteger(image.height) &&
        typeof image.format === 'string' &&
        (image.orientation === null || Number.isSafeInteger(image.orientation))))
  );
}

function validSegments(body: string): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return false;
  }
  const fields: Record<string, string> = { Text: 'text', Mention: 'id', Hashtag: 'tag', Link: 'url' };
  return (
    Array.isArray(parsed) &&
    parsed.every((segment: unknown) => {
      if (!isObject(segment) || typeof segment.type !== 'string') return false;
      if (segment.type === 'InlineImage') return validInlineImage(segment);
      if (segment.type === 'MarkupBegin' || segment.type === 'MarkupEnd')
        return typeof segment.markupType === 'string' && Object.hasOwn(MARKUP_TAGS, segment.markupType);
      const field = fields[segment.type];
      return field !== undefined && Object.keys(segment).length === 2 && typeof segment[field] === 'string';
    })
  );
}
