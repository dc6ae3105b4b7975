import type { FastifyInstance, FastifyReply } from 'fastify';
import { type Static, Type } from 'typebox';
import { Provisioning } from '../../control/provisioning.js';
import { declareCustomObject } from '../../domain/custom-objects.js';
import { findObject, orgObjects, presentable, recordValues } from '../../domain/sobjects.js';
import { invalidInput } from '../../errors/api-error.js';
import type { Services } from '../../services.js';
import { instanceUrl } from '../instance-url.js';
import { JSON_CONTENT_TYPE } from '../negotiation.js';
import { presentDescribe, presentSObject } from '../presenters/sobject.js';
import { MAX_VERSION } from '../versions.js';

const FieldInput = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    type: Type.String({ minLength: 1 }),
    label: Type.Optional(Type.String({ minLength: 1 })),
    required: Type.Optional(Type.Boolean()),
    length: Type.Optional(Type.Integer()),
    referenceTo: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);
const ObjectInput = Type.Object(
  {
    orgId: Type.Optional(Type.String()),
    name: Type.String({ minLength: 1 }),
    label: Type.Optional(Type.String({ minLength: 1 })),
    labelPlural: Type.Optional(Type.String({ minLength: 1 })),
    fields: Type.Optional(Type.Array(FieldInput)),
  },
  { additionalProperties: false },
);
const ObjectsQuery = Type.Object({ orgId: Type.Optional(Type.String()) }, { additionalProperties: false });
const RecordInput = Type.Object(
  {
    orgId: Type.Optional(Type.String()),
    type: Type.String({ minLength: 1 }),
    fields: Type.Record(Type.String(), Type.Unknown()),
    ownerUsername: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);

/** The API root the control plane's sObject bodies use: the newest version served. */
const BASE = `/services/data/v${MAX_VERSION}.0`;

/**
 * Objects and records for seeding without a session (SPEC §12.7, §12.8): `POST|GET
 * /_chatterbox/objects` (custom objects; 201 and the list answer describes), `POST
 * /_chatterbox/records` (201 the record as `GET sobjects/{Type}/{id}` gives it). A record is
 * checked exactly as sObject REST checks it (same errors), written by its owner (default: the
 * org's first active admin).
 */
export function registerControlRecordRoutes(app: FastifyInstance, services: Services): void {
  const tags = ['control'];
  const json = (reply: FastifyReply, status: number, body: unknown) =>
    reply.code(status).header('content-type', JSON_CONTENT_TYPE).send(JSON.stringify(body));
  const orgFor = (orgId: string | undefined) =>
    new Provisioning(services.store, services.clock).orgFor(orgId);

  app.post(
    '/_chatterbox/objects',
    { schema: { summary: 'Declare a custom object', tags, body: ObjectInput } },
    async (request, reply) => {
      const body = request.body as Static<typeof ObjectInput>;
      const orgId = await orgFor(body.orgId);
      const object = await declareCustomObject(services.store, services.clock, orgId, body);
      return json(reply, 201, presentDescribe(BASE, object, instanceUrl(request, services.config)));
    },
  );

  app.get(
    '/_chatterbox/objects',
    { schema: { summary: "An org's custom objects", tags, querystring: ObjectsQuery } },
    async (request, reply) => {
      const orgId = await orgFor((request.query as Static<typeof ObjectsQuery>).orgId);
      const objects = (await orgObjects(services.store, orgId)).filter((o) => o.custom);
      const origin = instanceUrl(request, services.config);
      return json(reply, 200, { objects: objects.map((o) => presentDescribe(BASE, o, origin)) });
    },
  );

  app.post(
    '/_chatterbox/records',
    { schema: { summary: 'Create a record', tags, body: RecordInput } },
    async (request, reply) => {
      const body = request.body as Static<typeof RecordInput>;
      const orgId = await orgFor(body.orgId);
      const owner = await recordOwner(services, orgId, body.ownerUsername);
      const object = await findObject(services.store, orgId, body.type).catch(() => {
        throw invalidInput(`Invalid type: ${body.type} is not an object of the org.`);
      });
      if (!object.writable) throw invalidInput(`Invalid type: ${object.name} records are read-only.`);
      const actor = { orgId, userId: owner };
      const id = await services.sobjects.create(actor, object, body.fields);
      const row = await services.store.records.find(orgId, id);
      if (!row) throw new Error(`record ${id} vanished after its create`);
      return json(reply, 201, presentSObject(BASE, presentable(object, id, recordValues(row))));
    },
  );
}

async function recordOwner(services: Services, orgId: string, username: string | undefined): Promise<string> {
  if (username !== undefined) {
    const user = await services.store.users.findByUsername(username);
    if (!user || user.orgId !== orgId || !user.isActive || user.type === 'guest') {
      throw invalidInput(`Invalid ownerUsername: ${username} is not an active user of the org.`);
    }
    return user.id;
  }
  const admin = await services.store.users.firstActiveAdmin(orgId);
  if (!admin)
    throw invalidInput('Invalid ownerUsername: the org has no active admin to own the record; name one.');
  return admin.id;
}
