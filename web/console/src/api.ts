/**
 * Every call the console makes: the control plane with the admin token, and the public API with
 * a user's token minted through the control plane. Nothing else; nothing leaves this server.
 */

const TOKEN_KEY = 'chatterbox.adminToken';

/** The admin token lives in this tab's session only: closing the tab forgets it. */
export const session = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (token: string) => sessionStorage.setItem(TOKEN_KEY, token),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

/** A non-2xx answer, with the body as the server sent it. */
export class Failure extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(describe(status, body));
  }
}

function describe(status: number, body: unknown): string {
  const first = Array.isArray(body) ? body[0] : body;
  if (first && typeof first === 'object') {
    const { errorCode, message, error, error_description } = first as Record<string, string>;
    if (errorCode) return `${status} ${errorCode}: ${message}`;
    if (error) return `${status} ${error}: ${error_description}`;
  }
  return `${status}`;
}

/** Told when the admin token is refused, so the page goes back to the sign-in form. */
let onUnauthorized: () => void = () => undefined;
export function whenUnauthorized(listener: () => void): void {
  onUnauthorized = listener;
}

async function parse(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A control-plane call (`/_chatterbox/…`) with the admin token. */
export async function control<T>(
  method: string,
  path: string,
  body?: unknown,
  token = session.get(),
): Promise<T> {
  const response = await fetch(`/_chatterbox${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token ?? ''}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const parsed = await parse(response);
  if (response.status === 401 && token === session.get()) onUnauthorized();
  if (!response.ok) throw new Failure(response.status, parsed);
  return parsed as T;
}

/** A public API call as a user. */
export async function api<T>(token: string, path: string): Promise<T> {
  const response = await fetch(`/services/data/v${await apiVersion()}${path}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const parsed = await parse(response);
  if (!response.ok) throw new Failure(response.status, parsed);
  return parsed as T;
}

let latestVersion: Promise<string> | undefined;
/** The newest version the server serves (`GET /services/data`, no token needed). */
export function apiVersion(): Promise<string> {
  latestVersion ??= fetch('/services/data')
    .then((r) => r.json() as Promise<{ version: string }[]>)
    .then((versions) => versions.at(-1)?.version ?? '36.0');
  return latestVersion;
}

/**
 * Server-sent events read through fetch (EventSource cannot send the admin token as a header):
 * yields each event until the signal aborts or the server ends the stream.
 */
export async function* events(
  path: string,
  signal: AbortSignal,
): AsyncGenerator<{ event: string; data: string }> {
  const response = await fetch(`/_chatterbox${path}`, {
    headers: { authorization: `Bearer ${session.get() ?? ''}` },
    signal,
  });
  if (response.status === 401) onUnauthorized();
  if (!response.ok || !response.body) throw new Failure(response.status, await parse(response));
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffered += value;
    let end = buffered.indexOf('\n\n');
    while (end >= 0) {
      const block = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      let event = 'message';
      let data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data += line.slice(6);
      }
      if (data !== '') yield { event, data };
      end = buffered.indexOf('\n\n');
    }
  }
}

/** A journal row (GET /_chatterbox/requests). */
export interface JournalRow {
  id: number;
  time: string;
  method: string;
  path: string;
  status: number;
  errorCode: string | null;
  username: string | null;
  clientId: string | null;
  durationMs: number;
}

export interface JournalMessage {
  headers: Record<string, string>;
  body: string | null;
  bodyBytes: number;
  truncated: boolean;
}

export interface JournalDetail extends JournalRow {
  request: JournalMessage | null;
  response: JournalMessage | null;
}

/** The token endpoint's answer, as POST /_chatterbox/tokens gives it. */
export interface TokenResponse {
  access_token: string;
  refresh_token: string;
  instance_url: string;
  id: string;
}

export function pretty(text: string | null): string {
  if (text === null) return '';
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
