import { insufficientAccess } from '../../errors/api-error.js';
import { defineRoute } from '../api-route.js';
import { presentLimits } from '../presenters/limits.js';

/** GET /limits (SPEC §6): admins only; the org's daily API requests, in numbers. */
export const limitRoutes = [
  defineRoute({
    method: 'GET',
    path: '/limits',
    summary: 'Org limits',
    communities: false,
    xmlRoot: 'limits',
    handler: async ({ services, viewer, request }) => {
      if (viewer.user.type !== 'admin')
        throw insufficientAccess("You don't have permission to view the org's limits.");
      const max = services.control.limits.daily;
      const used =
        request.api?.dailyUsed ?? (await services.usage.dailyUsed(viewer.orgId, services.clock.now()));
      return { body: presentLimits(max, used) };
    },
  }),
];
