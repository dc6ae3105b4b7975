import type { FastifyRequest } from 'fastify';
import { apiError } from '../errors/api-error.js';

/**
 * Numbers that arrive as text (query parameters, form fields) must be written as plain decimals.
 * The validator alone would take anything JavaScript's `Number()` takes: `0x10` as 16, ` 5` as 5,
 * `1e3` as 1000, and `1e309` or `Infinity` as an infinite "integer" that later failed as a 500
 * (issue 9). Decision 0006: such a value is a 400 `INVALID_INPUT` naming the parameter.
 */
const DECIMAL_INTEGER = /^-?\d+$/;
const DECIMAL_NUMBER = /^-?\d+(?:\.\d+)?$/;

interface PropertySchema {
  type?: string | string[];
  anyOf?: PropertySchema[];
}

interface ObjectSchema {
  properties?: Record<string, PropertySchema>;
}

/** Runs before schema validation: every textual value of a numeric property is a plain decimal. */
export function checkNumericParameters(request: FastifyRequest): void {
  const schema = request.routeOptions.schema;
  if (!schema) return;
  checkObject(schema.querystring as ObjectSchema | undefined, request.query);
  // Form bodies carry text too; JSON numbers are checked by the validator (strictNumbers).
  checkObject(schema.body as ObjectSchema | undefined, request.body);
}

function checkObject(schema: ObjectSchema | undefined, values: unknown): void {
  const properties = schema?.properties;
  if (!properties || typeof values !== 'object' || values === null) return;
  for (const [name, raw] of Object.entries(values as Record<string, unknown>)) {
    const property = properties[name];
    if (property === undefined || !Object.hasOwn(properties, name)) continue;
    const kind = numericKind(property);
    if (kind === undefined) continue;
    for (const item of Array.isArray(raw) ? raw : [raw]) {
      if (typeof item !== 'string') continue;
      const pattern = kind === 'integer' ? DECIMAL_INTEGER : DECIMAL_NUMBER;
      if (!pattern.test(item) || !Number.isFinite(Number(item))) {
        throw apiError('INVALID_INPUT', {
          detail: `Invalid ${name}: ${shown(item)}. Specify a value of type ${kind}.`,
        });
      }
    }
  }
}

function numericKind(schema: PropertySchema): 'integer' | 'number' | undefined {
  const types = [schema.type, ...(schema.anyOf ?? []).map((branch) => branch.type)].flat();
  if (types.includes('integer')) return 'integer';
  if (types.includes('number')) return 'number';
  return undefined;
}

/** As other INVALID_INPUT messages echo a value: cut at 200 characters. */
function shown(value: string): string {
  return value.length > 200 ? `${value.slice(0, 200)}…` : value;
}
