import type { FastifyInstance, FastifyRequest } from 'fastify';
import { apiError } from '../errors/api-error.js';
import { HourlyReservation } from '../limits/quotas.js';
import { SharedMark } from '../store/shared-mark.js';
import type { QueryCounter } from '../store/store.js';
import type { Batch, Subrequest } from './batch-request.js';
import { dispatchInProcess, type InProcessResponse } from './in-process.js';
import { SUBREQUEST_HEADER, SUBREQUEST_SECRET } from './subrequest.js';

/** The batch's body as a value (SPEC §8): what XML and pretty-printed JSON render. */
export interface BatchResult {
  hasErrors: boolean;
  results: { statusCode: number; result: unknown }[];
}

/** A subrequest's answer: its body as JSON text, and as a value when the batch asked for values. */
export interface SubrequestResult {
  statusCode: number;
  text: string;
  result?: unknown;
}

export interface BatchOutcome {
  hasErrors: boolean;
  results: SubrequestResult[];
}

/** What the caller's request passes on to its subrequests: who they are and how text is encoded. */
const FORWARDED_HEADERS = [
  'authorization',
  'host',
  'x-chatter-entity-encoding',
  'x-forwarded-proto',
] as const;

/**
 * Runs the subrequests one after the other, each through the whole pipeline exactly as a direct
 * call (STYLE #15: authentication, faults, quotas, IDs, permissions, errors), each committed on
 * its own (SPEC §8). With haltOnError, every subrequest after the first failure answers 412.
 * `queries` is the store's statement counter, which tells when subrequests may share the change
 * feed's mark (shared-mark.ts). Each answer is kept as the text its subrequest made (the journal
 * has the same), and as a value only with `values`: a batch answered in JSON is written from the
 * texts, and no subrequest's value outlives its subrequest.
 */
export async function runBatch(
  app: FastifyInstance,
  caller: FastifyRequest,
  batch: Batch,
  options: { queries: QueryCounter; values: boolean },
): Promise<BatchOutcome> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    [SUBREQUEST_HEADER]: SUBREQUEST_SECRET,
  };
  for (const name of FORWARDED_HEADERS) {
    const value = caller.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  const results: SubrequestResult[] = [];
  // The subrequests' hourly quota in one call, not one per subrequest (decision 0016).
  const reservation = new HourlyReservation();
  const mark = new SharedMark(options.queries);
  const countingFrom = hourlyCountsFrom(batch.subrequests);
  const keep = ({ statusCode, text, result }: SubrequestResult): SubrequestResult =>
    options.values ? { statusCode, text, result } : { statusCode, text };
  let halted = false;
  try {
    for (const [index, subrequest] of batch.subrequests.entries()) {
      if (halted) {
        const result = [apiError('BATCH_PROCESSING_HALTED').toWire()];
        results.push(keep({ statusCode: 412, text: JSON.stringify(result), result }));
        continue;
      }
      reservation.remaining = countingFrom[index] ?? 0;
      const answer = await dispatch(app, caller, subrequest, headers, { reservation, mark });
      results.push(keep(answer));
      if (batch.haltOnError && answer.statusCode >= 400) halted = true;
    }
  } finally {
    // What no subrequest used goes back; should that fail, the user has counted a few more
    // requests than they made, never fewer.
    await reservation.release().catch(() => undefined);
  }
  return { hasErrors: results.some((r) => r.statusCode >= 400), results };
}

/** The body as JSON.stringify writes the batch's value, made from the subrequests' texts. */
export function batchJson(outcome: BatchOutcome): string {
  const items = outcome.results.map((r) => `{"statusCode":${r.statusCode},"result":${r.text}}`);
  return `{"hasErrors":${outcome.hasErrors},"results":[${items.join(',')}]}`;
}

/** The body as a value; the batch must have been run with `values`. */
export function batchValue(outcome: BatchOutcome): BatchResult {
  return {
    hasErrors: outcome.hasErrors,
    results: outcome.results.map(({ statusCode, result }) => ({ statusCode, result })),
  };
}

/**
 * For each subrequest, how many from it to the last may count towards the hourly quota: those
 * under chatter or connect (the resources it counts, SPEC §7), so a batch reserves no more than
 * it may use.
 */
function hourlyCountsFrom(subrequests: Subrequest[]): number[] {
  const counts = new Array<number>(subrequests.length + 1).fill(0);
  for (let i = subrequests.length - 1; i >= 0; i--) {
    const url = (subrequests[i] as Subrequest).url;
    counts[i] = (counts[i + 1] as number) + (HOURLY_URL.test(url) ? 1 : 0);
  }
  return counts;
}

const HOURLY_URL = /^\/services\/data\/v[\d.]+\/(?:chatter|connect)(?:[/?]|$)/;

async function dispatch(
  app: FastifyInstance,
  caller: FastifyRequest,
  subrequest: Subrequest,
  headers: Record<string, string>,
  shared: { reservation: HourlyReservation; mark: SharedMark },
): Promise<Required<SubrequestResult>> {
  const hasBody =
    subrequest.body !== undefined && subrequest.method !== 'GET' && subrequest.method !== 'HEAD';
  const response = await dispatchInProcess(app, {
    method: subrequest.method,
    url: subrequest.url,
    headers: hasBody ? { ...headers, 'content-type': 'application/json' } : headers,
    payload: hasBody ? JSON.stringify(subrequest.body) : undefined,
    remoteAddress: caller.raw.socket?.remoteAddress,
    encrypted: Boolean((caller.raw.socket as { encrypted?: boolean } | undefined)?.encrypted),
    ...shared,
  });
  const statusCode = response.statusCode;
  if (statusCode === 204 || subrequest.method === 'HEAD') return { statusCode, text: 'null', result: null };
  // sendBody's JSON value and text, when it wrote the response (it then sends no text).
  if (response.value !== undefined && response.text !== undefined)
    return { statusCode, text: response.text, result: response.value };
  const result = bodyOf(response);
  return { statusCode, text: JSON.stringify(result), result };
}

/** A body sendBody did not write (none, or not JSON), as the batch's result value. */
function bodyOf(response: InProcessResponse): unknown {
  if (response.body === '') return null;
  const json = /^application\/json(;|$)/.test(String(response.headers['content-type'] ?? ''));
  return json ? JSON.parse(response.body) : response.body;
}
