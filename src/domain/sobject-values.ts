import { fieldError } from '../errors/api-error.js';
import type { StoredFieldValue } from '../store/records.js';
import type { FieldDefinition } from './sobject-definitions.js';

/**
 * One input value of a create or update, checked and coerced as the real sObject API does
 * (SPEC §12.1, §12.8): numbers and booleans may come as their text, text fields take numbers and
 * booleans as their text, an empty string is null. A value of the wrong type is
 * INVALID_TYPE_ON_FIELD_IN_RECORD, text over its length STRING_TOO_LONG, each naming the field.
 * Dates are kept as `YYYY-MM-DD`, datetimes as epoch milliseconds. References are checked
 * against the store by the caller (sobject-records.ts): here they are only shaped.
 */
export function coerceValue(field: FieldDefinition, raw: unknown): StoredFieldValue {
  if (raw === null || raw === '') return null;
  const wrongType = () =>
    fieldError('INVALID_TYPE_ON_FIELD_IN_RECORD', [field.name], { label: field.label, value: shown(raw) });
  if (typeof raw === 'object') throw wrongType();
  switch (field.type) {
    case 'double':
    case 'currency':
    case 'percent':
    case 'int': {
      const value = typeof raw === 'number' ? raw : typeof raw === 'string' ? numberText(raw) : undefined;
      if (value === undefined || !Number.isFinite(value)) throw wrongType();
      if (field.type === 'int' && !Number.isInteger(value)) throw wrongType();
      return value;
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return raw;
      if (typeof raw === 'string' && /^(true|false)$/i.test(raw.trim()))
        return raw.trim().toLowerCase() === 'true';
      throw wrongType();
    }
    case 'date': {
      const value = typeof raw === 'string' ? dateText(raw) : undefined;
      if (value === undefined) throw wrongType();
      return value;
    }
    case 'datetime': {
      const value = typeof raw === 'string' ? dateTimeMs(raw) : undefined;
      if (value === undefined) throw wrongType();
      return value;
    }
    default: {
      const text = String(raw);
      if (field.length > 0 && [...text].length > field.length) {
        throw fieldError('STRING_TOO_LONG', [field.name], {
          label: field.label,
          value: text,
          max: field.length,
        });
      }
      if (field.type === 'email' && !EMAIL.test(text)) {
        throw fieldError('INVALID_EMAIL_ADDRESS', [field.name], { label: field.label, value: text });
      }
      return text;
    }
  }
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function shown(raw: unknown): string {
  return typeof raw === 'string' ? raw : JSON.stringify(raw);
}

function numberText(text: string): number | undefined {
  const trimmed = text.trim();
  return NUMBER.test(trimmed) ? Number(trimmed) : undefined;
}

/** `YYYY-MM-DD` of a real calendar day, or undefined. */
function dateText(text: string): string | undefined {
  const match = DATE.exec(text.trim());
  if (!match) return undefined;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const day = new Date(Date.UTC(y, m - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d) return undefined;
  return text.trim();
}

/** An ISO 8601 date-time (or a date: its midnight UTC) as epoch ms; without an offset, UTC. */
function dateTimeMs(text: string): number | undefined {
  const match = DATE_TIME.exec(text.trim());
  if (!match) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '0', offset = 'Z'] = match;
  if (dateText(`${y}-${mo}-${d}`) === undefined) return undefined;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  const ms = Number(fraction.padEnd(3, '0').slice(0, 3));
  let at = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  if (offset !== 'Z') {
    const sign = offset.startsWith('-') ? -1 : 1;
    const digits = offset.slice(1).replace(':', '');
    at -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return at;
}
