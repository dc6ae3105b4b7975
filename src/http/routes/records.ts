import { Type } from 'typebox';
import { requireSubjectId, visibleRecord } from '../../domain/record-summaries.js';
import { defineRoute } from '../api-route.js';
import { PathText } from '../params.js';
import { presentGroup } from '../presenters/group.js';
import { presentRecordSummary } from '../presenters/record-summary.js';
import { presentFollowerPage } from '../presenters/subscription.js';
import { presentUserSummary } from '../presenters/user.js';
import { integerPaging, PageNumber, PageSize } from './integer-paging.js';

/** A user, group or record ID: the resource checks which (400 for any other kind of ID). */
const RecordParams = Type.Object({ recordId: PathText });

/** Records on the Chatter side (SPEC §12.1, F2 §1.2): the Record Summary and a record's followers. */
export const recordRoutes = [
  defineRoute({
    method: 'GET',
    path: '/chatter/records/:recordId',
    summary: 'Record Summary (users and groups answer their own summaries)',
    xmlRoot: 'recordSummary',
    schema: { params: RecordParams },
    handler: async ({ services, viewer, scope, ctx, params }) => {
      const subject = await requireSubjectId(services.store, viewer.orgId, params.recordId);
      if (subject.kind === 'user') {
        return { body: presentUserSummary(ctx, await services.users.get(viewer, scope, subject.id)) };
      }
      if (subject.kind === 'group') {
        return { body: presentGroup(ctx, await services.groups.get(viewer, scope, subject.id)) };
      }
      const record = await visibleRecord(services.store, viewer, scope, subject.id);
      return { body: presentRecordSummary(ctx, record) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/chatter/records/:recordId/followers',
    summary: "A record's followers (Follower Page; user and group IDs answer for the user or group)",
    xmlRoot: 'followerPage',
    schema: {
      params: RecordParams,
      querystring: Type.Object({ page: PageNumber, pageSize: PageSize(1000) }),
    },
    handler: async ({ services, viewer, scope, ctx, params, query }) => {
      const paging = integerPaging(query);
      const page = await services.follows.subjectFollowers(viewer, scope, params.recordId, paging);
      return { body: presentFollowerPage(ctx, page, paging, 'records') };
    },
  }),
];
