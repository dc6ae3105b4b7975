import { FORM, passwordGrantBody } from './chatterbox.js';
import { SCENARIO_TITLES, type ScenarioDef, type StoreLabel } from './scenarios.js';

/**
 * The Chatterbox scenarios, written against the SPEC's URLs (§4, §6, §8) so that the ones whose
 * resources are not built yet start measuring as soon as they are.
 */
const V = '/services/data/v36.0';
const JSON_BODY = { 'content-type': 'application/json' };

type Store = StoreLabel;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** (a) the context user's User Detail. */
export function usersMe(store: Store, token: string): ScenarioDef {
  const path = `${V}/chatter/users/me`;
  return {
    row: { scenario: 'a', id: 'a', title: SCENARIO_TITLES.a, target: 'chatterbox', store },
    probe: { method: 'GET', path, headers: bearer(token), expect: 200 },
    load: { path, headers: bearer(token) },
  };
}

export const FEED_PAGE_PATH = `${V}/chatter/feeds/news/me/feed-elements?pageSize=25`;

/** Which feed a page is of: the context user's news feed, or a record's or topic's, by its ID. */
export type FeedTarget = { kind: 'news' } | { kind: 'record' | 'topic' | 'stream'; id: string };

const FEED_TITLES = {
  record: 'GET feeds/record/{recordId}/feed-elements (page of 25)',
  topic: 'GET feeds/topics/{topicId}/feed-elements (page of 25)',
  stream: 'GET feeds/streams/{streamId}/feed-elements (page of 25)',
};

/** The page of each feed other than news; streams are served from v39 (SPEC §12.8). */
const FEED_PATHS = {
  record: (id: string) => `${V}/chatter/feeds/record/${id}/feed-elements?pageSize=25`,
  topic: (id: string) => `${V}/chatter/feeds/topics/${id}/feed-elements?pageSize=25`,
  stream: (id: string) => `/services/data/v39.0/chatter/feeds/streams/${id}/feed-elements?pageSize=25`,
};

/**
 * (b) and (f): one page of 25 of a feed, on a store of `posts` posts: the context user's news feed,
 * or the feed of the record or topic `chatterbox seed` gives a tenth of the posts to.
 */
export function feedPage(
  store: Store,
  token: string,
  posts: number,
  scenario: 'b' | 'f',
  feed: FeedTarget = { kind: 'news' },
): ScenarioDef {
  const path = feed.kind === 'news' ? FEED_PAGE_PATH : FEED_PATHS[feed.kind](feed.id);
  return {
    row: {
      scenario,
      id: feed.kind === 'news' ? `${scenario}-${posts}` : `${scenario}-${feed.kind}-${posts}`,
      title: feed.kind === 'news' ? SCENARIO_TITLES[scenario] : FEED_TITLES[feed.kind],
      target: 'chatterbox',
      store,
      posts,
      ...(feed.kind === 'news' ? {} : { feed: feed.kind }),
    },
    probe: { method: 'GET', path, headers: bearer(token), expect: 200 },
    load: { path, headers: bearer(token) },
  };
}

/** (c) a text post on the context user's profile (Feed Item Input, SPEC §6). */
export function postFeedElement(store: Store, token: string): ScenarioDef {
  const path = `${V}/chatter/feed-elements`;
  const body = JSON.stringify({
    body: { messageSegments: [{ type: 'Text', text: 'A benchmark post' }] },
    feedElementType: 'FeedItem',
    subjectId: 'me',
  });
  const headers = { ...bearer(token), ...JSON_BODY };
  return {
    row: { scenario: 'c', id: 'c', title: SCENARIO_TITLES.c, target: 'chatterbox', store },
    probe: { method: 'POST', path, headers, body, expect: 201 },
    load: { method: 'POST', path, headers, body },
  };
}

/** The 25 GETs of (d): User Detail of the org's users in turn (`me` first), as paths after /vNN.N. */
export function twentyFiveGets(userIds: string[]): string[] {
  const subjects = ['me', ...userIds];
  return Array.from({ length: 25 }, (_, i) => `/chatter/users/${subjects[i % subjects.length]}`);
}

/** (d) the 25 GETs as one `connect/batch` request (SPEC §8). */
export function batchOf25(store: Store, token: string, gets: string[]): ScenarioDef {
  const path = `${V}/connect/batch`;
  const body = JSON.stringify({
    batchRequests: gets.map((url) => ({ method: 'Get', url: `v36.0${url}` })),
    haltOnError: false,
  });
  const headers = { ...bearer(token), ...JSON_BODY };
  return {
    row: {
      scenario: 'd',
      id: 'd-batch',
      title: `${SCENARIO_TITLES.d}: one batch`,
      target: 'chatterbox',
      store,
      callsPerRequest: gets.length,
    },
    probe: { method: 'POST', path, headers, body, expect: 200 },
    load: { method: 'POST', path, headers, body },
  };
}

/** (d) the same 25 GETs sent one by one, in order, on each connection. */
export function oneByOne(store: Store, token: string, gets: string[]): ScenarioDef {
  const first = `${V}${gets[0]}`;
  return {
    row: {
      scenario: 'd',
      id: 'd-single',
      title: `${SCENARIO_TITLES.d}: one by one`,
      target: 'chatterbox',
      store,
      requestsPerSet: gets.length,
    },
    probe: { method: 'GET', path: first, headers: bearer(token), expect: 200 },
    load: {
      path: first,
      headers: bearer(token),
      sequence: gets.map((url) => ({ method: 'GET' as const, path: `${V}${url}` })),
    },
  };
}

/** (e) logins: the password grant, which hashes the password with scrypt by design (SPEC §4). */
export function passwordLogin(store: Store): ScenarioDef {
  const path = '/services/oauth2/token';
  const body = passwordGrantBody('alice@acme.example');
  return {
    row: { scenario: 'e', id: 'e', title: SCENARIO_TITLES.e, target: 'chatterbox', store },
    probe: { method: 'POST', path, headers: FORM, body, expect: 200 },
    load: { method: 'POST', path, headers: FORM, body },
  };
}
