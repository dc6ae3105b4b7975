import fc from 'fast-check';

/**
 * Requests for the property-based fuzz test (test/api/openapi-fuzz.test.ts), drawn from the
 * server's own OpenAPI document: every route and method it lists, each parameter and body field
 * from its schema, mixed with the inputs that broke the server once (issue 9) — numbers such as
 * `1e309`, lone surrogates and NUL, bodies nested 10,000 deep, huge arrays and strings, encoded
 * paths, wrong types and content types.
 */

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  schema?: JsonSchema;
}

export interface Operation {
  method: string;
  /** The OpenAPI path template, e.g. /services/data/{version}/chatter/users/{userId} */
  path: string;
  parameters: Parameter[];
  body: JsonSchema | undefined;
}

interface OpenApi {
  paths: Record<
    string,
    Record<
      string,
      { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }
    >
  >;
}

/** Every operation of the document; `skip` leaves some out (the reset would end the run). */
export function operationsOf(document: unknown, skip: (op: Operation) => boolean): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries((document as OpenApi).paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const content = operation.requestBody?.content ?? {};
      const op: Operation = {
        method: method.toUpperCase(),
        path,
        parameters: operation.parameters ?? [],
        body: Object.values(content)[0]?.schema,
      };
      if (!skip(op)) operations.push(op);
    }
  }
  return operations;
}

/** Real records and tokens for the values that name them. */
export interface FuzzContext {
  ids: Record<string, string>;
  tokens: Record<string, string>;
  adminToken: string;
  /** A user the control plane may deactivate without ending the run. */
  victimUserId: string;
}

export interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
}

/** A JSON token written as is: numbers JavaScript cannot hold (1e309 → Infinity). */
class RawJson {
  constructor(readonly text: string) {}
}

/** JSON text of a generated value; RawJson tokens verbatim; lone surrogates as \\uXXXX escapes. */
function jsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(jsonText).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}:${jsonText(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

// ---- text ----------------------------------------------------------------------------------

const SPECIAL_CHARACTERS = [
  '\ud800',
  '\udfff',
  '\u0000',
  '\u0001',
  '\r',
  '\n',
  '\t',
  '\u2028',
  '\u202e',
  '\ufeff',
  '\uffff',
  '\ufffe',
  '😀',
  'e\u0301',
  '<',
  '&',
  '"',
  "'",
  '\\',
  '%',
  '#',
  '/',
  '?',
  '*',
  '_',
  'é',
  'Ü',
  'ß',
  'İ',
];

/** Text of any UTF-16 code units, lone surrogates and controls included. */
const anyText = (maxLength = 24) =>
  fc.string({
    unit: fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...SPECIAL_CHARACTERS) },
      { weight: 5, arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) },
      { weight: 2, arbitrary: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) },
    ),
    maxLength,
  });

const hostileText = fc.oneof(
  { weight: 8, arbitrary: anyText() },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      'me',
      'null',
      '__proto__',
      'constructor',
      '1e309',
      '<script>alert(1)</script>',
      '#hashtag https://example.com/x',
      '%ED%A0%80',
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom('x'.repeat(10_001), 'é'.repeat(200_000)) },
);

// ---- numbers -------------------------------------------------------------------------------

const ODD_NUMBER_TOKENS = [
  '1e309',
  '-1e309',
  '1e-400',
  '-0',
  '0.5',
  '1.0',
  '1E2',
  '12345678901234567890',
  '9007199254740993',
];

const ODD_QUERY_NUMBERS = [
  '1e309',
  'Infinity',
  '-Infinity',
  'NaN',
  '0x10',
  '0b1',
  '%205',
  '5%20',
  '1.0',
  '1e1',
  '%2B5',
  '',
  '-1',
  '99999999999999999999999',
  '9'.repeat(400),
];

// ---- values from a schema ------------------------------------------------------------------

const ID_FIELD = /(?:^id$|Id$|Ids$)/;

