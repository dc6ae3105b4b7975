import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import { exportSnapshot, importSnapshot, snapshotOrgId } from '../../control/snapshot.js';
import type { Services } from '../../services.js';
import { JSON_CONTENT_TYPE } from '../negotiation.js';

const SnapshotQuery = Type.Object(
  { orgId: Type.Optional(Type.String({ description: 'Default: the first org' })) },
  { additionalProperties: false },
);
/** A snapshot of a large org is far beyond --max-body-bytes; this bounds what one import may hold. */
export const SNAPSHOT_BODY_LIMIT = 1024 * 1024 * 1024;

/**
 * `GET /_chatterbox/snapshot[?orgId=]` exports an org, `POST /_chatterbox/snapshot` imports one,
 * replacing the org of the same ID (decision 0030).
 */
export function registerControlSnapshotRoutes(app: FastifyInstance, services: Services): void {
  const tags = ['control'];
  app.get(
    '/_chatterbox/snapshot',
    { schema: { summary: "Export an org's data", tags, querystring: SnapshotQuery } },
    async (request, reply) => {
      const { orgId } = request.query as Static<typeof SnapshotQuery>;
      const id = await snapshotOrgId(services.store, orgId);
      const snapshot = await exportSnapshot(services.store, services.appSecrets, id);
      return reply.code(200).header('content-type', JSON_CONTENT_TYPE).send(JSON.stringify(snapshot));
    },
  );
  app.post(
    '/_chatterbox/snapshot',
    { bodyLimit: SNAPSHOT_BODY_LIMIT, schema: { summary: "Import an org's data (replaces it)", tags } },
    async (request, reply) => {
      const result = await importSnapshot(services.store, services.appSecrets, request.body);
      // Cached sessions may name users the import replaced.
      services.sessions.clear();
      return reply.code(200).header('content-type', JSON_CONTENT_TYPE).send(JSON.stringify(result));
    },
  );
}
