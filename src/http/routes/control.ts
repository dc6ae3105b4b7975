import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Static, Type } from 'typebox';
import { Provisioning } from '../../control/provisioning.js';
import { findUserAndApp } from '../../control/user-app.js';
import { invalidInput, notFound } from '../../errors/api-error.js';
import { parseId, to18 } from '../../ids/salesforce-id.js';
import { isoDate } from '../../lib/clock.js';
import type { Services } from '../../services.js';
import { CHATTERBOX_VERSION } from '../../version.js';
import { checkAdminToken } from '../admin-token.js';
import { instanceUrl } from '../instance-url.js';
import { JSON_CONTENT_TYPE } from '../negotiation.js';
import { registerControlOpsRoutes } from './control-ops.js';
import { registerControlRecordRoutes } from './control-records.js';
import { registerControlRequestRoutes } from './control-requests.js';
import { registerControlSnapshotRoutes } from './control-snapshot.js';
import { registerControlUsageRoutes } from './control-usage.js';

const OrgInput = Type.Object({ name: Type.String({ minLength: 1 }) }, { additionalProperties: false });
const UserInput = Type.Object(
  {
    orgId: Type.Optional(Type.String()),
    username: Type.String({ minLength: 3, pattern: '^[^@\\s]+@[^@\\s]+$' }),
    password: Type.String({ minLength: 1 }),
    firstName: Type.String(),
    lastName: Type.String({ minLength: 1 }),
    type: Type.Union([Type.Literal('standard'), Type.Literal('admin'), Type.Literal('external')]),
    communities: Type.Optional(Type.Array(Type.String())),
    isActive: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const AppInput = Type.Object(
  {
    orgId: Type.Optional(Type.String()),
    name: Type.String({ minLength: 1 }),
    clientId: Type.Optional(Type.String({ minLength: 1 })),
    clientSecret: Type.Optional(Type.String({ minLength: 1 })),
    runAsUsername: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
const TokenInput = Type.Object(
  { username: Type.String(), clientId: Type.Optional(Type.String()) },
  { additionalProperties: false },
);
const ClockInput = Type.Object(
  { advanceSeconds: Type.Optional(Type.Number()), now: Type.Optional(Type.String({ format: 'date-time' })) },
  { additionalProperties: false },
);
const LATEST_CLOCK = Date.parse('9999-12-31T23:59:59.999Z');
/** A user by ID or username. */
const UserParams = Type.Object({ userId: Type.String() });
const UserPatch = Type.Object({ isActive: Type.Boolean() }, { additionalProperties: false });

/**
 * The control plane (SPEC §9), for test suites and operators, guarded by the admin token. Other
 * control resources (limits, maintenance, faults, journal) register beside these.
 */
export function registerControlRoutes(
  app: FastifyInstance,
  services: Services,
  reset: () => Promise<void>,
): void {
  const json = (reply: FastifyReply, status: number, body: unknown) =>
    reply.code(status).header('content-type', JSON_CONTENT_TYPE).send(JSON.stringify(body));
  const provisioning = () => new Provisioning(services.store, services.clock);

  const guard = async (request: FastifyRequest) =>
    checkAdminToken(request.headers.authorization, services.config.adminToken);
  const tags = ['control'];

  // Each dependency is checked on every call, behind its breaker: 503 names the one that failed.
  app.get('/_chatterbox/health', { schema: { summary: 'Health', tags } }, async (_request, reply) => {
    const { ok, dependencies } = await services.dependencies.report();
    return json(reply, ok ? 200 : 503, {
      status: ok ? 'ok' : 'unavailable',
      version: CHATTERBOX_VERSION,
      store: services.store.kind,
      dependencies,
    });
  });

  app.register(async (guarded) => {
    guarded.addHook('onRequest', guard);

    guarded.post(
      '/_chatterbox/reset',
      { schema: { summary: 'Back to the start state', tags } },
      async (_request, reply) => {
        await reset();
        return json(reply, 200, { status: 'ok' });
      },
    );

    const clockBody = () => ({ now: isoDate(services.clock.now()), offsetMs: services.clock.offsetMs });
    guarded.get('/_chatterbox/clock', { schema: { summary: 'Server clock', tags } }, async (_r, reply) =>
      json(reply, 200, clockBody()),
    );
    guarded.post(
      '/_chatterbox/clock',
      { schema: { summary: 'Move the server clock', tags, body: ClockInput } },
      async (request, reply) => {
        const body = request.body as { advanceSeconds?: number; now?: string };
        if ((body.advanceSeconds === undefined) === (body.now === undefined)) {
          throw invalidInput('Specify exactly one of advanceSeconds and now.');
        }
        const target =
          body.now !== undefined ? Date.parse(body.now) : services.clock.now() + body.advanceSeconds! * 1000;
        // Every date the API answers must stay an ISO-8601 date: a clock past year 9999 (or beyond
        // what Date can hold) would make every later response a 500.
        if (!(target >= 0 && target <= LATEST_CLOCK)) {
          const field =
            body.now !== undefined ? `now: ${body.now}` : `advanceSeconds: ${body.advanceSeconds}`;
          throw invalidInput(`Invalid ${field}. The clock must stay between 1970 and 9999.`);
        }
        if (body.now !== undefined) services.clock.setNow(target);
        else services.clock.advance(body.advanceSeconds! * 1000);
        // Servers sharing settings through Redis move their clocks too (decision 0017).
        await services.control.changed('clock');
        return json(reply, 200, clockBody());
      },
    );

    guarded.post(
      '/_chatterbox/orgs',
      { schema: { summary: 'Create an org', tags, body: OrgInput } },
      async (request, reply) => {
        const org = await provisioning().createOrg((request.body as { name: string }).name);
        return json(reply, 201, { id: org.id, name: org.name });
      },
    );

    guarded.get(
      '/_chatterbox/orgs',
      { schema: { summary: 'List the orgs, oldest first', tags } },
      async (_request, reply) => {
        const orgs = await services.store.orgs.listOrgs();
        return json(reply, 200, {
          orgs: orgs.map((org) => ({ id: org.id, name: org.name, createdAt: isoDate(org.createdAt) })),
        });
      },
    );

    guarded.post(
      '/_chatterbox/users',
      { schema: { summary: 'Create a user', tags, body: UserInput } },
      async (request, reply) => {
        const user = await provisioning().createUser(request.body as never);
        return json(reply, 201, { id: user.id, orgId: user.orgId, username: user.username, type: user.type });
      },
    );

    guarded.patch<{ Params: Static<typeof UserParams> }>(
      '/_chatterbox/users/:userId',
      { schema: { summary: 'Activate or deactivate a user', tags, params: UserParams, body: UserPatch } },
      async (request, reply) => {
        const { userId } = request.params;
        const id = parseId(userId);
        const target = id
          ? await services.store.users.findAnyOrg(to18(id))
          : await services.store.users.findByUsername(userId);
        if (!target) throw notFound();
        await services.store.users.setActive(
          target.id,
          (request.body as { isActive: boolean }).isActive,
          services.clock.now(),
        );
        services.sessions.forgetUser(target.id);
        const user = await services.store.users.find(target.orgId, target.id);
        return json(reply, 200, {
          id: target.id,
          orgId: target.orgId,
          username: target.username,
          type: target.type,
          isActive: user?.isActive,
        });
      },
    );

    guarded.post(
      '/_chatterbox/apps',
      { schema: { summary: 'Create a connected app', tags, body: AppInput } },
      async (request, reply) => {
        const created = await provisioning().createApp(request.body as never, services.appSecrets);
        return json(reply, 201, {
          id: created.id,
          orgId: created.orgId,
          name: created.name,
          clientId: created.clientId,
          clientSecret: created.clientSecret,
        });
      },
    );

    guarded.post(
      '/_chatterbox/tokens',
      { schema: { summary: 'Issue tokens for a user', tags, body: TokenInput } },
      async (request, reply) => {
        const body = request.body as { username: string; clientId?: string };
        const { user, clientApp } = await findUserAndApp(services.store, body.username, body.clientId);
        if (!user.isActive) throw invalidInput(`Invalid username: ${body.username} is inactive.`);
        return json(
          reply,
          201,
          await services.oauth.issueWithRefresh(user, clientApp, instanceUrl(request, services.config)),
        );
      },
    );

    registerControlOpsRoutes(guarded, services);
    registerControlRequestRoutes(guarded, services);
    registerControlUsageRoutes(guarded, services);
    registerControlSnapshotRoutes(guarded, services);
    registerControlRecordRoutes(guarded, services);

    guarded.get('/_chatterbox/openapi.json', { schema: { hide: true } }, async (_request, reply) =>
      json(reply, 200, (app as unknown as { swagger: () => unknown }).swagger()),
    );
  });
}
