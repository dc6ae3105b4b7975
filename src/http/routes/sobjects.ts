import { Type } from 'typebox';
import { readSObject, sObjectType } from '../../domain/sobjects.js';
import { apiError } from '../../errors/api-error.js';
import { defineRoute } from '../api-route.js';
import { PathText } from '../params.js';
import { presentSObject } from '../presenters/sobject.js';

const RecordQuery = Type.Object({ fields: Type.Optional(Type.String()) });
/**
 * The type and ID are checked by the resource, not by a `recordId` schema: sObject REST answers a
 * malformed ID with 404 (the external-ID message), not with 400 INVALID_ID_FIELD (SPEC §12.1).
 */
const RecordParams = Type.Object({ sObjectType: PathText, sObjectId: PathText });

/** sObject REST (SPEC §12.1): read-only `User` records so far; unknown types are 404 NOT_FOUND. */
export const sObjectRoutes = [
  defineRoute({
    method: 'GET',
    path: '/sobjects/:sObjectType/:sObjectId',
    summary: 'sObject record: read (User)',
    communities: false,
    xmlRoot: 'record',
    schema: { params: RecordParams, querystring: RecordQuery },
    handler: async ({ services, viewer, ctx, params, query }) => {
      const type = sObjectType(params.sObjectType);
      if (!type) throw apiError('NOT_FOUND');
      const record = await readSObject(services.store, viewer, type, params.sObjectId, query.fields);
      return { body: presentSObject(ctx, record) };
    },
  }),
];
