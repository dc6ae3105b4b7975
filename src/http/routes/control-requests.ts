import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Static, Type } from 'typebox';
import { EXCHANGE_BYTES_PER_ENTRY, type JournalEntry, type JournalListener } from '../../control/journal.js';
import { journalFilter } from '../../control/journal-filter.js';
import { notFound } from '../../errors/api-error.js';
import type { Services } from '../../services.js';
import { JSON_CONTENT_TYPE } from '../negotiation.js';
import { JournalFilters, JournalRow, presentJournal } from './control-ops.js';

const tags = ['control'];

/** A stream's batches go out this often: one write per interval, however busy the API is. */
const STREAM_INTERVAL_MS = 100;
/** A stream that cannot keep up keeps only this many of the newest entries between two batches. */
const STREAM_BACKLOG = 1000;
/** A comment line this often keeps proxies from closing a quiet stream. */
const KEEPALIVE_MS = 15_000;
const STREAM_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
};

const Message = Type.Object({
  headers: Type.Record(Type.String(), Type.String()),
  body: Type.Union([Type.String(), Type.Null()], {
    description: 'At most 4096 characters, secrets redacted',
  }),
  bodyBytes: Type.Integer(),
  truncated: Type.Boolean(),
});
const RequestDetail = Type.Intersect([
  JournalRow,
  Type.Object({ request: Type.Union([Message, Type.Null()]), response: Type.Union([Message, Type.Null()]) }),
]);
const RequestParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const StreamQuery = Type.Object(
  {
    limit: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'Entries sent first; default 100' }),
    ),
    ...JournalFilters,
  },
  { additionalProperties: false },
);
const NoContent = Type.Null({ description: 'No content' });

/**
 * The journal's entries one by one, emptying it, and its live stream (SPEC §9, the console),
 * registered inside the control plane's guarded scope (routes/control.ts).
 */
export function registerControlRequestRoutes(app: FastifyInstance, services: Services): void {
  const { journal } = services.control;
  const streams = new Set<() => void>();

  app.get<{ Params: Static<typeof RequestParams> }>(
    '/_chatterbox/requests/:id',
    {
      schema: {
        summary: 'One journal entry with its request and response (bounded, secrets redacted)',
        description:
          '`request` and `response` are null once newer exchanges have taken their room: the journal ' +
          `keeps ${EXCHANGE_BYTES_PER_ENTRY / 1024} KiB of them for each entry it holds.`,
        tags,
        params: RequestParams,
        response: { 200: RequestDetail },
      },
    },
    async (request, reply) => {
      const entry = journal.find(request.params.id);
      if (!entry) throw notFound();
      const [row] = await presentJournal(services, [entry]);
      const exchange = journal.exchange(entry);
      const body = { ...row, request: exchange?.request ?? null, response: exchange?.response ?? null };
      return reply.code(200).header('content-type', JSON_CONTENT_TYPE).send(JSON.stringify(body));
    },
  );

  app.delete(
    '/_chatterbox/requests',
    { schema: { summary: "Empty this server's journal", tags, response: { 204: NoContent } } },
    async (_request, reply) => {
      journal.clear();
      return reply.code(204).send();
    },
  );

  app.get(
    '/_chatterbox/requests/stream',
    {
      schema: {
        summary: 'Server-sent events: the latest entries, then each new one as it is recorded',
        description:
          '`event: requests` carries a JSON array of journal rows, newest first (the first one the ' +
          'latest `limit` entries); `event: cleared` says the journal was emptied.',
        tags,
        querystring: StreamQuery,
      },
    },
    async (request, reply) => {
      // A HEAD has no body to stream: its headers, then the end, or the connection stays held.
      if (request.method === 'HEAD') return reply.code(200).headers(STREAM_HEADERS).send();
      const query = request.query as Static<typeof StreamQuery>;
      const stop = streamJournal(services, request, reply, query);
      streams.add(stop);
      request.raw.once('close', () => {
        streams.delete(stop);
        stop();
      });
    },
  );

  // Open streams would keep the server from closing.
  app.addHook('preClose', (done) => {
    for (const stop of streams) stop();
    streams.clear();
    done();
  });
}

function streamJournal(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
  query: Static<typeof StreamQuery>,
): () => void {
  const { journal } = services.control;
  const matches = journalFilter(query);
  const raw = reply.raw;
  reply.hijack();
  raw.writeHead(200, { ...STREAM_HEADERS, connection: 'keep-alive' });
  raw.write('retry: 2000\n\n');

  // Newest last, as recorded; sent newest first.
  let backlog: JournalEntry[] = journal.list(query.limit ?? 100, matches).reverse();
  let cleared = false;
  // The first batch goes out even when empty: it tells the client the stream is up.
  let first = true;
  let flushing = false;
  let closed = false;
  const listener: JournalListener = {
    recorded(entry) {
      if (matches && !matches(entry)) return;
      backlog.push(entry);
      if (backlog.length > STREAM_BACKLOG * 2) backlog = backlog.slice(-STREAM_BACKLOG);
    },
    cleared() {
      backlog = [];
      cleared = true;
    },
  };
  const unsubscribe = journal.subscribe(listener);

  const flush = async () => {
    if (flushing || closed || raw.writableNeedDrain) return;
    flushing = true;
    try {
      if (cleared) {
        cleared = false;
        raw.write('event: cleared\ndata: {}\n\n');
      }
      if (backlog.length > 0 || first) {
        first = false;
        const batch = backlog.slice(-STREAM_BACKLOG).reverse();
        backlog = [];
        const rows = await presentJournal(services, batch);
        if (!closed) raw.write(`event: requests\ndata: ${JSON.stringify(rows)}\n\n`);
      }
    } catch (error) {
      request.log.warn({ err: error }, 'request stream: a batch could not be sent');
    } finally {
      flushing = false;
    }
  };
  void flush();
  const timer = setInterval(() => void flush(), STREAM_INTERVAL_MS);
  const keepalive = setInterval(() => {
    if (!closed) raw.write(': keep-alive\n\n');
  }, KEEPALIVE_MS);
  timer.unref();
  keepalive.unref();

  return () => {
    if (closed) return;
    closed = true;
    clearInterval(timer);
    clearInterval(keepalive);
    unsubscribe();
    raw.end();
  };
}
