import { Type } from 'typebox';
import { defineRoute } from '../api-route.js';
import { UserParams } from '../params.js';

const SettingsInput = Type.Object(
  { defaultGroupEmailFrequency: Type.Enum(['EachPost', 'DailyDigest', 'WeeklyDigest', 'Never']) },
  { additionalProperties: false },
);

/** User Chatter Settings (SPEC §12.6, F2 §8). */
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
];