function idValue(ctx: FuzzContext): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...Object.values(ctx.ids)) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('me', 'internal', '005', '0F9Cb0000000001', `${Object.values(ctx.ids)[0]}x`),
    },
    { weight: 1, arbitrary: anyText() },
  );
}

const segment = (ctx: FuzzContext) =>
  fc.oneof(
    fc.record({ type: fc.constant('Text'), text: hostileText }),
    fc.record({ type: fc.constant('Mention'), id: idValue(ctx) }),
    fc.record({ type: fc.constant('Hashtag'), tag: hostileText }),
    fc.record({
      type: fc.constant('Link'),
      url: fc.oneof(fc.constant('https://example.com/a?b=c'), hostileText),
    }),
    fc.record({ type: anyText(8), text: hostileText }),
  );

const messageBody = (ctx: FuzzContext) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.record({ messageSegments: fc.array(segment(ctx), { maxLength: 4 }) }) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(null, [], {}, 'text', { messageSegments: 'x' }) },
  );

/** URLs of subrequests: mostly real resources, sometimes odd ones. */
const subrequestUrl = (ctx: FuzzContext) =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc.constantFrom(
        'v36.0/chatter/users/me',
        '/v36.0/chatter/feeds/company/feed-elements?pageSize=1e309',
        '/services/data/v36.0/chatter/groups?q=%C3%BC',
        `v36.0/chatter/users/${ctx.ids.user}`,
        `v36.0/chatter/feed-elements/${ctx.ids.feedElement}/capabilities/comments/items`,
        'v36.0/chatter/feed-elements',
        `/v36.0/chatter/groups/${ctx.ids.group}/members`,
      ),
    },
    { weight: 1, arbitrary: hostileText },
  );

function valueFor(
  schema: JsonSchema | undefined,
  name: string,
  ctx: FuzzContext,
  depth: number,
): fc.Arbitrary<unknown> {
  const wrongType = fc.constantFrom<unknown>(null, true, 0, 'x', [], {}, new RawJson('1e309'));
  return fc.oneof(
    { weight: 8, arbitrary: fittingValue(schema, name, ctx, depth) },
    { weight: 1, arbitrary: wrongType },
  );
}

function fittingValue(
  schema: JsonSchema | undefined,
  name: string,
  ctx: FuzzContext,
  depth: number,
): fc.Arbitrary<unknown> {
  if (name === 'body' || name === 'richInput') {
    return fc.oneof(messageBody(ctx), fc.record({ aboutMe: hostileText }), fc.jsonValue({ maxDepth: 2 }));
  }
  if (name === 'url') return subrequestUrl(ctx);
  if (name === 'method')
    return fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'HEAD', 'HttpGet', 'get', 'FETCH', '');
  if (!schema) return fc.jsonValue({ maxDepth: 2 });
  if (schema.enum) return fc.oneof(fc.constantFrom(...schema.enum), hostileText);
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map((branch) => fittingValue(branch, name, ctx, depth)));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      return ID_FIELD.test(name) ? idValue(ctx) : hostileText;
    case 'integer':
    case 'number': {
      const min = schema.minimum ?? -5;
      const max = Math.min(schema.maximum ?? 1_000_000, min + 1_000_000);
      return fc.oneof(
        { weight: 4, arbitrary: fc.integer({ min: min - 2, max: max + 2 }) },
        { weight: 1, arbitrary: fc.constantFrom(...ODD_NUMBER_TOKENS).map((t) => new RawJson(t)) },
      );
    }
    case 'boolean':
      return fc.oneof(fc.boolean(), fc.constantFrom('true', 'false', 'yes', 1));
    case 'array':
      return fc.array(depth > 3 ? fc.jsonValue() : valueFor(schema.items, name, ctx, depth + 1), {
        maxLength: 4,
      });
    case 'object':
      return objectFor(schema, ctx, depth);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function objectFor(schema: JsonSchema, ctx: FuzzContext, depth: number): fc.Arbitrary<unknown> {
  const properties = Object.entries(schema.properties ?? {});
  if (properties.length === 0 || depth > 3)
    return fc.dictionary(anyText(6), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 });
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, property] of properties) model[key] = valueFor(property, key, ctx, depth + 1);
  const required = (schema.required ?? []).filter((key) => key in model);
  return fc
    .tuple(
      fc.record(model, { requiredKeys: required }),
      fc.option(fc.tuple(anyText(6), fc.jsonValue({ maxDepth: 1 })), { freq: 8 }),
      fc.subarray(required, { maxLength: Math.min(1, required.length) }),
    )
    .map(([record, extra, dropped]) => {
      const value: Record<string, unknown> = { ...(record as Record<string, unknown>) };
      if (extra) value[extra[0]] = extra[1];
      for (const key of dropped) delete value[key];
      return value;
    });
}

