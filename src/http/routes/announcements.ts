import { Type } from 'typebox';
import { defineRoute } from '../api-route.js';
import { AnnouncementParams, GroupParams } from '../params.js';
import { presentAnnouncement, presentAnnouncementPage } from '../presenters/announcement.js';
import { integerPaging, PageNumber, PageSize } from './integer-paging.js';

const announcementFields = {
  /** Message Body Input; checked as a post's body. */
  body: Type.Optional(Type.Unknown()),
  expirationDate: Type.Optional(Type.String()),
  feedItemId: Type.Optional(Type.String()),
  sendEmails: Type.Optional(Type.Boolean()),
  isArchived: Type.Optional(Type.Boolean()),
};

/** Announcement Input (F2 §8); `parentId` names the group on `chatter/announcements`. */
const AnnouncementInput = Type.Object(
  { ...announcementFields, parentId: Type.Optional(Type.String()) },
  { additionalProperties: false },
);
const GroupAnnouncementInput = Type.Object(announcementFields, { additionalProperties: false });
const AnnouncementChanges = Type.Object(
  { expirationDate: Type.Optional(Type.String()), isArchived: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
const Paging = { page: PageNumber, pageSize: PageSize(100) };
const AnnouncementQuery = Type.Object({ parentId: Type.String(), ...Paging });

/** Group announcements (SPEC §12.6, §12.8; F2 §8). */
export const announcementRoutes = [
  defineRoute({
    method: 'GET',
    path: '/chatter/announcements',
    summary: "Announcement Page: a group's announcements",
    xmlRoot: 'announcementPage',
    since: 36,
    schema: { querystring: AnnouncementQuery },
    handler: async ({ services, viewer, scope, ctx, query }) => {
      const paging = integerPaging(query);
      const page = await services.announcements.list(viewer, scope, query.parentId, paging);
      const at = { url: `${ctx.base}/chatter/announcements`, params: { parentId: page.groupId } };
      return { body: presentAnnouncementPage(ctx, at, page, paging) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/chatter/announcements',
    summary: 'Announcements: post one to a group',
    xmlRoot: 'announcement',
    since: 36,
    schema: { body: AnnouncementInput },
    handler: async ({ services, viewer, scope, ctx, body }) => {
      const view = await services.announcements.create(viewer, scope, body.parentId, body);
      return { status: 201, body: presentAnnouncement(ctx, view) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/chatter/announcements/:announcementId',
    summary: 'Announcement',
    xmlRoot: 'announcement',
    schema: { params: AnnouncementParams },
    handler: async ({ services, viewer, scope, ctx, params }) => ({
      body: presentAnnouncement(ctx, await services.announcements.get(viewer, scope, params.announcementId)),
    }),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/chatter/announcements/:announcementId',
    summary: 'Announcement: change its expiration date or archive it',
    xmlRoot: 'announcement',
    schema: { params: AnnouncementParams, body: AnnouncementChanges },
    handler: async ({ services, viewer, scope, ctx, params, body }) => ({
      body: presentAnnouncement(
        ctx,
        await services.announcements.update(viewer, scope, params.announcementId, body),
      ),
    }),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/chatter/announcements/:announcementId',
    summary: 'Announcement: delete it',
    schema: { params: AnnouncementParams },
    handler: async ({ services, viewer, scope, params }) => {
      await services.announcements.delete(viewer, scope, params.announcementId);
      return { status: 204 };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/chatter/groups/:groupId/announcements',
    summary: "Announcement Page: a group's announcements",
    xmlRoot: 'announcementPage',
    schema: { params: GroupParams, querystring: Type.Object(Paging) },
    handler: async ({ services, viewer, scope, ctx, params, query }) => {
      const paging = integerPaging(query);
      const page = await services.announcements.list(viewer, scope, params.groupId, paging);
      const at = { url: `${ctx.base}/chatter/groups/${page.groupId}/announcements`, params: {} };
      return { body: presentAnnouncementPage(ctx, at, page, paging) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/chatter/groups/:groupId/announcements',
    summary: 'Announcements: post one to this group',
    xmlRoot: 'announcement',
    schema: { params: GroupParams, body: GroupAnnouncementInput },
    handler: async ({ services, viewer, scope, ctx, params, body }) => {
      const view = await services.announcements.create(viewer, scope, params.groupId, body);
      return { status: 201, body: presentAnnouncement(ctx, view) };
    },
  }),
];
