import { apiError, fieldError, insufficientAccess } from '../errors/api-error.js';
import { parseId, prefixOf, to18 } from '../ids/salesforce-id.js';
import type { Clock } from '../lib/clock.js';
import type { SObjectRow, StoredFieldValue } from '../store/records.js';
import type { Store } from '../store/store.js';
import { ActivityChanges } from './activity.js';
import type { FieldDefinition, ObjectDefinition } from './sobject-definitions.js';
import { coerceValue } from './sobject-values.js';
import { fieldNamed, liveRecord, orgObjects, pathRecordId, USER_OBJECT } from './sobjects.js';

/** Who writes a record: a context user, or the control plane acting for an owner (SPEC §12.7). */
export interface RecordActor {
  orgId: string;
  userId: string;
}

/** The fields every record keeps in typed columns (decision 0008), not in its JSON fields. */
const SYSTEM_FIELDS = new Set([
  'Id',
  'IsDeleted',
  'OwnerId',
  'CreatedDate',
  'CreatedById',
  'LastModifiedDate',
  'LastModifiedById',
  'SystemModstamp',
]);

/**
 * sObject REST writes (SPEC §12.1, §12.8): create, update and delete of records of the standard
 * and custom objects. Input is checked whole before anything is written, in the order the real
 * API reports: unknown fields, fields that can't be written, values, required fields, references.
 * A failed write leaves no record and takes no ID (the ID is drawn inside the same transaction,
 * after every check).
 */