// ---- bodies --------------------------------------------------------------------------------

const DEEP = 10_000;

/** Whole bodies that broke parsers and serialisers, or are not JSON at all. */
const adversarialBodies = fc.constantFrom(
  '',
  ' ',
  '{',
  '[1,]',
  '{"a":1,}',
  'null',
  '"string"',
  '\ufeff{}',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  `{"aboutMe":${'['.repeat(DEEP)}${']'.repeat(DEEP)}}`,
  `{"batchRequests":[{"method":"PATCH","url":"v36.0/chatter/users/me","richInput":${'{"a":'.repeat(DEEP)}1${'}'.repeat(DEEP)}}]}`,
  `[${'1,'.repeat(100_000)}1]`,
  `{"batchRequests":[${'{"method":"GET","url":"v36.0/chatter/users/me"},'.repeat(5_000)}{}]}`,
  `{"aboutMe":"${'x'.repeat(200_000)}"}`,
  '{"aboutMe":"\\ud800"}',
  '{"aboutMe":"a\\u0000b"}',
  '{"pageSize":1e309,"hourly":1e309,"status":1e309}',
  'aboutMe=x&aboutMe=y',
  'grant_type=password&username=%ED%A0%80&password=%00',
  '<aboutMe>x</aboutMe>',
  '\u0000\u0001\u0002',
);

const CONTENT_TYPES = [
  'application/json',
  'application/json',
  'application/json',
  'application/json;charset=UTF-8',
  'application/json; charset=utf-16',
  'application/x-www-form-urlencoded',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/xml',
  ';;;',
  undefined,
];

function bodyFor(op: Operation, ctx: FuzzContext): fc.Arbitrary<{ payload?: string; contentType?: string }> {
  const fitting = op.body ? fittingValue(op.body, '', ctx, 0).map(jsonText) : fc.constant(undefined);
  return fc
    .tuple(
      fc.oneof(
        { weight: 6, arbitrary: fitting },
        { weight: 2, arbitrary: adversarialBodies },
        { weight: 1, arbitrary: fc.constant(undefined) },
      ),
      fc.constantFrom(...CONTENT_TYPES),
    )
    .map(([payload, contentType]) => {
      if (payload === undefined) return {};
      return contentType === undefined ? { payload } : { payload, contentType };
    });
}

// ---- paths and queries ---------------------------------------------------------------------

/** Percent-escapes of a string's UTF-8 bytes; a lone surrogate as WTF-8, which no decoder takes. */
function percentEncode(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    if (/[A-Za-z0-9\-._~]/.test(char)) out += char;
    else if (code >= 0xd800 && code <= 0xdfff) {
      out +=
        `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`.toUpperCase();
    } else {
      for (const byte of Buffer.from(char, 'utf8'))
        out += `%${byte.toString(16).padStart(2, '0').toUpperCase()}`;
    }
  }
  return out;
}

const ODD_SEGMENTS = [
  '',
  '..',
  '%2e%2e',
  '%00',
  '%E0%A4%A',
  '%',
  '%ZZ',
  '%2F',
  '%ED%A0%80',
  '%C0%AF',
  'me',
  'ME',
  'x'.repeat(300),
  'a'.repeat(20_000),
  '1e309',
  '__proto__',
  ',,,',
  'me,',
  '.xml',
  '*',
];

