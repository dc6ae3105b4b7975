import { Type } from 'typebox';
import { type BatchInput, parseBatch } from '../../batch/batch-request.js';
import { batchJson, batchValue, runBatch } from '../../batch/run-batch.js';
import { defineRoute } from '../api-route.js';

const BatchBody = Type.Object(
  {
    batchRequests: Type.Array(
      Type.Object(
        {
          method: Type.String({
            description: 'GET, POST, PATCH, PUT, DELETE or HEAD, any case; HttpGet etc.',
          }),
          url: Type.String({ description: '/services/data/vNN.N/…, /vNN.N/… or vNN.N/…' }),
          richInput: Type.Optional(Type.Unknown({ description: 'The body; "" or absent: none' })),
        },
        { additionalProperties: false },
      ),
      { description: '1 to 25 subrequests' },
    ),
    haltOnError: Type.Optional(
      Type.Unknown({ description: 'true, false, "true" or "false"; default false' }),
    ),
  },
  { additionalProperties: false },
);

const batchRoute = (path: string, summary: string) =>
  defineRoute({
    method: 'POST',
    path,
    summary,
    communities: false,
    xmlRoot: 'batchResults',
    schema: { body: BatchBody },
    handler: async ({ request, body, services }) => {
      const batch = parseBatch(body as BatchInput, request.api?.version as string);
      // In compact JSON the body is written from the subrequests' texts; XML and pretty JSON
      // render the values.
      const asText = request.api?.format === 'json' && !request.api.pretty;
      const queries = services.store.queries;
      const outcome = await runBatch(request.server, request, batch, { queries, values: !asText });
      return asText ? { json: batchJson(outcome) } : { body: batchValue(outcome) };
    },
  });

/** The generic batch resource (SPEC §8), at its Connect and composite addresses. */
export const batchRoutes = [
  batchRoute('/connect/batch', 'Batch: run up to 25 subrequests'),
  batchRoute('/composite/batch', 'Composite batch: run up to 25 subrequests'),
];