export class SObjectRecordService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** `POST sobjects/{Type}` → the new record's ID. */
  async create(actor: RecordActor, object: ObjectDefinition, body: unknown): Promise<string> {
    writable(object);
    const input = await this.#input(actor, object, body, 'create');
    const fields: Record<string, StoredFieldValue> = {};
    for (const f of object.fields) {
      if (SYSTEM_FIELDS.has(f.name)) continue;
      const value = Object.hasOwn(input, f.name) ? (input[f.name] as StoredFieldValue) : f.defaultValue;
      if (value !== null) fields[f.name] = value;
    }
    const missing = object.fields.filter((f) => f.required && (fields[f.name] ?? null) === null);
    if (missing.length > 0) {
      const names = missing.map((f) => f.name);
      throw fieldError('REQUIRED_FIELD_MISSING', names, { fields: names });
    }
    return this.store.transaction(async (tx) => {
      if (object.name === 'Case')
        fields.CaseNumber = String(1000 + (await tx.nextNumber('CaseNumber'))).padStart(8, '0');
      composeName(object, fields);
      const now = this.clock.now();
      const id = await tx.newId(object.keyPrefix);
      await tx.records.create({
        id,
        orgId: actor.orgId,
        type: object.name,
        name: summaryName(fields),
        ownerId: typeof input.OwnerId === 'string' ? input.OwnerId : actor.userId,
        createdById: actor.userId,
        lastModifiedById: actor.userId,
        createdAt: now,
        modifiedAt: now,
        deletedAt: null,
        fields,
      });
      return id;
    });
  }

  /** `PATCH sobjects/{Type}/{id}` → 204: the named fields change, the others stay. */
  async update(actor: RecordActor, object: ObjectDefinition, rawId: string, body: unknown): Promise<void> {
    const id = pathRecordId(object, rawId);
    writable(object);
    const row = await liveRecord(this.store, actor.orgId, object, id);
    const input = await this.#input(actor, object, body, 'update');
    const fields = { ...row.fields };
    for (const [name, value] of Object.entries(input)) {
      if (SYSTEM_FIELDS.has(name)) continue;
      if (value === null) delete fields[name];
      else fields[name] = value;
    }
    const cleared = object.fields.filter(
      (f) => f.required && Object.hasOwn(input, f.name) && input[f.name] === null,
    );
    if (cleared.length > 0) {
      const names = cleared.map((f) => f.name);
      throw fieldError('REQUIRED_FIELD_MISSING', names, { fields: names });
    }
    composeName(object, fields);
    await this.store.records.update(id, {
      name: summaryName(fields),
      ownerId: typeof input.OwnerId === 'string' ? input.OwnerId : row.ownerId,
      fields,
      modifiedAt: this.clock.now(),
      lastModifiedById: actor.userId,
    });
  }

  /** `DELETE sobjects/{Type}/{id}` → 204; its feed, the subscriptions to it and its topics go with it (§12.1). */
  async delete(actor: RecordActor, object: ObjectDefinition, rawId: string): Promise<SObjectRow> {
    const id = pathRecordId(object, rawId);
    writable(object);
    return this.store.transaction(async (tx) => {
      const row = await liveRecord(tx, actor.orgId, object, id);
      const now = this.clock.now();
      if (!(await tx.records.markDeleted(id, now))) throw fieldError('ENTITY_IS_DELETED', []);
      // Its feed goes with it, each post taking back what its author and commenters had counted.
      for (const postId of await tx.posts.elementIdsOfSubject(actor.orgId, id)) {
        const deleted = await tx.posts.deleteElement(actor.orgId, postId, now);
        await new ActivityChanges().postDeleted(deleted).record(tx);
        // Its topics count it no more (talkingAbout counts live posts, SPEC §12.4).
        if (deleted) await tx.topics.postDeleted(postId);
      }
      await tx.follows.deleteAllOf(id);
      await tx.topics.recordDeleted(id);
      return row;
    });
  }

  /** The body's fields, checked and coerced, by field name (references as 18-character IDs). */
  async #input(
    actor: RecordActor,
    object: ObjectDefinition,
    body: unknown,
    write: 'create' | 'update',
  ): Promise<Record<string, StoredFieldValue>> {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw apiError('SOBJECT_BODY_NOT_OBJECT', { token: jacksonToken(body) });
    }
    const entries: [FieldDefinition, unknown][] = [];
    for (const [name, value] of Object.entries(body)) {
      // jsforce and the REST guide's examples may carry the record's `attributes`: not a field.
      if (name === 'attributes' && typeof value === 'object') continue;
      if (name.toLowerCase() === 'id') throw apiError('SOBJECT_ID_IN_BODY');
      const found = fieldNamed(object, name);
      if (!found) throw apiError('INVALID_FIELD', { field: name, type: object.name });
      entries.push([found, value]);
    }
    const locked = entries
      .filter(([f]) => (write === 'create' ? !f.createable : !f.updateable))
      .map(([f]) => f.name);
    if (locked.length > 0) throw fieldError('INVALID_FIELD_FOR_INSERT_UPDATE', locked, { fields: locked });
    const input: Record<string, StoredFieldValue> = {};
    for (const [f, raw] of entries) input[f.name] = coerceValue(f, raw);
    if (Object.hasOwn(input, 'OwnerId') && input.OwnerId === null) {
      throw fieldError('REQUIRED_FIELD_MISSING', ['OwnerId'], { fields: ['OwnerId'] });
    }
    await this.#checkReferences(actor.orgId, entries, input);
    return input;
  }

  /**
   * A reference must name a live record of one of the field's objects in the org (an owner: an
   * active user who isn't a guest), else MALFORMED_ID with the field's label (SPEC §12.8).
   */
  async #checkReferences(
    orgId: string,
    entries: [FieldDefinition, unknown][],
    input: Record<string, StoredFieldValue>,
  ): Promise<void> {
    const objects = await orgObjects(this.store, orgId);
    for (const [f] of entries) {
      const value = input[f.name];
      if (f.type !== 'reference' || typeof value !== 'string') continue;
      const bad = () => fieldError('MALFORMED_ID', [f.name], { label: f.label, value });
      const id15 = parseId(value);
      const target =
        id15 && objects.find((o) => o.keyPrefix === prefixOf(id15) && f.referenceTo.includes(o.name));
      if (!id15 || !target) throw bad();
      const id18 = to18(id15);
      if (target === USER_OBJECT) {
        const user = await this.store.users.find(orgId, id18);
        if (!user?.isActive || user.type === 'guest') throw bad();
      } else {
        const row = await this.store.records.find(orgId, id18);
        if (!row || row.deletedAt !== null || row.type !== target.name) throw bad();
      }
      input[f.name] = id18;
    }
  }
}

/** The routes answer 405 for a read-only object first; this keeps the domain safe on its own. */
function writable(object: ObjectDefinition): void {
  if (!object.writable) throw insufficientAccess(`${object.name} records are read-only here.`);
}

/** Contact and Lead compose Name from FirstName and LastName. */
function composeName(object: ObjectDefinition, fields: Record<string, StoredFieldValue>): void {
  const name = object.fields.find((f) => f.name === 'Name');
  if (!name || name.createable) return;
  fields.Name = [fields.FirstName, fields.LastName]
    .filter((p) => typeof p === 'string' && p !== '')
    .join(' ');
}

/** What the Record Summary shows as `name`: Name, else the Case's number. */
function summaryName(fields: Record<string, StoredFieldValue>): string {
  return String(fields.Name ?? fields.CaseNumber ?? '');
}

/** The token Jackson names when the body is not an object. */
function jacksonToken(body: unknown): string {
  if (Array.isArray(body)) return 'START_ARRAY';
  if (typeof body === 'string') return 'VALUE_STRING';
  if (typeof body === 'number') return Number.isInteger(body) ? 'VALUE_NUMBER_INT' : 'VALUE_NUMBER_FLOAT';
  if (typeof body === 'boolean') return body ? 'VALUE_TRUE' : 'VALUE_FALSE';
  return 'VALUE_NULL';
}
