import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import { findUserAndApp } from '../../control/user-app.js';
import type { Services } from '../../services.js';
import { JSON_CONTENT_TYPE } from '../negotiation.js';

const UsageQuery = Type.Object(
  {
    username: Type.String({ minLength: 1 }),
    clientId: Type.Optional(Type.String({ minLength: 1, description: "Default: the org's first app" })),
  },
  { additionalProperties: false },
);
const Gauge = Type.Object({ used: Type.Integer(), limit: Type.Integer() });
const Usage = Type.Object({
  username: Type.String(),
  clientId: Type.String(),
  orgId: Type.String(),
  hourly: Type.Intersect([Gauge], { description: "This user × app's Chatter requests in this clock hour" }),
  daily: Type.Intersect([Gauge], { description: "The org's API requests in the last 24 hours" }),
});

/**
 * `GET /_chatterbox/limits/usage?username=`: the quota counters as they stand (SPEC §7), for the
 * console's gauges: the user × app hourly count and the org's daily count, with their limits.
 */
export function registerControlUsageRoutes(app: FastifyInstance, services: Services): void {
  app.get(
    '/_chatterbox/limits/usage',
    {
      schema: {
        summary: "A user's hourly and their org's daily quota usage",
        tags: ['control'],
        querystring: UsageQuery,
        response: { 200: Usage },
      },
    },
    async (request, reply) => {
      const query = request.query as Static<typeof UsageQuery>;
      const { user, clientApp } = await findUserAndApp(services.store, query.username, query.clientId);
      const now = services.clock.now();
      const { limits } = services.control;
      const [hourly, daily] = await Promise.all([
        services.usage.hourlyUsed(user.id, clientApp.id, now),
        services.usage.dailyUsed(user.orgId, now),
      ]);
      const body = {
        username: user.username,
        clientId: clientApp.clientId,
        orgId: user.orgId,
        hourly: { used: hourly, limit: limits.hourly },
        daily: { used: daily, limit: limits.daily },
      };
      return reply.code(200).header('content-type', JSON_CONTENT_TYPE).send(JSON.stringify(body));
    },
  );
}