// Mostly served versions: a path with another is answered 404/410 before anything else runs.
const VERSIONS = [
  'v36.0',
  'v36.0',
  'v36.0',
  'v36.0',
  'v36.0',
  'v36.0',
  'v32.0',
  'v45.0',
  'v66.0',
  'v31.0',
  'v99.0',
  'v36',
];

/** The sample record a parameter names, by its name (`feedElementId`, `groupIds`…). */
function idOfKind(name: string, ctx: FuzzContext): string {
  const kinds: [RegExp, string][] = [
    [/feedelement/i, 'feedElement'],
    [/comment/i, 'comment'],
    [/like/i, 'like'],
    [/subscription/i, 'subscription'],
    [/request/i, 'joinRequest'],
    [/member/i, 'groupMember'],
    [/group|subject/i, 'group'],
    [/community/i, 'community'],
  ];
  const kind = kinds.find(([pattern]) => pattern.test(name))?.[1] ?? 'user';
  return ctx.ids[kind] ?? (ctx.ids.user as string);
}

function pathValue(name: string, ctx: FuzzContext): fc.Arbitrary<string> {
  let fitting: fc.Arbitrary<string>;
  if (name === 'version') fitting = fc.constantFrom(...VERSIONS);
  else if (name === 'feedType')
    fitting = fc.constantFrom(
      'news',
      'record',
      'user-profile',
      'groups',
      'to',
      'company',
      'bookmarks',
      'NEWS',
    );
  // Never alice's own ID, whose token the run uses: the control plane deactivates whom it names.
  else if (name === 'userId') fitting = fc.constantFrom(ctx.victimUserId, 'me', ctx.ids.otherUser as string);
  else if (name === 'orgId') fitting = fc.constantFrom(ctx.ids.org as string);
  else
    fitting = fc
      .oneof({ weight: 3, arbitrary: fc.constant(idOfKind(name, ctx)) }, idValue(ctx))
      .map(percentEncode);
  return fc.oneof(
    { weight: 16, arbitrary: fitting },
    { weight: 1, arbitrary: fc.constantFrom(...ODD_SEGMENTS) },
    { weight: 1, arbitrary: anyText(12).map(percentEncode) },
  );
}

function queryValue(schema: JsonSchema | undefined, name: string, ctx: FuzzContext): fc.Arbitrary<string> {
  const type = schema?.type;
  if (type === 'integer' || type === 'number') {
    return fc.oneof(
      fc
        .integer({ min: (schema?.minimum ?? 0) - 2, max: Math.min(schema?.maximum ?? 1000, 100_000) + 2 })
        .map(String),
      fc.constantFrom(...ODD_QUERY_NUMBERS),
    );
  }
  if (schema?.enum)
    return fc.oneof(fc.constantFrom(...schema.enum.map(String)), anyText(8).map(percentEncode));
  // Short text: a query string is a request line's worth, and a URL over Node's header limit never
  // reaches the app over a socket.
  const text = ID_FIELD.test(name) ? idValue(ctx) : anyText();
  return fc.oneof(
    text.map(percentEncode),
    fc.constantFrom('%', '%ZZ', '%ED%A0%80', '%00', 'a&b', '%C3%BC', 'x'.repeat(5000), 'x'.repeat(60_000)),
  );
}

function queryFor(op: Operation, ctx: FuzzContext): fc.Arbitrary<string> {
  const declared = op.parameters.filter((p) => p.in === 'query');
  const pairs = declared.map((p) =>
    fc.option(
      fc
        .array(queryValue(p.schema, p.name, ctx), { minLength: 1, maxLength: 2 })
        .map((values) => values.map((v) => `${p.name}=${v}`).join('&')),
      { freq: 2 },
    ),
  );
  const extra = fc.option(
    fc.constantFrom('_HttpMethod=DELETE', '_HttpMethod=PATCH', 'x=1', '__proto__[x]=1', 'page[a]=1', '&&==&'),
    { freq: 5 },
  );
  return fc.tuple(fc.tuple(...pairs), extra).map(([values, more]) => {
    const parts = [...values, more].filter((v): v is string => v !== null && v !== undefined);
    return parts.length === 0 ? '' : `?${parts.join('&')}`;
  });
}

