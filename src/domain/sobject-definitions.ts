import type { CustomObjectRecord, StoredFieldValue } from '../store/records.js';

/**
 * What the sObjects served here look like (SPEC §12.1, §12.8; F2 §1.6): each object's fields in
 * describe order, with the types, lengths and flags a real org's describe gives them. Standard
 * objects are fixed here; custom objects come from the org's declarations (SPEC §12.7).
 */
export type FieldType =
  | 'id'
  | 'string'
  | 'textarea'
  | 'email'
  | 'phone'
  | 'url'
  | 'double'
  | 'currency'
  | 'percent'
  | 'int'
  | 'date'
  | 'datetime'
  | 'boolean'
  | 'picklist'
  | 'reference';

/** The types a custom field may be declared with (`POST /_chatterbox/objects`). */
export const CUSTOM_FIELD_TYPES: readonly FieldType[] = [
  'string',
  'textarea',
  'email',
  'phone',
  'url',
  'double',
  'currency',
  'percent',
  'int',
  'date',
  'datetime',
  'boolean',
  'picklist',
  'reference',
];

export interface FieldDefinition {
  name: string;
  label: string;
  type: FieldType;
  /** Characters, for text types; 0 otherwise. */
  length: number;
  /** Must have a value on create (REQUIRED_FIELD_MISSING). */
  required: boolean;
  createable: boolean;
  updateable: boolean;
  custom: boolean;
  /** Set by the server when the create leaves it out (OwnerId, Case.Status…). */
  defaultedOnCreate: boolean;
  nameField: boolean;
  /** The object names a reference may point to. */
  referenceTo: string[];
  relationshipName: string | null;
  /** Given on create when the input leaves the field out. */
  defaultValue: StoredFieldValue;
}

export interface ObjectDefinition {
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string;
  custom: boolean;
  /** Records can be written through sObject REST (all but User). */
  writable: boolean;
  fields: FieldDefinition[];
  /** Icon colour and name of the Record Summary's motif (F2 §1.1). */
  motif: { color: string; icon: string };
}

/** The motif colour of custom objects' Record Summaries [I: F2 §1.1 gives none]. */
const CUSTOM_COLOR = '54698D';

const TEXT_LENGTH: Partial<Record<FieldType, number>> = {
  id: 18,
  string: 255,
  textarea: 255,
  email: 80,
  phone: 40,
  url: 255,
  picklist: 255,
  reference: 18,
};

type FieldOptions = Partial<Omit<FieldDefinition, 'name' | 'type' | 'label'>>;

/** A field with the flags most fields have: optional, createable, updateable, standard. */
export function field(
  name: string,
  type: FieldType,
  label: string,
  options: FieldOptions = {},
): FieldDefinition {
  return {
    name,
    label,
    type,
    length: TEXT_LENGTH[type] ?? 0,
    required: false,
    createable: true,
    updateable: true,
    custom: false,
    defaultedOnCreate: false,
    nameField: false,
    referenceTo: [],
    relationshipName: null,
    defaultValue: null,
    ...options,
  };
}

const system = { createable: false, updateable: false, defaultedOnCreate: true };
const reference = (name: string, label: string, to: string, options: FieldOptions = {}) =>
  field(name, 'reference', label, {
    referenceTo: [to],
    relationshipName: name.endsWith('Id') ? name.slice(0, -2) : name,
    ...options,
  });

const head = (): FieldDefinition[] => [
  field('Id', 'id', `Record ID`, system),
  field('IsDeleted', 'boolean', 'Deleted', system),
];
const tail = (): FieldDefinition[] => [
  reference('OwnerId', 'Owner ID', 'User', { defaultedOnCreate: true }),
  field('CreatedDate', 'datetime', 'Created Date', system),
  reference('CreatedById', 'Created By ID', 'User', system),
  field('LastModifiedDate', 'datetime', 'Last Modified Date', system),
  reference('LastModifiedById', 'Last Modified By ID', 'User', system),
  field('SystemModstamp', 'datetime', 'System Modstamp', system),
];
/** A person's name, as Contact and Lead compose it from FirstName and LastName. */
const personName = () => [
  field('LastName', 'string', 'Last Name', { length: 80, required: true }),
  field('FirstName', 'string', 'First Name', { length: 40 }),
  field('Name', 'string', 'Full Name', {
    length: 121,
    createable: false,
    updateable: false,
    nameField: true,
  }),
];

const account: ObjectDefinition = {
  name: 'Account',
  label: 'Account',
  labelPlural: 'Accounts',
  keyPrefix: '001',
  custom: false,
  writable: true,
  motif: { color: '7F8DE1', icon: 'accounts' },
  fields: [
    ...head(),
    field('Name', 'string', 'Account Name', { required: true, nameField: true }),
    field('Type', 'picklist', 'Account Type'),
    field('Industry', 'picklist', 'Industry'),
    field('BillingStreet', 'textarea', 'Billing Street'),
    field('BillingCity', 'string', 'Billing City', { length: 40 }),
    field('BillingState', 'string', 'Billing State/Province', { length: 80 }),
    field('BillingPostalCode', 'string', 'Billing Zip/Postal Code', { length: 20 }),
    field('BillingCountry', 'string', 'Billing Country', { length: 80 }),
    field('Phone', 'phone', 'Account Phone'),
    field('Website', 'url', 'Website'),
    field('AnnualRevenue', 'currency', 'Annual Revenue'),
    field('NumberOfEmployees', 'int', 'Employees'),
    field('Description', 'textarea', 'Account Description', { length: 32000 }),
    ...tail(),
  ],
};

