import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Static, Type } from 'typebox';
import { identityUrl } from '../../auth/oauth.js';
import type { Viewer } from '../../auth/viewer.js';
import { apiError, insufficientAccess } from '../../errors/api-error.js';
import { parseId, to18 } from '../../ids/salesforce-id.js';
import type { Services } from '../../services.js';
import { instanceUrl } from '../instance-url.js';
import { JSON_CONTENT_TYPE, sendBody } from '../negotiation.js';
import { photoUrl } from '../presenters/photo.js';

const TokenParams = Type.Object(
  {
    grant_type: Type.Optional(Type.String()),
    client_id: Type.Optional(Type.String()),
    client_secret: Type.Optional(Type.String()),
    username: Type.Optional(Type.String()),
    password: Type.Optional(Type.String()),
    refresh_token: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);

/** Form parameters, in the body or (as some clients send them) in the query string. */
function formParams(request: FastifyRequest): Record<string, string | undefined> {
  const body = (request.body ?? {}) as Record<string, unknown>;
  const query = request.query as Record<string, unknown>;
  const merged: Record<string, string | undefined> = {};
  for (const source of [query, body]) {
    for (const [key, value] of Object.entries(source)) if (typeof value === 'string') merged[key] = value;
  }
  return merged;
}

/** The OAuth 2.0 endpoints and the identity service (SPEC §4). */
/** The identity URL names an org and a user; anything else there is 404 (SPEC §4). */
const IdentityParams = Type.Object({ orgId: Type.String(), userId: Type.String() });

export function registerOAuthRoutes(app: FastifyInstance, services: Services): void {
  const json = (reply: FastifyReply, status: number, body: unknown) =>
    reply
      .code(status)
      .header('content-type', JSON_CONTENT_TYPE)
      .header('cache-control', 'no-cache, no-store')
      .send(JSON.stringify(body));

  app.post(
    '/services/oauth2/token',
    {
      schema: { summary: 'OAuth 2.0 token', tags: ['oauth'], body: TokenParams },
      // A request without a body is a request with no form parameters (or with them in the query
      // string): it must reach the grant checks and get their answer, not a schema error.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request, reply) => {
      const body = await services.oauth.token(
        formParams(request),
        instanceUrl(request, services.config),
        request.ip,
      );
      return json(reply, 200, body);
    },
  );

  const revoke = async (request: FastifyRequest, reply: FastifyReply) => {
    await services.oauth.revoke(formParams(request).token);
    return reply.code(200).send();
  };
  app.post('/services/oauth2/revoke', { schema: { summary: 'Revoke a token', tags: ['oauth'] } }, revoke);
  app.get('/services/oauth2/revoke', { schema: { summary: 'Revoke a token', tags: ['oauth'] } }, revoke);

  /** The identity of a token's user (userinfo and the identity URL share it). */
  const identity = async (
    request: FastifyRequest,
  ): Promise<{ viewer: Viewer; body: Record<string, unknown> }> => {
    const header = request.headers.authorization;
    const fromHeader = header ? /^(?:Bearer|OAuth)\s+(\S+)\s*$/i.exec(header)?.[1] : undefined;
    const token = fromHeader ?? (request.query as Record<string, string | undefined>).oauth_token;
    if (!token) throw apiError('INVALID_SESSION_ID');
    const viewer = await services.sessions.verify(token);
    const base = instanceUrl(request, services.config);
    const { user } = viewer;
    const version = '{version}';
    const body = {
      id: identityUrl(base, user),
      asserted_user: true,
      user_id: user.id,
      organization_id: user.orgId,
      username: user.username,
      nick_name: user.nickname,
      display_name: `${user.firstName} ${user.lastName}`.trim(),
      email: user.email,
      email_verified: true,
      first_name: user.firstName,
      last_name: user.lastName,
      timezone: 'GMT',
      photos: {
        picture: photoUrl(base, user, 'F'),
        thumbnail: photoUrl(base, user, 'T'),
      },
      status: { created_date: null, body: null },
      urls: {
        rest: `${base}/services/data/v${version}/`,
        sobjects: `${base}/services/data/v${version}/sobjects/`,
        query: `${base}/services/data/v${version}/query/`,
        feeds: `${base}/services/data/v${version}/chatter/feeds`,
        feed_elements: `${base}/services/data/v${version}/chatter/feed-elements`,
        groups: `${base}/services/data/v${version}/chatter/groups`,
        users: `${base}/services/data/v${version}/chatter/users`,
        profile: `${base}/${user.id}`,
      },
      active: user.isActive,
      user_type: user.type === 'external' ? 'POWER_CUSTOMER_SUCCESS' : 'STANDARD',
      language: 'en_US',
      locale: 'en_US',
      utcOffset: 0,
      last_modified_date: new Date(user.modifiedAt)
        .toISOString()
        .replace('Z', '+0000')
        .replace(/\.\d{3}/, '.000'),
    };
    return { viewer, body };
  };

  app.get(
    '/services/oauth2/userinfo',
    { schema: { summary: 'OpenID Connect user info', tags: ['oauth'] } },
    async (request, reply) => {
      const { body } = await identity(request);
      const user = body as Record<string, unknown>;
      return json(reply, 200, {
        sub: user.id,
        user_id: user.user_id,
        organization_id: user.organization_id,
        preferred_username: user.username,
        nickname: user.nick_name,
        name: user.display_name,
        email: user.email,
        email_verified: true,
        given_name: user.first_name,
        family_name: user.last_name,
        zoneinfo: 'GMT',
        photos: user.photos,
        profile: (user.urls as Record<string, string>).profile,
        picture: (user.photos as Record<string, string>).picture,
        active: user.active,
        user_type: user.user_type,
        language: user.language,
        locale: user.locale,
        utcOffset: user.utcOffset,
        updated_at: user.last_modified_date,
        ...user,
      });
    },
  );

  app.get<{ Params: Static<typeof IdentityParams> }>(
    '/id/:orgId/:userId',
    { schema: { summary: 'Identity URL', tags: ['oauth'], params: IdentityParams } },
    async (request, reply) => {
      const { orgId, userId } = request.params;
      const { viewer, body } = await identity(request);
      const org = parseId(orgId);
      const user = parseId(userId);
      if (!org || !user) throw apiError('NOT_FOUND');
      // Another user's identity URL is refused (SPEC §4).
      if (to18(org) !== viewer.orgId || to18(user) !== viewer.user.id) {
        throw insufficientAccess("You can't view another user's identity.");
      }
      return sendBody(reply, 200, body, { format: 'json', pretty: false, xmlRoot: 'user' });
    },
  );
}