/** A path with some of its ASCII characters percent-encoded, in either hex case. */
function encodeSome(path: string, positions: number[], lower: boolean): string {
  const chars = [...path];
  for (const position of positions) {
    const i = position % chars.length;
    const char = chars[i] as string;
    if (!/^[A-Za-z0-9.\-_~]$/.test(char)) continue;
    const hex = (char.codePointAt(0) as number).toString(16);
    chars[i] = `%${lower ? hex : hex.toUpperCase()}`;
  }
  return chars.join('');
}

// ---- the request ---------------------------------------------------------------------------

const OTHER_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE'];

const ODD_ACCEPTS = [
  undefined,
  undefined,
  'application/xml',
  'text/xml;q=0.1, application/json;q=0.9',
  '*/*',
  ';;;,,,q=abc',
];

export function requestArbitrary(operations: Operation[], ctx: FuzzContext): fc.Arbitrary<FuzzRequest> {
  // The retired feed-items family is a fifth of the document and answers 410 to everything.
  const weighted = operations.map((op) => ({
    weight: op.path.includes('/feed-items') ? 1 : 5,
    arbitrary: fc.constant(op),
  }));
  return fc.oneof(...weighted).chain((op) => {
    const pathParams = op.parameters.filter((p) => p.in === 'path');
    const control = op.path.startsWith('/_chatterbox');
    const tokens = control
      ? fc.constantFrom<string | undefined>(
          ctx.adminToken,
          ctx.adminToken,
          ctx.adminToken,
          undefined,
          'garbage',
        )
      : fc.constantFrom<string | undefined>(
          ...Object.values(ctx.tokens),
          ...Object.values(ctx.tokens),
          ...Object.values(ctx.tokens),
          undefined,
          'garbage',
          ctx.adminToken,
        );
    return fc
      .record({
        method: fc.oneof(
          { weight: 9, arbitrary: fc.constant(op.method) },
          { weight: 1, arbitrary: fc.constantFrom(...OTHER_METHODS) },
        ),
        params: fc.tuple(...pathParams.map((p) => pathValue(p.name, ctx))),
        query: queryFor(op, ctx),
        body: bodyFor(op, ctx),
        token: tokens,
        accept: fc.constantFrom(...ODD_ACCEPTS),
        suffix: fc.constantFrom('', '', '', '', '/', '.xml', '.json'),
        encoded: fc.option(fc.tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), fc.boolean()), {
          freq: 4,
        }),
        pretty: fc.boolean(),
        rawText: fc.boolean(),
      })
      .map(({ method, params, query, body, token, accept, suffix, encoded, pretty, rawText }) => {
        let i = 0;
        let path = op.path.replace(/\{[^}]+\}/g, () => params[i++] as string);
        if (path.startsWith('/services/data/')) path += suffix;
        if (encoded) path = encodeSome(path, encoded[0], encoded[1]);
        const headers: Record<string, string> = {};
        if (token !== undefined) headers.authorization = `Bearer ${token}`;
        if (accept !== undefined) headers.accept = accept;
        if (pretty) headers['x-prettyprint'] = '1';
        if (rawText) headers['x-chatter-entity-encoding'] = 'false';
        if (body.contentType !== undefined) headers['content-type'] = body.contentType;
        return {
          method,
          url: `${path}${query}`,
          headers,
          ...(body.payload === undefined ? {} : { payload: body.payload }),
        };
      });
  });
}

/** A request as a failure report shows it: long values cut, so that the report stays readable. */
export function describeRequest(request: FuzzRequest): string {
  const cut = (text: string) => (text.length > 300 ? `${text.slice(0, 300)}…(${text.length} chars)` : text);
  return `${request.method} ${cut(request.url)} ${JSON.stringify(request.headers)} body=${cut(JSON.stringify(request.payload ?? null))}`;
}
