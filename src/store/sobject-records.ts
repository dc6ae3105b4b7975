// ---- sObject records (SPEC §12.1, decision 0008) ---------------------------------------------

/** A field value as stored: text, number (dates as `YYYY-MM-DD` text, datetimes as epoch ms), flag, null. */
export type StoredFieldValue = string | number | boolean | null;

/** A record of a standard or custom object; `fields` holds the object's own fields by API name. */
export interface SObjectRow {
  id: string;
  orgId: string;
  type: string;
  /** The name its Record Summary shows. */
  name: string;
  ownerId: string;
  createdById: string;
  lastModifiedById: string;
  createdAt: number;
  modifiedAt: number;
  deletedAt: number | null;
  fields: Record<string, StoredFieldValue>;
}

/** A field an org declared on a custom object (SPEC §12.7). */
export interface CustomFieldDefinition {
  name: string;
  label: string;
  type: string;
  required: boolean;
  length: number | null;
  referenceTo: string | null;
}

export interface CustomObjectRecord {
  id: string;
  orgId: string;
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string;
  fields: CustomFieldDefinition[];
  createdAt: number;
}
