import type { AnyApiRoute } from '../../src/http/api-route.js';
import { apiRoutes } from '../../src/http/app.js';
import { servedInCommunities } from '../../src/http/register-api.js';
import { KeyPrefix, to18 } from '../../src/ids/salesforce-id.js';
import type { Store } from '../../src/store/store.js';
import { rawDatabase } from './store.js';

/**
 * Concrete URLs for every route of the route table (`apiRoutes`), so that checks shared by all
 * resources (STYLE #12: auth failures, HEAD, trailing slashes, URL versions) run over each route
 * as it is added, without a test per resource.
 */
export interface RouteCase {
  route: AnyApiRoute;
  /** e.g. 'GET /chatter/users/:userId (community)' */
  name: string;
  /** The path after /services/data/vNN.N, parameters filled in, with the required query. */
  path: string;
  /** The same split in two: the path alone, and '?…' or ''. */
  pathOnly: string;
  query: string;
  community: boolean;
}

type Sample = Record<string, string>;

/**
 * Real demo-org records to put in path parameters, by kind; a kind without a record gets a
 * well-formed ID of the right type that no record has (the resource then answers 404).
 */
export async function sampleIds(store: Store): Promise<Sample> {
  const first = async (
    table:
      | 'groups'
      | 'feed_elements'
      | 'comments'
      | 'likes'
      | 'subscriptions'
      | 'group_members'
      | 'join_requests'
      | 'streams'
      | 'announcements',
  ) => (await rawDatabase(store).selectFrom(table).select('id').orderBy('id').executeTakeFirst())?.id;
  const user = async (username: string) => (await store.users.findByUsername(username))?.id as string;
  const org = await store.orgs.firstOrg();
  const communities = org ? await store.orgs.listCommunities(org.id) : [];
  const missing = (prefix: string) => to18(`${prefix}Cb0zzzzzzzzz`);
  return {
    user: await user('alice@acme.example'),
    otherUser: await user('bob@acme.example'),
    community: communities[0]?.id ?? missing(KeyPrefix.community),
    group: (await first('groups')) ?? missing(KeyPrefix.group),
    feedElement: (await first('feed_elements')) ?? missing(KeyPrefix.feedElement),
    comment: (await first('comments')) ?? missing(KeyPrefix.comment),
    like: (await first('likes')) ?? missing(KeyPrefix.like),
    subscription: (await first('subscriptions')) ?? missing(KeyPrefix.subscription),
    groupMember: (await first('group_members')) ?? missing(KeyPrefix.groupMember),
    joinRequest: (await first('join_requests')) ?? missing(KeyPrefix.joinRequest),
    stream: (await first('streams')) ?? missing(KeyPrefix.stream),
    announcement: (await first('announcements')) ?? missing(KeyPrefix.announcement),
  };
}

/** A value for a path parameter, by its name (`userId`, `groupIds`, `feedElementId`…). */
function paramValue(name: string, ids: Sample): string {
  if (name === 'sObjectType') return 'User';
  const lower = name.toLowerCase();
  const kind = lower.includes('feedelement')
    ? 'feedElement'
    : lower.includes('stream')
      ? 'stream'
      : lower.includes('announcement')
        ? 'announcement'
        : lower.includes('comment')
          ? 'comment'
          : lower.includes('like')
            ? 'like'
            : lower.includes('subscription')
              ? 'subscription'
              : lower.includes('request')
                ? 'joinRequest'
                : lower.includes('membership') || lower.includes('member')
                  ? 'groupMember'
                  : lower.includes('group') || lower.includes('record') || lower.includes('subject')
                    ? 'group'
                    : lower.includes('community')
                      ? 'community'
                      : 'user';
  const value = ids[kind] as string;
  if (lower.endsWith('ids')) return kind === 'user' ? `${value},${ids.otherUser}` : value;
  return value;
}

interface QuerySchema {
  properties?: Record<string, { type?: string; enum?: unknown[] }>;
  required?: string[];
}

/** The query parameters a route requires (e.g. `q` of feed-element search), with plain values. */
function requiredQuery(route: AnyApiRoute): string {
  const schema = route.schema?.querystring as QuerySchema | undefined;
  const required = schema?.required ?? [];
  if (required.length === 0) return '';
  const values = required.map((name) => {
    const property = schema?.properties?.[name];
    // A value the schema takes (its first choice, for an enumeration), so that the check under
    // test is the one that answers, not the parameter's validation (SPEC §2 stage 10).
    if (property?.enum !== undefined) return [name, String(property.enum[0])];
    return [name, property?.type === 'integer' || property?.type === 'number' ? '1' : 'chatter'];
  });
  return `?${new URLSearchParams(values).toString()}`;
}

/**
 * Every route of the table, at its root path and (where served) under a community prefix, with
 * the query parameters it requires. Removed resources (`gone`) answer 410 to everything.
 */
export function routeCases(ids: Sample, options: { community?: string } = {}): RouteCase[] {
  const community = options.community ?? ids.community;
  return apiRoutes.flatMap((route) => {
    const pathOnly = route.path.replace(/:(\w+)/g, (_, name: string) => paramValue(name, ids));
    const query = requiredQuery(route);
    const cases: RouteCase[] = [
      {
        route,
        name: `${route.method} ${route.path}`,
        path: pathOnly + query,
        pathOnly,
        query,
        community: false,
      },
    ];
    if (servedInCommunities(route)) {
      const prefixed = `/connect/communities/${community}${pathOnly}`;
      cases.push({
        route,
        name: `${route.method} /connect/communities/${community}${route.path}`,
        path: prefixed + query,
        pathOnly: prefixed,
        query,
        community: true,
      });
    }
    return cases;
  });
}

export { apiRoutes };
