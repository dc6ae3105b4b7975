import type { Viewer } from '../auth/viewer.js';
import { apiError, fieldError } from '../errors/api-error.js';
import { KeyPrefix, parseId, prefixOf, to18 } from '../ids/salesforce-id.js';
import type { SObjectRow, StoredFieldValue, UserRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import {
  customObjectDefinition,
  type FieldDefinition,
  type FieldType,
  field,
  type ObjectDefinition,
  STANDARD_OBJECTS,
} from './sobject-definitions.js';

/**
 * sObject REST reads (SPEC §12.1): the objects of an org (User, the standard objects, its custom
 * objects) and one record in describe order. `User` is read-only, over the org's users, so that
 * `@salesforce/core` and the CLI can read `Username` during an access-token login (issue 10).
 */
export type SObjectValue = StoredFieldValue;

/** A record read through sObject REST: its type, ID, and the requested fields in order. */
export interface SObjectRecord {
  type: string;
  id: string;
  fields: [name: string, type: FieldType, value: SObjectValue][];
}

/** User.UserType, as a real org names the user types of SPEC §5. */
const USER_TYPES: Record<UserRecord['type'], string> = {
  admin: 'Standard',
  standard: 'Standard',
  external: 'PowerPartner',
  guest: 'Guest',
};

/** One profile per user type (`00e`), derived from the org so that it is stable across resets. */
const PROFILE_DIGITS: Record<UserRecord['type'], string> = {
  admin: '1',
  standard: '2',
  external: '3',
  guest: '4',
};

export function profileId(user: UserRecord): string {
  return to18(`00e${user.orgId.slice(3, 14)}${PROFILE_DIGITS[user.type]}`);
}

const readOnly = { createable: false, updateable: false };

/** The User object, in the order a real org's describe gives its fields. */
export const USER_OBJECT: ObjectDefinition = {
  name: 'User',
  label: 'User',
  labelPlural: 'Users',
  keyPrefix: KeyPrefix.user,
  custom: false,
  writable: false,
  motif: { color: '1B96FF', icon: 'profile' },
  fields: [
    field('Id', 'id', 'User ID', readOnly),
    field('Username', 'string', 'Username', { ...readOnly, length: 80 }),
    field('LastName', 'string', 'Last Name', { ...readOnly, length: 80 }),
    field('FirstName', 'string', 'First Name', { ...readOnly, length: 40 }),
    field('Name', 'string', 'Full Name', { ...readOnly, length: 121, nameField: true }),
    field('CompanyName', 'string', 'Company Name', { ...readOnly, length: 80 }),
    field('Title', 'string', 'Title', { ...readOnly, length: 80 }),
    field('Email', 'email', 'Email', { ...readOnly, length: 128 }),
    field('CommunityNickname', 'string', 'Nickname', { ...readOnly, length: 40 }),
    field('IsActive', 'boolean', 'Active', readOnly),
    field('ProfileId', 'reference', 'Profile ID', {
      ...readOnly,
      referenceTo: ['Profile'],
      relationshipName: 'Profile',
    }),
    field('UserType', 'picklist', 'User Type', { ...readOnly, length: 40 }),
    field('CreatedDate', 'datetime', 'Created Date', readOnly),
    field('LastModifiedDate', 'datetime', 'Last Modified Date', readOnly),
    field('SystemModstamp', 'datetime', 'System Modstamp', readOnly),
    field('AboutMe', 'textarea', 'About Me', { ...readOnly, length: 1000 }),
  ],
};

function userValues(u: UserRecord): Record<string, SObjectValue> {
  return {
    Id: u.id,
    Username: u.username,
    LastName: u.lastName,
    FirstName: u.firstName,
    Name: `${u.firstName} ${u.lastName}`.trim(),
    CompanyName: u.companyName,
    Title: u.title,
    Email: u.email,
    CommunityNickname: u.nickname,
    IsActive: u.isActive,
    ProfileId: profileId(u),
    UserType: USER_TYPES[u.type],
    CreatedDate: u.createdAt,
    LastModifiedDate: u.modifiedAt,
    SystemModstamp: u.modifiedAt,
    AboutMe: u.aboutMe,
  };
}

/** A stored record's values by field name: the typed columns, then the object's own fields. */
export function recordValues(row: SObjectRow): Record<string, SObjectValue> {
  return {
    ...row.fields,
    Id: row.id,
    IsDeleted: row.deletedAt !== null,
    OwnerId: row.ownerId,
    CreatedDate: row.createdAt,
    CreatedById: row.createdById,
    LastModifiedDate: row.modifiedAt,
    LastModifiedById: row.lastModifiedById,
    SystemModstamp: row.modifiedAt,
  };
}

/** Every object of the org, User and the standard objects first, then its custom objects. */
export async function orgObjects(store: Store, orgId: string): Promise<ObjectDefinition[]> {
  const custom = await store.records.listObjects(orgId);
  return [USER_OBJECT, ...STANDARD_OBJECTS, ...custom.map(customObjectDefinition)];
}

/** The object named in a path (case-insensitive, as a real org matches it), or 404 NOT_FOUND. */
export async function findObject(store: Store, orgId: string, name: string): Promise<ObjectDefinition> {
  const lower = name.toLowerCase();
  const builtIn = [USER_OBJECT, ...STANDARD_OBJECTS].find((o) => o.name.toLowerCase() === lower);
  if (builtIn) return builtIn;
  if (!lower.endsWith('__c')) throw apiError('NOT_FOUND');
  const custom = (await orgObjects(store, orgId)).find((o) => o.name.toLowerCase() === lower);
  if (!custom) throw apiError('NOT_FOUND');
  return custom;
}

/**
 * The 18-character ID of a path's record of this object: a malformed ID, or one of another
 * object, is 404 with the external-ID message (a real org looks such a value up as an external
 * ID).
 */
export function pathRecordId(object: ObjectDefinition, rawId: string): string {
  const id15 = parseId(rawId);
  if (!id15 || prefixOf(id15) !== object.keyPrefix) throw apiError('SOBJECT_ID_NOT_FOUND', { id: rawId });
  return to18(id15);
}

/** A live record of this object in the viewer's org; deleted → 404 ENTITY_IS_DELETED, absent → 404. */
export async function liveRecord(
  store: Store,
  orgId: string,
  object: ObjectDefinition,
  id18: string,
): Promise<SObjectRow> {
  const row = await store.records.find(orgId, id18);
  if (!row || row.type !== object.name) throw apiError('NOT_FOUND');
  if (row.deletedAt !== null) throw fieldError('ENTITY_IS_DELETED', []);
  return row;
}

/**
 * `GET sobjects/{Type}/{id}[?fields=a,b]` (SPEC §12.1, §12.8): every field in describe order, or
 * the named ones (in the order named) and `Id`. A name the object lacks → 400 INVALID_FIELD.
 * External users never get here: the sObject paths are served on the internal scope only, where
 * the pipeline refuses them (403); guests are refused with 401.
 */
export async function readSObject(
  store: Store,
  viewer: Viewer,
  object: ObjectDefinition,
  rawId: string,
  fieldList: string | undefined,
): Promise<SObjectRecord> {
  const fields = selectFields(object, fieldList);
  const id18 = pathRecordId(object, rawId);
  let values: Record<string, SObjectValue>;
  if (object === USER_OBJECT) {
    const user = await store.users.find(viewer.orgId, id18);
    if (user === undefined) throw apiError('NOT_FOUND');
    values = userValues(user);
  } else {
    values = recordValues(await liveRecord(store, viewer.orgId, object, id18));
  }
  return presentable(object, id18, values, fields);
}

export function presentable(
  object: ObjectDefinition,
  id18: string,
  values: Record<string, SObjectValue>,
  fields: readonly FieldDefinition[] = object.fields,
): SObjectRecord {
  return {
    type: object.name,
    id: id18,
    fields: fields.map((f) => [f.name, f.type, values[f.name] ?? null]),
  };
}

function selectFields(object: ObjectDefinition, fieldList: string | undefined): FieldDefinition[] {
  if (fieldList === undefined) return [...object.fields];
  const selected: FieldDefinition[] = [];
  for (const raw of fieldList.split(',')) {
    const name = raw.trim();
    if (name === '') continue;
    const found = fieldNamed(object, name);
    if (!found) throw apiError('INVALID_FIELD', { field: name, type: object.name });
    if (!selected.includes(found)) selected.push(found);
  }
  const id = object.fields.find((f) => f.name === 'Id');
  if (id && !selected.includes(id)) selected.push(id);
  return selected;
}

/** The object's field of this name, matched case-insensitively as a real org does. */
export function fieldNamed(object: ObjectDefinition, name: string): FieldDefinition | undefined {
  const lower = name.toLowerCase();
  return object.fields.find((f) => f.name.toLowerCase() === lower);
}
