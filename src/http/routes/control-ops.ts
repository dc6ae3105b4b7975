import type { FastifyInstance, FastifyReply } from 'fastify';
import { type Static, Type } from 'typebox';
import type { FaultInput } from '../../control/faults.js';
import type { JournalEntry } from '../../control/journal.js';
import { journalFilter, STATUS_FILTER_PATTERN } from '../../control/journal-filter.js';
import { notFound } from '../../errors/api-error.js';
import { isoDate } from '../../lib/clock.js';
import type { Services } from '../../services.js';
import { JSON_CONTENT_TYPE } from '../negotiation.js';

const tags = ['control'];

const Limits = Type.Object(
  {
    hourly: Type.Integer({
      minimum: 0,
      description: 'Chatter requests per user × connected app × clock hour',
    }),
    daily: Type.Integer({ minimum: 0, description: 'API requests per org in any 24 hours' }),
    dailyStatus: Type.Enum([429, 403], { description: 'Status when the daily quota is used up' }),
    retryAfter: Type.Boolean({
      description: 'Whether quota refusals (429/503) carry Retry-After; off by default',
    }),
    maxFileBytes: Type.Integer({ minimum: 0, description: 'The largest file an upload may carry, in bytes' }),
  },
  { additionalProperties: false },
);
const LimitsPatch = Type.Partial(Limits, { additionalProperties: false });

const Maintenance = Type.Object(
  {
    enabled: Type.Boolean(),
    retryAfterSeconds: Type.Integer({ minimum: 0, maximum: 604800, description: 'Retry-After of the 503s' }),
  },
  { additionalProperties: false },
);
const MaintenanceInput = Type.Object(
  {
    enabled: Type.Boolean(),
    retryAfterSeconds: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 604800, description: 'Retry-After of the 503s; default 300' }),
    ),
  },
  { additionalProperties: false },
);

const FaultInputSchema = Type.Object(
  {
    method: Type.Optional(Type.String({ description: 'GET, POST, …; any method when absent' })),
    // A path is a request line's worth at most; picomatch refuses globs over 65,536 characters.
    path: Type.String({
      minLength: 1,
      maxLength: 2048,
      description:
        'Glob over the path after /services/data/vNN.N (`*` stays within a segment, `**` crosses `/`), or over the whole path for others (/services/oauth2/token)',
    }),
    status: Type.Optional(
      Type.Integer({ minimum: 400, maximum: 599, description: 'Without it, the fault only delays' }),
    ),
    errorCode: Type.Optional(
      Type.String({ minLength: 1, description: "Default: the catalogue's for the status" }),
    ),
    message: Type.Optional(
      Type.String({ minLength: 1, description: "Default: the catalogue's for the status" }),
    ),
    times: Type.Optional(
      Type.Integer({ minimum: 1, description: 'Firings before it stops; unlimited when absent' }),
    ),
    probability: Type.Optional(
      Type.Number({ minimum: 0, maximum: 1, description: 'Chance of firing; default 1' }),
    ),
    delayMs: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 600000, description: 'Delay before answering' }),
    ),
    username: Type.Optional(
      Type.String({ minLength: 1, description: "Only this user's requests (after authentication)" }),
    ),
  },
  { additionalProperties: false },
);
const Fault = Type.Object({
  id: Type.String(),
  method: Type.Union([Type.String(), Type.Null()]),
  path: Type.String(),
  status: Type.Union([Type.Integer(), Type.Null()]),
  errorCode: Type.Union([Type.String(), Type.Null()]),
  message: Type.Union([Type.String(), Type.Null()], { description: "null: the catalogue's message" }),
  times: Type.Union([Type.Integer(), Type.Null()]),
  probability: Type.Number(),
  delayMs: Type.Integer(),
  username: Type.Union([Type.String(), Type.Null()]),
  fired: Type.Integer({ description: 'How many times it has fired' }),
});
const FaultParams = Type.Object({ id: Type.String() });

/** The journal's filters (journal-filter.ts); the request stream takes them too. */
export const JournalFilters = {
  status: Type.Optional(
    Type.String({ pattern: STATUS_FILTER_PATTERN, description: 'A status class (4xx) or one status (404)' }),
  ),
  path: Type.Optional(Type.String({ minLength: 1, description: 'Part of the path' })),
  username: Type.Optional(Type.String({ minLength: 1 })),
  errorCode: Type.Optional(Type.String({ minLength: 1 })),
};
const RequestsQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'Default 100' })),
    ...JournalFilters,
  },
  { additionalProperties: false },
);
export const JournalRow = Type.Object({
  id: Type.Integer({ description: "The entry's number in this process's journal" }),
  time: Type.String({ format: 'date-time' }),
  method: Type.String(),
  path: Type.String(),
  status: Type.Integer(),
  errorCode: Type.Union([Type.String(), Type.Null()]),
  username: Type.Union([Type.String(), Type.Null()]),
  clientId: Type.Union([Type.String(), Type.Null()]),
  durationMs: Type.Number(),
  retryOf: Type.Union([Type.Integer(), Type.Null()], {
    description:
      'The id of the identical request (same session, method, path and query, body) of the minute before, if any',
  }),
});
const NoContent = Type.Null({ description: 'No content' });

