import { identityUrl } from '../../auth/oauth.js';
import { defineRoute } from '../api-route.js';
import { instanceUrl } from '../instance-url.js';
import {
  presentChatterDirectory,
  presentConnectDirectory,
  presentResourceDirectory,
} from '../presenters/directory.js';

export const directoryRoutes = [
  defineRoute({
    method: 'GET',
    path: '',
    summary: 'Resources by version',
    communities: false,
    externalOnInternal: true,
    xmlRoot: 'urls',
    handler: async ({ request, services, viewer, ctx }) => ({
      body: presentResourceDirectory(ctx, identityUrl(instanceUrl(request, services.config), viewer.user)),
    }),
  }),
  defineRoute({
    method: 'GET',
    path: '/chatter',
    summary: 'Chatter directory',
    guests: true,
    xmlRoot: 'chatterDirectory',
    handler: async ({ ctx }) => ({ body: presentChatterDirectory(ctx) }),
  }),
  defineRoute({
    method: 'GET',
    path: '/connect',
    summary: 'Connect directory',
    communities: false,
    externalOnInternal: true,
    xmlRoot: 'connectDirectory',
    handler: async ({ ctx }) => ({ body: presentConnectDirectory(ctx) }),
  }),
];
