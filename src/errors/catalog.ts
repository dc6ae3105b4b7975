/**
 * The one table of API errors (SPEC §2). Every error a client can see under /services/data comes
 * from an entry here, so a future recording against a real org can correct it in one place.
 * `real` marks entries seen from the real service, `ours` the ones decided by the SPEC.
 */
export const catalog = {
  INVALID_ID_FIELD: {
    status: 400,
    message: (p: { id: string }) => `Invalid identifier: ${p.id}`,
    origin: 'real',
  },
  JSON_PARSER_ERROR: { status: 400, message: (p: { detail: string }) => p.detail, origin: 'real' },
  INVALID_INPUT: { status: 400, message: (p: { detail: string }) => p.detail, origin: 'ours' },
  INVALID_FILTER_VALUE: { status: 400, message: (p: { detail: string }) => p.detail, origin: 'real' },
  INVALID_SESSION_ID: { status: 401, message: () => 'Session expired or invalid', origin: 'real' },
  GUEST_NOT_ALLOWED: {
    status: 401,
    errorCode: 'INVALID_SESSION_ID',
    message: () => "This resource isn't accessible to guest users.",
    origin: 'ours',
  },
  /** sObject REST (SPEC §12.1): a name in `?fields=` (or a body) that the object doesn't have. */
  INVALID_FIELD: {
    status: 400,
    message: (p: { field: string; type: string }) =>
      `No such column '${p.field}' on sobject of type ${p.type}`,
    origin: 'real',
  },
  /** sObject REST (SPEC §12.1, §12.8, F2 §1.6): each of these carries `fields`. */
  REQUIRED_FIELD_MISSING: {
    status: 400,
    message: (p: { fields: string[] }) => `Required fields are missing: [${p.fields.join(', ')}]`,
    origin: 'real',
  },
  SOBJECT_ID_IN_BODY: {
    status: 400,
    errorCode: 'INVALID_FIELD',
    message: () => 'The Id field should not be specified in the sobject data.',
    origin: 'real',
  },
  INVALID_FIELD_FOR_INSERT_UPDATE: {
    status: 400,
    message: (p: { fields: string[] }) =>
      `Unable to create/update fields: ${p.fields.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
    origin: 'real',
  },
  MALFORMED_ID: {
    status: 400,
    message: (p: { label: string; value: string }) => `${p.label}: id value of incorrect type: ${p.value}`,
    origin: 'real',
  },
  STRING_TOO_LONG: {
    status: 400,
    message: (p: { label: string; value: string; max: number }) =>
      `${p.label}: data value too large: ${p.value} (max length=${p.max})`,
    origin: 'real',
  },
  INVALID_TYPE_ON_FIELD_IN_RECORD: {
    status: 400,
    message: (p: { label: string; value: string }) => `${p.label}: value not of required type: ${p.value}`,
    origin: 'real',
  },
  INVALID_EMAIL_ADDRESS: {
    status: 400,
    message: (p: { label: string; value: string }) => `${p.label}: invalid email address: ${p.value}`,
    origin: 'real',
  },
  /** A create or update body that is not one JSON object (Jackson's words for an array or a scalar). */
  SOBJECT_BODY_NOT_OBJECT: {
    status: 400,
    errorCode: 'JSON_PARSER_ERROR',
    message: (p: { token: string }) => `Cannot deserialize instance of SObject out of ${p.token} token`,
    origin: 'ours',
  },
  INSUFFICIENT_ACCESS: { status: 403, message: (p: { detail: string }) => p.detail, origin: 'real' },
  EXTERNAL_USER_REFUSED: {
    status: 403,
    errorCode: 'INSUFFICIENT_ACCESS',
    message: () => "External users can't access this resource.",
    origin: 'ours',
  },
  INSUFFICIENT_ACCESS_OR_READONLY: {
    status: 403,
    message: () => "You can't add members to a private group; create a membership request instead.",
    origin: 'real',
  },
  FUNCTIONALITY_NOT_ENABLED: {
    status: 403,
    message: () => 'This feature is not currently enabled for this user type or org.',
    origin: 'real',
  },
  NOT_FOUND: { status: 404, message: () => 'The requested resource does not exist', origin: 'real' },
  /** sObject REST (SPEC §12.1): a malformed (or wrong-type) ID in the path is looked up as an external ID. */
  SOBJECT_ID_NOT_FOUND: {
    status: 404,
    errorCode: 'NOT_FOUND',
    message: (p: { id: string }) => `Provided external ID field does not exist or is not accessible: ${p.id}`,
    origin: 'real',
  },
  /** A deleted record read, changed or deleted again (F2 §1.6, real v49). Carries `fields: []`. */
  ENTITY_IS_DELETED: { status: 404, message: () => 'entity is deleted', origin: 'real' },
  METHOD_NOT_ALLOWED: {
    status: 405,
    message: (p: { method: string; allow: string }) =>
      `HTTP Method '${p.method}' not allowed. Allowed are ${p.allow}`,
    origin: 'real',
  },
  INVALID_STATUS: {
    status: 409,
    message: () => 'This membership request was already accepted or declined.',
    origin: 'ours',
  },
  DUPLICATE_VALUE: { status: 409, message: (p: { detail: string }) => p.detail, origin: 'ours' },
  GONE_VERSION: {
    status: 410,
    errorCode: 'GONE',
    message: (p: { version: string }) => `API version ${p.version} is retired. Use version 32.0 or later.`,
    origin: 'ours',
  },
  GONE_FEED_ITEMS: {
    status: 410,
    errorCode: 'GONE',
    message: () => 'Feed items resources were retired in version 32.0. Use /chatter/feed-elements.',
    origin: 'ours',
  },
  BATCH_PROCESSING_HALTED: {
    status: 412,
    message: () => 'Batch processing halted because an earlier subrequest failed.',
    origin: 'real',
  },
  REQUEST_ENTITY_TOO_LARGE: {
    status: 413,
    message: (p: { limit: number }) => `The request body exceeds the limit of ${p.limit} bytes.`,
    origin: 'ours',
  },
  /** An upload over `--max-file-bytes` (SPEC §12.2, §12.8), whatever `--max-body-bytes` says. */
  FILE_TOO_LARGE: {
    status: 413,
    errorCode: 'REQUEST_ENTITY_TOO_LARGE',
    message: (p: { limit: number }) => `The file exceeds the limit of ${p.limit} bytes.`,
    origin: 'ours',
  },
  /** A Range past the end of a file's bytes (RFC 9110 §15.5.17). */
  RANGE_NOT_SATISFIABLE: {
    status: 416,
    message: (p: { size: number }) => `The requested range is outside the file's ${p.size} bytes.`,
    origin: 'ours',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    message: (p: { contentType: string }) =>
      `Content type '${p.contentType}' is not supported by this resource.`,
    origin: 'real',
  },
  DAILY_LIMIT_EXCEEDED: {
    status: 429,
    errorCode: 'REQUEST_LIMIT_EXCEEDED',
    message: () => 'TotalRequests Limit exceeded.',
    origin: 'real',
  },
  /** The daily quota as a real org answers it (`--daily-limit-status 403`, SPEC §2). */
  DAILY_LIMIT_EXCEEDED_FORBIDDEN: {
    status: 403,
    errorCode: 'REQUEST_LIMIT_EXCEEDED',
    message: () => 'TotalRequests Limit exceeded.',
    origin: 'real',
  },
  UNKNOWN_EXCEPTION: {
    status: 500,
    message: (p: { errorId: string }) =>
      `An unexpected error occurred. Please include this ErrorId if you contact support: ${p.errorId}`,
    origin: 'real',
  },
  HOURLY_LIMIT_EXCEEDED: {
    status: 503,
    errorCode: 'REQUEST_LIMIT_EXCEEDED',
    message: () =>
      'You have reached the Connect API\u2019s hourly request limit for this user and application. Please try again later.',
    origin: 'real',
  },
  SERVER_UNAVAILABLE: {
    status: 503,
    message: () => 'The server is down for maintenance. Try again later.',
    origin: 'ours',
  },
  /** The control plane (SPEC §9) without `Authorization: Bearer <admin token>`. */
  ADMIN_TOKEN_MISSING: {
    status: 401,
    errorCode: 'INVALID_SESSION_ID',
    message: () =>
      "The control plane needs the admin token: send Authorization: Bearer <admin token> (the server's --admin-token or CHATTERBOX_ADMIN_TOKEN, or the token it printed at start).",
    origin: 'ours',
  },
  /** The control plane with a bearer token that is not the admin token. */
  ADMIN_TOKEN_WRONG: {
    status: 401,
    errorCode: 'INVALID_SESSION_ID',
    message: () =>
      "That is not the admin token: send Authorization: Bearer <admin token> (the server's --admin-token or CHATTERBOX_ADMIN_TOKEN, or the token it printed at start).",
    origin: 'ours',
  },
  // ---- conversation features (SPEC §12.4–§12.6; F2 §10.1: none of these recorded, all ours) ----
  TOPIC_NAME_TAKEN: {
    status: 409,
    errorCode: 'DUPLICATE_VALUE',
    message: () => 'A topic with this name already exists.',
    origin: 'ours',
  },
  TOO_MANY_TOPICS: {
    status: 400,
    errorCode: 'INVALID_INPUT',
    message: () => "You can't assign more than 10 topics to a feed element.",
    origin: 'ours',
  },
  TOO_MANY_RECORD_TOPICS: {
    status: 400,
    errorCode: 'INVALID_INPUT',
    // F2 §4: PUT records/{id}/topics takes at most 100 names for a record (10 for a feed item).
    message: () => "You can't assign more than 100 topics to a record.",
    origin: 'ours',
  },
  POLL_CHOICE_COUNT: {
    status: 400,
    errorCode: 'INVALID_INPUT',
    message: () => 'A poll must have between 2 and 10 choices.',
    origin: 'ours',
  },
  POLL_AND_QUESTION: {
    status: 400,
    errorCode: 'INVALID_INPUT',
    message: () => "A feed element can't be both a poll and a question.",
    origin: 'ours',
  },
  NOT_A_QUESTION: {
    status: 400,
    errorCode: 'INVALID_INPUT',
    message: () => "Invalid capabilities.questionAndAnswers: this feed element isn't a question.",
    origin: 'ours',
  },
  BEST_ANSWER_ELSEWHERE: {
    status: 400,
    errorCode: 'INVALID_INPUT',
    message: () => "Invalid bestAnswerId: the comment isn't an answer to this question.",
    origin: 'ours',
  },
  POLL_CHOICE_ELSEWHERE: {
    status: 400,
    errorCode: 'INVALID_INPUT',
    message: () => "Invalid myChoiceId: the choice isn't one of this poll's choices.",
    origin: 'ours',
  },
} as const satisfies Record<string, CatalogEntry>;

