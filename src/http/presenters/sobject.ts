import type { FieldDefinition, ObjectDefinition } from '../../domain/sobject-definitions.js';
import type { SObjectRecord } from '../../domain/sobjects.js';
import { isoDate } from '../../lib/clock.js';

/**
 * An sObject record on the wire (SPEC §12.1, §12.8): `attributes` first, then the fields in the
 * order read; not alphabetical, and text is never entity-encoded (that is Chatter's habit, not
 * sObject REST's). Datetimes as `2011-07-07T00:37:00.000+0000`.
 */
export function presentSObject(base: string, record: SObjectRecord): Record<string, unknown> {
  const body: Record<string, unknown> = {
    attributes: { type: record.type, url: `${base}/sobjects/${record.type}/${record.id}` },
  };
  for (const [name, type, value] of record.fields) {
    body[name] = type === 'datetime' && typeof value === 'number' ? sObjectDateTime(value) : value;
  }
  return body;
}

export function sObjectDateTime(epochMs: number): string {
  return isoDate(epochMs).replace(/Z$/, '+0000');
}

/** `POST sobjects/{Type}` → 201, in exactly this key order (SPEC §12.8). */
export function presentSaveResult(id: string) {
  return { id, success: true, errors: [] };
}

function objectFlags(object: ObjectDefinition) {
  const w = object.writable;
  return {
    activateable: false,
    createable: w,
    custom: object.custom,
    customSetting: false,
    deletable: w,
    deprecatedAndHidden: false,
    feedEnabled: true,
    keyPrefix: object.keyPrefix,
    label: object.label,
    labelPlural: object.labelPlural,
    layoutable: true,
    mergeable: w && !object.custom,
    mruEnabled: true,
    name: object.name,
    queryable: true,
    replicateable: true,
    retrieveable: true,
    searchable: true,
    triggerable: true,
    undeletable: w,
    updateable: w,
  };
}

function objectUrls(base: string, object: ObjectDefinition) {
  const root = `${base}/sobjects/${object.name}`;
  return { describe: `${root}/describe`, rowTemplate: `${root}/{ID}`, sobject: root };
}

/** One entry of describeGlobal (F2 §1.6). */
export function presentGlobalEntry(base: string, object: ObjectDefinition) {
  return { ...objectFlags(object), urls: objectUrls(base, object) };
}

/** `GET sobjects` (F2 §1.6): every object, by name. */
export function presentDescribeGlobal(base: string, objects: readonly ObjectDefinition[]) {
  const sorted = [...objects].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { encoding: 'UTF-8', maxBatchSize: 200, sobjects: sorted.map((o) => presentGlobalEntry(base, o)) };
}

/** `GET sobjects/{Type}` (sObject Basic Information). */
export function presentObjectInfo(base: string, object: ObjectDefinition) {
  return { objectDescribe: presentGlobalEntry(base, object), recentItems: [] };
}

const SOAP_TYPES: Record<FieldDefinition['type'], string> = {
  id: 'tns:ID',
  reference: 'tns:ID',
  string: 'xsd:string',
  textarea: 'xsd:string',
  email: 'xsd:string',
  phone: 'xsd:string',
  url: 'xsd:string',
  picklist: 'xsd:string',
  double: 'xsd:double',
  currency: 'xsd:double',
  percent: 'xsd:double',
  int: 'xsd:int',
  date: 'xsd:date',
  datetime: 'xsd:dateTime',
  boolean: 'xsd:boolean',
};

const NUMBER_SHAPES: Partial<
  Record<FieldDefinition['type'], { digits: number; precision: number; scale: number }>
> = {
  double: { digits: 0, precision: 18, scale: 0 },
  currency: { digits: 0, precision: 18, scale: 2 },
  percent: { digits: 0, precision: 3, scale: 0 },
  int: { digits: 9, precision: 0, scale: 0 },
};

/** A field of describe (F2 §1.6). */
export function presentField(f: FieldDefinition) {
  const number = NUMBER_SHAPES[f.type] ?? { digits: 0, precision: 0, scale: 0 };
  return {
    autoNumber: f.name === 'CaseNumber',
    calculated: !f.createable && f.nameField && f.name === 'Name',
    createable: f.createable,
    custom: f.custom,
    defaultValue: f.defaultValue,
    defaultedOnCreate: f.defaultedOnCreate,
    digits: number.digits,
    externalId: false,
    filterable: true,
    idLookup: f.type === 'id' || f.name === 'Username',
    label: f.label,
    length: f.length,
    name: f.name,
    nameField: f.nameField,
    nillable: !f.required && f.type !== 'boolean' && f.type !== 'id' && !f.defaultedOnCreate,
    picklistValues: [],
    precision: number.precision,
    referenceTo: f.referenceTo,
    relationshipName: f.relationshipName,
    scale: number.scale,
    soapType: SOAP_TYPES[f.type],
    sortable: f.type !== 'textarea',
    type: f.type,
    unique: false,
    updateable: f.updateable,
  };
}

/** `GET sobjects/{Type}/describe` (F2 §1.6). */
/** `base` is the API root of the URLs (`/services/data/vNN.N`), `instanceUrl` the server's origin. */
export function presentDescribe(base: string, object: ObjectDefinition, instanceUrl: string) {
  return {
    ...objectFlags(object),
    childRelationships: [],
    fields: object.fields.map(presentField),
    listviewable: null,
    lookupLayoutable: null,
    recordTypeInfos: [],
    searchLayoutable: true,
    urls: {
      ...objectUrls(base, object),
      uiDetailTemplate: `${instanceUrl}/{ID}`,
      uiEditTemplate: `${instanceUrl}/{ID}/e`,
      uiNewRecord: `${instanceUrl}/${object.keyPrefix}/e`,
    },
  };
}
