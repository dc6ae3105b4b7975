import { apiError, invalidInput } from '../errors/api-error.js';
import type { Clock } from '../lib/clock.js';
import type { CustomFieldDefinition } from '../store/records.js';
import type { Store } from '../store/store.js';
import {
  CUSTOM_FIELD_TYPES,
  customObjectDefinition,
  type FieldType,
  type ObjectDefinition,
} from './sobject-definitions.js';
import { orgObjects } from './sobjects.js';

/** `POST /_chatterbox/objects` (SPEC §12.7): a custom object and its fields. */
export interface CustomObjectInput {
  name: string;
  label?: string | undefined;
  labelPlural?: string | undefined;
  fields?: CustomFieldInput[] | undefined;
}

export interface CustomFieldInput {
  name: string;
  type: string;
  label?: string | undefined;
  required?: boolean | undefined;
  length?: number | undefined;
  referenceTo?: string | undefined;
}

/** The key prefix of a CustomObject definition (the setup entity, not its records). */
const DEFINITION_PREFIX = '01I';
const API_NAME = /^[A-Za-z][A-Za-z0-9]*(_[A-Za-z0-9]+)*__c$/;
const DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const TEXT_TYPES: readonly FieldType[] = ['string', 'textarea', 'email', 'phone', 'url', 'picklist'];
/** Longest declarable text, by type (a real org's limits: Text 255, Long Text Area 131072). */
const MAX_LENGTH: Partial<Record<FieldType, number>> = { string: 255, textarea: 131072, picklist: 255 };

/**
 * Declares a custom object in an org: names end in `__c` and are unique in the org (case-insensitive),
 * field types are those of sobject-definitions.ts, a reference names an object of the org. The
 * key prefix is the org's next of `a00`, `a01`, … `aZZ` (SPEC §12.1), taken in an exclusive
 * section so that two servers declaring at once can't take one prefix.
 */
export async function declareCustomObject(
  store: Store,
  clock: Clock,
  orgId: string,
  input: CustomObjectInput,
): Promise<ObjectDefinition> {
  if (!API_NAME.test(input.name)) {
    throw invalidInput(`Invalid name: ${input.name}. A custom object's API name ends in __c.`);
  }
  const label = input.label ?? input.name.slice(0, -3).replace(/_/g, ' ');
  return store.exclusive('custom-objects', async (tx) => {
    const objects = await orgObjects(tx, orgId);
    if (objects.some((o) => o.name.toLowerCase() === input.name.toLowerCase())) {
      throw apiError('DUPLICATE_VALUE', { detail: `An object named ${input.name} already exists.` });
    }
    const fields = checkFields(input.fields ?? [], [...objects.map((o) => o.name), input.name]);
    const count = objects.filter((o) => o.custom).length;
    if (count >= DIGITS.length ** 2) throw invalidInput('This org has no custom object prefix left.');
    const object = {
      id: await tx.newId(DEFINITION_PREFIX),
      orgId,
      name: input.name,
      label,
      labelPlural: input.labelPlural ?? `${label}s`,
      keyPrefix: `a${DIGITS[Math.floor(count / DIGITS.length)]}${DIGITS[count % DIGITS.length]}`,
      fields,
      createdAt: clock.now(),
    };
    await tx.records.createObject(object);
    return customObjectDefinition(object);
  });
}

function checkFields(inputs: CustomFieldInput[], objectNames: string[]): CustomFieldDefinition[] {
  const seen = new Set<string>();
  return inputs.map((f) => {
    if (!API_NAME.test(f.name))
      throw invalidInput(`Invalid field name: ${f.name}. A custom field's API name ends in __c.`);
    if (seen.has(f.name.toLowerCase())) throw invalidInput(`Duplicate field name: ${f.name}.`);
    seen.add(f.name.toLowerCase());
    const type = CUSTOM_FIELD_TYPES.find((t) => t === f.type);
    if (!type)
      throw invalidInput(
        `Invalid type for ${f.name}: ${f.type}. Use one of ${CUSTOM_FIELD_TYPES.join(', ')}.`,
      );
    const max = MAX_LENGTH[type] ?? 255;
    if (
      f.length !== undefined &&
      (!TEXT_TYPES.includes(type) || !Number.isInteger(f.length) || f.length < 1 || f.length > max)
    ) {
      throw invalidInput(
        `Invalid length for ${f.name}: ${f.length}. A ${type} field takes a length of 1 to ${max}.`,
      );
    }
    let referenceTo: string | null = null;
    if (type === 'reference') {
      referenceTo = objectNames.find((n) => n.toLowerCase() === f.referenceTo?.toLowerCase()) ?? null;
      if (referenceTo === null)
        throw invalidInput(`Invalid referenceTo for ${f.name}: name an object of the org.`);
    } else if (f.referenceTo !== undefined) {
      throw invalidInput(`Invalid referenceTo for ${f.name}: only reference fields take one.`);
    }
    return {
      name: f.name,
      label: f.label ?? f.name.slice(0, -3).replace(/_/g, ' '),
      type,
      required: f.required ?? false,
      length: f.length ?? null,
      referenceTo,
    };
  });
}
