import { after, before } from 'node:test';
import jsforce from 'jsforce';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PASSWORD } from '../../src/demo/demo-org.js';
import { setTestOrigin } from './common-shapes.js';
import { createHarness, type Harness } from './harness.js';

// biome-ignore lint/suspicious/noExplicitAny: wire bodies as jsforce parses them, read field by field
export type Json = Record<string, any>;

/** A demo server listening on loopback and alice signed in to it through jsforce's password login. */
export interface JsforceSession {
  h: Harness;
  conn: jsforce.Connection;
  token: string;
  /** The listening server's `host:port`. */
  host: string;
  /** The same resource read in-process, to compare jsforce's parsed body with the wire body. */
  direct(url: string): Promise<Json>;
}

/**
 * Registers the suite's before/after hooks: a harness listening on a free port and a jsforce
 * Connection logged in as alice at `version` (reference/jsforce-notes.md §1). The fields are set
 * once `before` has run.
 */
export function useJsforceSession(version: string): JsforceSession {
  const session = {
    // As if sent to the listening server, so its absolute URLs are the same as the client's.
    direct: async (url: string) =>
      (
        await session.h.request({ method: 'GET', url, token: session.token, headers: { host: session.host } })
      ).json() as Json,
  } as JsforceSession;
  before(async () => {
    session.h = await createHarness();
    const url = await session.h.app.listen({ port: 0, host: '127.0.0.1' });
    session.host = new URL(url).host;
    setTestOrigin(url);
    session.conn = new jsforce.Connection({
      oauth2: { loginUrl: url, clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET },
      version,
    });
    await session.conn.login('alice@acme.example', DEMO_PASSWORD);
    session.token = session.conn.accessToken as string;
  });
  after(() => session.h.close());
  return session;
}
