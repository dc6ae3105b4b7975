import type { SObjectRecord } from '../../domain/sobjects.js';
import { isoDate } from '../../lib/clock.js';
import type { PresentContext } from '../present-context.js';

/**
 * An sObject record on the wire (SPEC §12.1, §12.8): `attributes` first, then the fields in the
 * order read; not alphabetical, and text is never entity-encoded (that is Chatter's habit, not
 * sObject REST's). Datetimes as `2011-07-07T00:37:00.000+0000`.
 */
export function presentSObject(ctx: PresentContext, record: SObjectRecord): Record<string, unknown> {
  const body: Record<string, unknown> = {
    attributes: { type: record.type, url: `${ctx.base}/sobjects/${record.type}/${record.id}` },
  };
  for (const [name, type, value] of record.fields) {
    body[name] = type === 'datetime' && typeof value === 'number' ? sObjectDateTime(value) : value;
  }
  return body;
}

export function sObjectDateTime(epochMs: number): string {
  return isoDate(epochMs).replace(/Z$/, '+0000');
}
