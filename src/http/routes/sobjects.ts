import { Type } from 'typebox';
import type { ObjectDefinition } from '../../domain/sobject-definitions.js';
import { findObject, orgObjects, readSObject } from '../../domain/sobjects.js';
import { apiError, withHeaders } from '../../errors/api-error.js';
import { defineRoute } from '../api-route.js';
import { instanceUrl } from '../instance-url.js';
import { PathText } from '../params.js';
import {
  presentDescribe,
  presentDescribeGlobal,
  presentObjectInfo,
  presentSaveResult,
  presentSObject,
} from '../presenters/sobject.js';

const RecordQuery = Type.Object({ fields: Type.Optional(Type.String()) });
const TypeParams = Type.Object({ sObjectType: PathText });
/**
 * The type and ID are checked by the resource, not by a `recordId` schema: sObject REST answers a
 * malformed ID with 404 (the external-ID message), not with 400 INVALID_ID_FIELD (SPEC §12.1).
 */
const RecordParams = Type.Object({ sObjectType: PathText, sObjectId: PathText });
/** Any JSON: the object's fields are checked by the domain, which knows them (sobject-records.ts). */
const RecordInput = Type.Unknown();

/**
 * The object a write names: a read-only one (User) answers 405 with the methods it has, as the
 * path did when it served reads only.
 */
async function writableObject(
  store: Parameters<typeof findObject>[0],
  orgId: string,
  name: string,
  method: string,
): Promise<ObjectDefinition> {
  const object = await findObject(store, orgId, name);
  if (!object.writable) {
    const allow = 'GET,HEAD';
    throw withHeaders(apiError('METHOD_NOT_ALLOWED', { method, allow }), { Allow: allow });
  }
  return object;
}

/**
 * sObject REST (SPEC §12.1, F2 §1.6): describeGlobal, describe, and records of User (read-only),
 * the standard objects and the org's custom objects. Unknown types are 404 NOT_FOUND. Served on
 * the internal scope only: external users get the pipeline's 403, guests its 401.
 */
export const sObjectRoutes = [
  defineRoute({
    method: 'GET',
    path: '/sobjects',
    summary: 'sObjects: describeGlobal',
    communities: false,
    xmlRoot: 'DescribeGlobal',
    handler: async ({ services, viewer, ctx }) => {
      const objects = await orgObjects(services.store, viewer.orgId);
      return { body: presentDescribeGlobal(ctx.base, objects) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/sobjects/:sObjectType',
    summary: 'sObject basic information',
    communities: false,
    xmlRoot: 'sObject',
    schema: { params: TypeParams },
    handler: async ({ services, viewer, ctx, params }) => {
      const object = await findObject(services.store, viewer.orgId, params.sObjectType);
      return { body: presentObjectInfo(ctx.base, object) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/sobjects/:sObjectType',
    summary: 'sObject record: create',
    communities: false,
    xmlRoot: 'Result',
    schema: { params: TypeParams, body: RecordInput },
    handler: async ({ services, viewer, params, body }) => {
      const object = await writableObject(services.store, viewer.orgId, params.sObjectType, 'POST');
      const id = await services.sobjects.create(
        { orgId: viewer.orgId, userId: viewer.user.id },
        object,
        body,
      );
      return { status: 201, body: presentSaveResult(id) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/sobjects/:sObjectType/describe',
    summary: 'sObject describe',
    communities: false,
    xmlRoot: 'sObject',
    schema: { params: TypeParams },
    handler: async ({ request, services, viewer, ctx, params }) => {
      const object = await findObject(services.store, viewer.orgId, params.sObjectType);
      return { body: presentDescribe(ctx.base, object, instanceUrl(request, services.config)) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/sobjects/:sObjectType/:sObjectId',
    summary: 'sObject record: read',
    communities: false,
    xmlRoot: 'record',
    schema: { params: RecordParams, querystring: RecordQuery },
    handler: async ({ services, viewer, ctx, params, query }) => {
      const object = await findObject(services.store, viewer.orgId, params.sObjectType);
      const record = await readSObject(services.store, viewer, object, params.sObjectId, query.fields);
      return { body: presentSObject(ctx.base, record) };
    },
  }),
  defineRoute({
    method: 'PATCH',
    path: '/sobjects/:sObjectType/:sObjectId',
    summary: 'sObject record: update',
    communities: false,
    schema: { params: RecordParams, body: RecordInput },
    handler: async ({ services, viewer, params, body }) => {
      const object = await writableObject(services.store, viewer.orgId, params.sObjectType, 'PATCH');
      const actor = { orgId: viewer.orgId, userId: viewer.user.id };
      await services.sobjects.update(actor, object, params.sObjectId, body);
      return { status: 204 };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/sobjects/:sObjectType/:sObjectId',
    summary: 'sObject record: delete',
    communities: false,
    schema: { params: RecordParams },
    handler: async ({ services, viewer, params }) => {
      const object = await writableObject(services.store, viewer.orgId, params.sObjectType, 'DELETE');
      await services.sobjects.delete(
        { orgId: viewer.orgId, userId: viewer.user.id },
        object,
        params.sObjectId,
      );
      return { status: 204 };
    },
  }),
];
