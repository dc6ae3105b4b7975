import type { Viewer } from '../auth/viewer.js';
import { apiError, notFound } from '../errors/api-error.js';
import { KeyPrefix, parseId, prefixOf, to18 } from '../ids/salesforce-id.js';
import type { SObjectRow } from '../store/records.js';
import type { Store } from '../store/store.js';
import { type Scope, scopeCommunityId } from './scope.js';
import { type ObjectDefinition, STANDARD_OBJECTS } from './sobject-definitions.js';
import { orgObjects } from './sobjects.js';

/**
 * Records on the Chatter side (SPEC §12.1, F2 §1.1–1.5): what a Record Summary shows, and which
 * IDs name a record a post, feed or follow may have. Records live in the internal scope only, and
 * every active internal user may see them (no sharing model): in a community, or for a guest, a
 * record is a resource that does not exist.
 */
export interface RecordSummaryView {
  row: SObjectRow;
  object: ObjectDefinition;
  /** The viewer's subscription to the record, if any. */
  mySubscriptionId: string | null;
}

/** Summaries of the live records among `ids` the viewer may see, in a fixed number of queries. */
export async function recordSummaries(
  store: Store,
  viewer: Viewer,
  scope: Scope,
  ids: readonly string[],
): Promise<Map<string, RecordSummaryView>> {
  // One read whatever the number of records; none for a page without record posts.
  if (scopeCommunityId(scope) !== null || viewer.isGuest || ids.length === 0) return new Map();
  const rows = await store.records.findLiveFollowed(viewer.orgId, ids, viewer.user.id);
  const objects = rows.some((r) => r.row.type.endsWith('__c'))
    ? await orgObjects(store, viewer.orgId)
    : STANDARD_OBJECTS;
  const views = new Map<string, RecordSummaryView>();
  for (const { row, subscriptionId } of rows) {
    const object = objects.find((o) => o.name === row.type);
    if (object) views.set(row.id, { row, object, mySubscriptionId: subscriptionId });
  }
  return views;
}

/** The Record Summary of one record the viewer may see; else 404 NOT_FOUND (deleted ones too, §12.8). */
export async function visibleRecord(
  store: Store,
  viewer: Viewer,
  scope: Scope,
  id: string,
): Promise<RecordSummaryView> {
  const view = (await recordSummaries(store, viewer, scope, [id])).get(id);
  if (!view) throw notFound();
  return view;
}

/**
 * An ID a post, feed or follow names (SPEC §3): a user, a group, or a record of one of the org's
 * feed-enabled objects (all of them, §12.1). Anything else, or malformed → 400 INVALID_ID_FIELD.
 */
export async function requireSubjectId(
  store: Store,
  orgId: string,
  raw: string,
): Promise<{ id: string; kind: 'user' | 'group' | 'record' }> {
  const id15 = parseId(raw);
  if (id15) {
    const prefix = prefixOf(id15);
    if (prefix === KeyPrefix.user) return { id: to18(id15), kind: 'user' };
    if (prefix === KeyPrefix.group) return { id: to18(id15), kind: 'group' };
    const standard = STANDARD_OBJECTS.some((o) => o.keyPrefix === prefix);
    if (
      standard ||
      (prefix.startsWith('a') && (await orgObjects(store, orgId)).some((o) => o.keyPrefix === prefix))
    ) {
      return { id: to18(id15), kind: 'record' };
    }
  }
  throw apiError('INVALID_ID_FIELD', { id: raw });
}