const contact: ObjectDefinition = {
  name: 'Contact',
  label: 'Contact',
  labelPlural: 'Contacts',
  keyPrefix: '003',
  custom: false,
  writable: true,
  motif: { color: 'A094ED', icon: 'contacts' },
  fields: [
    ...head(),
    reference('AccountId', 'Account ID', 'Account'),
    ...personName(),
    field('Title', 'string', 'Title', { length: 128 }),
    field('Email', 'email', 'Email'),
    field('Phone', 'phone', 'Business Phone'),
    field('Department', 'string', 'Department', { length: 80 }),
    field('Birthdate', 'date', 'Birthdate'),
    field('Description', 'textarea', 'Contact Description', { length: 32000 }),
    ...tail(),
  ],
};

const opportunity: ObjectDefinition = {
  name: 'Opportunity',
  label: 'Opportunity',
  labelPlural: 'Opportunities',
  keyPrefix: '006',
  custom: false,
  writable: true,
  motif: { color: 'FCB95B', icon: 'opportunities' },
  fields: [
    ...head(),
    reference('AccountId', 'Account ID', 'Account'),
    field('Name', 'string', 'Name', { length: 120, required: true, nameField: true }),
    field('Description', 'textarea', 'Description', { length: 32000 }),
    field('StageName', 'picklist', 'Stage', { required: true }),
    field('Amount', 'currency', 'Amount'),
    field('Probability', 'percent', 'Probability (%)'),
    field('CloseDate', 'date', 'Close Date', { required: true }),
    field('Type', 'picklist', 'Opportunity Type'),
    field('LeadSource', 'picklist', 'Lead Source'),
    field('NextStep', 'string', 'Next Step'),
    ...tail(),
  ],
};

const caseObject: ObjectDefinition = {
  name: 'Case',
  label: 'Case',
  labelPlural: 'Cases',
  keyPrefix: '500',
  custom: false,
  writable: true,
  motif: { color: 'F2CF5B', icon: 'cases' },
  fields: [
    ...head(),
    field('CaseNumber', 'string', 'Case Number', { length: 30, ...system, nameField: true }),
    reference('ContactId', 'Contact ID', 'Contact'),
    reference('AccountId', 'Account ID', 'Account'),
    field('Subject', 'string', 'Subject'),
    field('Status', 'picklist', 'Status', { defaultedOnCreate: true, defaultValue: 'New' }),
    field('Priority', 'picklist', 'Priority', { defaultedOnCreate: true, defaultValue: 'Medium' }),
    field('Origin', 'picklist', 'Case Origin'),
    field('Type', 'picklist', 'Case Type'),
    field('Description', 'textarea', 'Description', { length: 32000 }),
    ...tail(),
  ],
};

const lead: ObjectDefinition = {
  name: 'Lead',
  label: 'Lead',
  labelPlural: 'Leads',
  keyPrefix: '00Q',
  custom: false,
  writable: true,
  motif: { color: 'F88962', icon: 'leads' },
  fields: [
    ...head(),
    ...personName(),
    field('Title', 'string', 'Title', { length: 128 }),
    field('Company', 'string', 'Company', { required: true }),
    field('Email', 'email', 'Email'),
    field('Phone', 'phone', 'Phone'),
    field('Status', 'picklist', 'Status', { defaultedOnCreate: true, defaultValue: 'Open - Not Contacted' }),
    field('LeadSource', 'picklist', 'Lead Source'),
    field('Industry', 'picklist', 'Industry'),
    field('Description', 'textarea', 'Description', { length: 32000 }),
    ...tail(),
  ],
};

/** The standard objects records can be written to, by name. */
export const STANDARD_OBJECTS: readonly ObjectDefinition[] = [
  account,
  contact,
  opportunity,
  caseObject,
  lead,
];

/** A custom object as describe sees it: the system fields, Name (SPEC §12.8), then its own fields. */
export function customObjectDefinition(object: CustomObjectRecord): ObjectDefinition {
  const [id, isDeleted] = head();
  const [owner, ...stamps] = tail();
  return {
    name: object.name,
    label: object.label,
    labelPlural: object.labelPlural,
    keyPrefix: object.keyPrefix,
    custom: true,
    writable: true,
    motif: { color: CUSTOM_COLOR, icon: 'custom' },
    fields: [
      id as FieldDefinition,
      owner as FieldDefinition,
      isDeleted as FieldDefinition,
      field('Name', 'string', `${object.label} Name`, { length: 80, required: true, nameField: true }),
      ...stamps,
      ...object.fields.map((f) =>
        field(f.name, f.type as FieldType, f.label, {
          custom: true,
          required: f.required,
          ...(f.length !== null ? { length: f.length } : {}),
          ...(f.referenceTo !== null
            ? { referenceTo: [f.referenceTo], relationshipName: f.name.replace(/__c$/, '__r') }
            : {}),
        }),
      ),
    ],
  };
}
