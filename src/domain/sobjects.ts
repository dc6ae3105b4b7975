import type { Viewer } from '../auth/viewer.js';
import { apiError } from '../errors/api-error.js';
import { KeyPrefix, parseId, prefixOf, to18 } from '../ids/salesforce-id.js';
import type { UserRecord } from '../store/records.js';
import type { Store } from '../store/store.js';

/**
 * sObject REST (SPEC §12.1): the objects served under `/services/data/vNN.N/sobjects/{Type}`, each
 * with a fixed field list in describe order. Only `User` so far, read-only, so that
 * `@salesforce/core` can read `Username` during an access-token login (issue 10); the records
 * issue adds Account, Contact, … beside it in this table.
 */
export type SObjectValue = string | number | boolean | null;

/** A field of an sObject type; `datetime` values are epoch milliseconds until presented. */
export interface SObjectField<R> {
  name: string;
  type: 'id' | 'string' | 'email' | 'boolean' | 'picklist' | 'reference' | 'datetime' | 'textarea';
  read: (record: R) => SObjectValue;
}

export interface SObjectType<R> {
  name: string;
  keyPrefix: string;
  fields: readonly SObjectField<R>[];
  /** The record with this 18-character ID in the viewer's org, or undefined. */
  find: (store: Store, viewer: Viewer, id18: string) => Promise<R | undefined>;
}

/** A record read through sObject REST: its type, ID, and the requested fields in order. */
export interface SObjectRecord {
  type: string;
  id: string;
  fields: [name: string, type: SObjectField<unknown>['type'], value: SObjectValue][];
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

/** The User object's fields, in the order a real org's describe gives them. */
const userType: SObjectType<UserRecord> = {
  name: 'User',
  keyPrefix: KeyPrefix.user,
  fields: [
    { name: 'Id', type: 'id', read: (u) => u.id },
    { name: 'Username', type: 'string', read: (u) => u.username },
    { name: 'LastName', type: 'string', read: (u) => u.lastName },
    { name: 'FirstName', type: 'string', read: (u) => u.firstName },
    { name: 'Name', type: 'string', read: (u) => `${u.firstName} ${u.lastName}`.trim() },
    { name: 'CompanyName', type: 'string', read: (u) => u.companyName },
    { name: 'Title', type: 'string', read: (u) => u.title },
    { name: 'Email', type: 'email', read: (u) => u.email },
    { name: 'CommunityNickname', type: 'string', read: (u) => u.nickname },
    { name: 'IsActive', type: 'boolean', read: (u) => u.isActive },
    { name: 'ProfileId', type: 'reference', read: (u) => profileId(u) },
    { name: 'UserType', type: 'picklist', read: (u) => USER_TYPES[u.type] },
    { name: 'CreatedDate', type: 'datetime', read: (u) => u.createdAt },
    { name: 'LastModifiedDate', type: 'datetime', read: (u) => u.modifiedAt },
    { name: 'SystemModstamp', type: 'datetime', read: (u) => u.modifiedAt },
    { name: 'AboutMe', type: 'textarea', read: (u) => u.aboutMe },
  ],
  find: (store, viewer, id18) => store.users.find(viewer.orgId, id18),
};

// biome-ignore lint/suspicious/noExplicitAny: a table of types, each with its own record shape
const TYPES: Record<string, SObjectType<any>> = { User: userType };

/** The sObject type named in a path (case-insensitive, as a real org matches it), or undefined. */
export function sObjectType(name: string): SObjectType<unknown> | undefined {
  const key = Object.keys(TYPES).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : TYPES[key];
}

/**
 * `GET sobjects/{Type}/{id}[?fields=a,b]` (SPEC §12.1, §12.8): every field in describe order, or
 * the named ones (in the order named) and `Id`. A name the object lacks → 400 INVALID_FIELD; an ID
 * that is malformed or of another type → 404 with the external-ID message (a real org looks such
 * a value up as an external ID); a well-formed ID of no visible record → 404 NOT_FOUND.
 */
export async function readSObject(
  store: Store,
  viewer: Viewer,
  type: SObjectType<unknown>,
  rawId: string,
  fieldList: string | undefined,
): Promise<SObjectRecord> {
  const fields = selectFields(type, fieldList);
  const id15 = parseId(rawId);
  if (!id15 || prefixOf(id15) !== type.keyPrefix) throw apiError('SOBJECT_ID_NOT_FOUND', { id: rawId });
  const record = await type.find(store, viewer, to18(id15));
  // External users see no records outside their communities, and the sObject paths are served
  // on the internal scope only (SPEC §12.1); the pipeline has already refused them with 403.
  if (record === undefined) throw apiError('NOT_FOUND');
  return {
    type: type.name,
    id: to18(id15),
    fields: fields.map((field) => [field.name, field.type, field.read(record)]),
  };
}

function selectFields<R>(type: SObjectType<R>, fieldList: string | undefined): SObjectField<R>[] {
  if (fieldList === undefined) return [...type.fields];
  const selected: SObjectField<R>[] = [];
  for (const raw of fieldList.split(',')) {
    const name = raw.trim();
    if (name === '') continue;
    const field = type.fields.find((f) => f.name.toLowerCase() === name.toLowerCase());
    if (!field) throw apiError('INVALID_FIELD', { field: name, type: type.name });
    if (!selected.includes(field)) selected.push(field);
  }
  const id = type.fields.find((f) => f.name === 'Id');
  if (id && !selected.includes(id)) selected.push(id);
  return selected;
}
