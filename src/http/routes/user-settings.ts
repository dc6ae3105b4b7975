import { Type } from 'typebox';
import { defineRoute } from '../api-route.js';
import { GroupParams, UserParams } from '../params.js';

const FREQUENCIES = ['EachPost', 'DailyDigest', 'WeeklyDigest', 'Never'] as const;
const SettingsInput = Type.Object(
  { defaultGroupEmailFrequency: Type.Enum([...FREQUENCIES]) },
  { additionalProperties: false },
);
const GroupSettingsInput = Type.Object(
  { emailFrequency: Type.Enum([...FREQUENCIES, 'UseDefault']) },
  { additionalProperties: false },
);

/** User Chatter Settings and Group Chatter Settings (SPEC §12.6, F2 §8). */
export const userSettingsRoutes = [
  defineRoute({
    method: 'GET',
    path: '/chatter/users/:userId/settings',
    summary: 'User Chatter Settings',
    xmlRoot: 'userChatterSettings',
    schema: { params: UserParams },
    handler: async ({ services, viewer, params }) => ({
      body: { defaultGroupEmailFrequency: await services.userSettings.get(viewer, params.userId) },
    }),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/chatter/users/:userId/settings',
    summary: 'User Chatter Settings: change the default group email frequency',
    xmlRoot: 'userChatterSettings',
    schema: { params: UserParams, body: SettingsInput },
    handler: async ({ services, viewer, params, body }) => ({
      body: {
        defaultGroupEmailFrequency: await services.userSettings.set(
          viewer,
          params.userId,
          body.defaultGroupEmailFrequency,
        ),
      },
    }),
  }),
  defineRoute({
    method: 'GET',
    path: '/chatter/groups/:groupId/my-settings',
    summary: 'Group Chatter Settings of the context user',
    xmlRoot: 'groupChatterSettings',
    schema: { params: GroupParams },
    handler: async ({ services, viewer, scope, params }) => ({
      body: { emailFrequency: await services.groupSettings.get(viewer, scope, params.groupId) },
    }),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/chatter/groups/:groupId/my-settings',
    summary: "Group Chatter Settings: change the context user's email frequency for the group",
    xmlRoot: 'groupChatterSettings',
    schema: { params: GroupParams, body: GroupSettingsInput },
    handler: async ({ services, viewer, scope, params, body }) => ({
      body: {
        emailFrequency: await services.groupSettings.set(viewer, scope, params.groupId, body.emailFrequency),
      },
    }),
  }),
];
