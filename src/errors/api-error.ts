import { type CatalogKey, type CatalogParams, catalog, wireErrorCode } from './catalog.js';

/**
 * An error a client is meant to see. Thrown anywhere below the HTTP layer; turned into a response
 * by the one serializer in http/error-response.ts.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly errorCode: string;
  readonly fields: string[] | undefined;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    errorCode: string,
    message: string,
    options: { fields?: string[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.errorCode = errorCode;
    this.fields = options.fields;
    this.headers = options.headers ?? {};
  }

  toWire(): { errorCode: string; message: string; fields?: string[] } {
    return this.fields
      ? { errorCode: this.errorCode, message: this.message, fields: this.fields }
      : { errorCode: this.errorCode, message: this.message };
  }
}

type ParamsArg<K extends CatalogKey> = CatalogParams<K> extends undefined ? [] : [CatalogParams<K>];

/** Build the ApiError for a catalogue entry: `apiError('NOT_FOUND')`, `apiError('INVALID_ID_FIELD', { id })`. */
export function apiError<K extends CatalogKey>(key: K, ...params: ParamsArg<K>): ApiError {
  const entry = catalog[key];
  const message = (entry.message as (p: unknown) => string)(params[0]);
  return new ApiError(entry.status, wireErrorCode(key), message);
}

/** The error of an entry that names the input fields at fault (sObject REST, SPEC §12.8). */
export function fieldError<K extends CatalogKey>(
  key: K,
  fields: string[],
  ...params: ParamsArg<K>
): ApiError {
  const entry = catalog[key];
  const message = (entry.message as (p: unknown) => string)(params[0]);
  return new ApiError(entry.status, wireErrorCode(key), message, { fields });
}

export function withHeaders(error: ApiError, headers: Record<string, string>): ApiError {
  Object.assign(error.headers, headers);
  return error;
}

export const notFound = (): ApiError => apiError('NOT_FOUND');
export const invalidInput = (detail: string): ApiError => apiError('INVALID_INPUT', { detail });
export const insufficientAccess = (detail: string): ApiError => apiError('INSUFFICIENT_ACCESS', { detail });

/** A body field the resource's input doesn't have: a parse error, as Salesforce's JSON binding says it. */
export const unrecognizedField = (name: string): ApiError =>
  apiError('JSON_PARSER_ERROR', { detail: `Unrecognized field "${name}"` });

/** A JSON body with no content where the resource requires input (SPEC §2). */
export const entityBodyRequired = (): ApiError =>
  apiError('JSON_PARSER_ERROR', {
    detail: 'The HTTP entity body is required, but this request has no entity body.',
  });

/** Errors of the OAuth endpoints have their own shape (SPEC §4). */
export class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly status = 400,
    readonly headers: Record<string, string> = {},
  ) {
    super(description);
    this.name = 'OAuthError';
  }
}