/**
 * Quotas, maintenance, faults and the request journal (SPEC §9), registered inside the control
 * plane's guarded scope (routes/control.ts).
 */
export function registerControlOpsRoutes(app: FastifyInstance, services: Services): void {
  const { control } = services;
  const json = (reply: FastifyReply, status: number, body: unknown) =>
    reply.code(status).header('content-type', JSON_CONTENT_TYPE).send(JSON.stringify(body));

  app.get(
    '/_chatterbox/limits',
    { schema: { summary: 'Quota settings', tags, response: { 200: Limits } } },
    async (_request, reply) => json(reply, 200, control.limits),
  );
  app.put(
    '/_chatterbox/limits',
    {
      schema: {
        summary: 'Change quota settings (merges the fields given)',
        tags,
        body: LimitsPatch,
        response: { 200: Limits },
      },
    },
    async (request, reply) => {
      await control.setLimits(request.body as Static<typeof LimitsPatch>);
      return json(reply, 200, control.limits);
    },
  );
  app.delete(
    '/_chatterbox/limits/usage',
    { schema: { summary: 'Clear the quota counters', tags, response: { 204: NoContent } } },
    async (_request, reply) => {
      await services.usage.clear();
      return reply.code(204).send();
    },
  );

  app.get(
    '/_chatterbox/maintenance',
    { schema: { summary: 'Maintenance mode', tags, response: { 200: Maintenance } } },
    async (_request, reply) => json(reply, 200, control.maintenance),
  );
  app.put(
    '/_chatterbox/maintenance',
    {
      schema: {
        summary: 'Turn maintenance mode on or off (every /services path answers 503)',
        tags,
        body: MaintenanceInput,
        response: { 200: Maintenance },
      },
    },
    async (request, reply) => {
      const body = request.body as Static<typeof MaintenanceInput>;
      await control.setMaintenance({
        enabled: body.enabled,
        retryAfterSeconds: body.retryAfterSeconds ?? 300,
      });
      return json(reply, 200, control.maintenance);
    },
  );

  app.post(
    '/_chatterbox/faults',
    {
      schema: {
        summary: 'Inject a failure and/or a delay on matching requests',
        tags,
        body: FaultInputSchema,
        response: { 201: Fault },
      },
    },
    async (request, reply) => json(reply, 201, await control.addFault(request.body as FaultInput)),
  );
  app.get(
    '/_chatterbox/faults',
    {
      schema: {
        summary: 'Injected faults',
        tags,
        response: { 200: Type.Object({ faults: Type.Array(Fault) }) },
      },
    },
    async (_request, reply) => json(reply, 200, { faults: await control.faults.listCurrent() }),
  );
  app.delete<{ Params: Static<typeof FaultParams> }>(
    '/_chatterbox/faults/:id',
    { schema: { summary: 'Remove a fault', tags, params: FaultParams, response: { 204: NoContent } } },
    async (request, reply) => {
      if (!(await control.removeFault(request.params.id))) throw notFound();
      return reply.code(204).send();
    },
  );
  app.delete(
    '/_chatterbox/faults',
    { schema: { summary: 'Remove every fault', tags, response: { 204: NoContent } } },
    async (_request, reply) => {
      await control.clearFaults();
      return reply.code(204).send();
    },
  );

  app.get(
    '/_chatterbox/requests',
    {
      schema: {
        summary: 'The most recent API requests, newest first',
        tags,
        querystring: RequestsQuery,
        response: { 200: Type.Object({ requests: Type.Array(JournalRow) }) },
      },
    },
    async (request, reply) => {
      const query = request.query as Static<typeof RequestsQuery>;
      const entries = control.journal.list(query.limit ?? 100, journalFilter(query));
      return json(reply, 200, { requests: await presentJournal(services, entries) });
    },
  );
}

/** Journal rows on the wire; sessions' apps become client IDs (one lookup per distinct app). */
export async function presentJournal(services: Services, entries: JournalEntry[]) {
  const appIds = [...new Set(entries.flatMap((e) => (e.appId && !e.clientId ? [e.appId] : [])))];
  const apps = await Promise.all(appIds.map((id) => services.store.orgs.findApp(id)));
  const clientIds = new Map(apps.flatMap((app) => (app ? [[app.id, app.clientId] as const] : [])));
  return entries.map((e) => ({
    id: e.id,
    time: isoDate(e.time),
    method: e.method,
    path: e.path,
    status: e.status,
    errorCode: e.errorCode,
    username: e.username,
    clientId: e.clientId ?? (e.appId ? (clientIds.get(e.appId) ?? null) : null),
    durationMs: e.durationMs,
    retryOf: e.retryOf,
  }));
}