interface CatalogEntry {
  status: number;
  /** The wire errorCode when it differs from the entry's key (several entries share a code). */
  errorCode?: string;
  // biome-ignore lint/suspicious/noExplicitAny: each entry declares its own parameters
  message: (params: any) => string;
  origin: 'real' | 'ours';
}

export type CatalogKey = keyof typeof catalog;
export type CatalogParams<K extends CatalogKey> = Parameters<(typeof catalog)[K]['message']>[0];

export function wireErrorCode(key: CatalogKey): string {
  const entry: CatalogEntry = catalog[key];
  return entry.errorCode ?? key;
}

/** The default entry for a bare status (used by injected faults that name only a status, §9). */
export function entryForStatus(status: number): CatalogKey | undefined {
  const preferred: Record<number, CatalogKey> = {
    400: 'INVALID_INPUT',
    401: 'INVALID_SESSION_ID',
    403: 'INSUFFICIENT_ACCESS',
    404: 'NOT_FOUND',
    405: 'METHOD_NOT_ALLOWED',
    409: 'DUPLICATE_VALUE',
    410: 'GONE_VERSION',
    412: 'BATCH_PROCESSING_HALTED',
    413: 'REQUEST_ENTITY_TOO_LARGE',
    415: 'UNSUPPORTED_MEDIA_TYPE',
    429: 'DAILY_LIMIT_EXCEEDED',
    500: 'UNKNOWN_EXCEPTION',
    503: 'SERVER_UNAVAILABLE',
  };
  return preferred[status];
}
