import { invalidInput } from '../errors/api-error.js';

export const BATCH_MAX = 25;

export type SubrequestMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE' | 'HEAD';
const METHODS: readonly SubrequestMethod[] = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'HEAD'];

/** The batch body as the route's schema lets it through (SPEC §8). */
export interface BatchInput {
  batchRequests: { method: string; url: string; richInput?: unknown }[];
  haltOnError?: unknown;
}

export interface Subrequest {
  method: SubrequestMethod;
  /** The full path and query: /services/data/vNN.N/… */
  url: string;
  /** The JSON body; undefined when the subrequest has none. */
  body: unknown;
}

export interface Batch {
  subrequests: Subrequest[];
  haltOnError: boolean;
}

/** `/services/data/vNN.N/…`, `/vNN.N/…` or `vNN.N/…`, with the rest of the path and the query. */
const URL_CHARS = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*$/;
const URL_FORM = /^(?:\/services\/data\/|\/)?v(\d+\.\d+)(\/[^?]*)?(\?.*)?$/;

/**
 * Validates the whole batch before anything runs (SPEC §8): the number of subrequests, each
 * method, URL form, version (at most the batch's own) and no batch inside the batch. Anything
 * wrong is one 400 INVALID_INPUT naming the subrequest.
 */
export function parseBatch(input: BatchInput, batchVersion: string): Batch {
  const count = input.batchRequests.length;
  if (count < 1 || count > BATCH_MAX) {
    throw invalidInput(
      `Invalid batchRequests: ${count} subrequests. Specify between 1 and ${BATCH_MAX} subrequests.`,
    );
  }
  const subrequests = input.batchRequests.map((item, index) => {
    const where = `batchRequests[${index}]`;
    return {
      method: parseMethod(item.method, where),
      url: parseUrl(item.url, where, batchVersion),
      body: bodyOf(item.richInput),
    };
  });
  return { subrequests, haltOnError: parseHaltOnError(input.haltOnError) };
}

/** GET, Get, get and HttpGet alike (jsforce sends upper case; the Connect docs show HttpGet). */
function parseMethod(raw: string, where: string): SubrequestMethod {
  const name = raw.trim().toUpperCase().replace(/^HTTP/, '') as SubrequestMethod;
  if (METHODS.includes(name)) return name;
  throw invalidInput(`Invalid method in ${where}: ${raw}. Specify one of: ${METHODS.join(', ')}.`);
}

function parseUrl(raw: string, where: string, batchVersion: string): string {
  const form = URL_FORM.exec(raw);
  // Only plain paths (RFC 3986 path characters, no dot segments), so a subrequest can reach
  // nothing a direct call under /services/data could not.
  const path = form?.[2] ?? '';
  const query = form?.[3] ?? '';
  if (!form || !URL_CHARS.test(path + query) || /(^|\/)\.\.?(\/|$)|%2e/i.test(path)) {
    throw invalidInput(
      `Invalid url in ${where}: ${raw}. Specify /services/data/vNN.N/…, /vNN.N/… or vNN.N/….`,
    );
  }
  const version = form[1] as string;
  if (Number(version) > Number(batchVersion)) {
    throw invalidInput(
      `Invalid url in ${where}: ${raw}. The version of a subrequest can't be later than the batch's (${batchVersion}).`,
    );
  }
  const resource = path.replace(/\/+$/, '').replace(/\.(json|xml)$/, '');
  if (/^\/(connect|composite)\/batch$/.test(resource)) {
    throw invalidInput(`Invalid url in ${where}: ${raw}. A batch can't contain a batch.`);
  }
  return `/services/data/v${version}${path}${query}`;
}

/** `richInput` is the subrequest's body; "" or absent means none (jsforce sends "" for a bare POST). */
function bodyOf(richInput: unknown): unknown {
  return richInput === '' || richInput === null ? undefined : richInput;
}

function parseHaltOnError(raw: unknown): boolean {
  if (raw === undefined || raw === false || raw === 'false') return false;
  if (raw === true || raw === 'true') return true;
  throw invalidInput(
    `Invalid haltOnError: ${typeof raw === 'string' ? raw : JSON.stringify(raw)}. Specify true or false.`,
  );
}
