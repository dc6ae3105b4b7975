import { Type } from 'typebox';
import { readSObject, sObjectType } from '../../domain/sobjects.js';
import { apiError } from '../../errors/api-error.js';
import { defineRoute } from '../api-route.js';
import { presentSObject } from '../presenters/sobject.js';

const RecordQuery = Type.Object({ fields: Type.Optional(Type.String()) });

/** sObject REST (SPEC §12.1): read-only `User` records so far; unknown types are 404 NOT_FOUND. */
export const sObjectRoutes = [
  defineRoute({
    method: 'GET',
    path: '/sobjects/:sObjectType/:sObjectId',
    summary: 'sObject record: read (User)',
    communities: false,
    xmlRoot: 'record',
    schema: { querystring: RecordQuery },
    handler: async ({ services, viewer, ctx, params, query }) => {
      const type = sObjectType(params.sObjectType as string);
      if (!type) throw apiError('NOT_FOUND');
      const record = await readSObject(
        services.store,
        viewer,
        type,
        params.sObjectId as string,
        query.fields,
      );
      return { body: presentSObject(ctx, record) };
    },
  }),
];
