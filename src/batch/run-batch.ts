import type { FastifyInstance, FastifyRequest } from 'fastify';
import { apiError } from '../errors/api-error.js';
import { HourlyReservation } from '../limits/quotas.js';
import { SharedMark } from '../store/shared-mark.js';
import type { QueryCounter } from '../store/store.js';
import type { Batch, Subrequest } from './batch-request.js';
import { dispatchInProcess } from './in-process.js';
import { SUBREQUEST_HEADER, SUBREQUEST_SECRET } from './subrequest.js';

export interface BatchResult {
  hasErrors: boolean;
  results: { statusCode: number; result: unknown }[];
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
 * feed's mark (shared-mark.ts).
 */
export async function runBatch(
  app: FastifyInstance,
  caller: FastifyRequest,
  batch: Batch,
  queries: QueryCounter,
): Promise<BatchResult> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    [SUBREQUEST_HEADER]: SUBREQUEST_SECRET,
  };
  for (const name of FORWARDED_HEADERS) {
    const value = caller.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  const results: BatchResult['results'] = [];
  // The subrequests' hourly quota in one call, not one per subrequest (decision 0016).
  const reservation = new HourlyReservation();
  const mark = new SharedMark(queries);
  const countingFrom = hourlyCountsFrom(batch.subrequests);
  let halted = false;
  try {
    for (const [index, subrequest] of batch.subrequests.entries()) {
      if (halted) {
        results.push({ statusCode: 412, result: [apiError('BATCH_PROCESSING_HALTED').toWire()] });
        continue;
      }
      reservation.remaining = countingFrom[index] ?? 0;
      const result = await dispatch(app, caller, subrequest, headers, { reservation, mark });
      results.push(result);
      if (batch.haltOnError && result.statusCode >= 400) halted = true;
    }
  } finally {
    // What no subrequest used goes back; should that fail, the user has counted a few more
    // requests than they made, never fewer.
    await reservation.release().catch(() => undefined);
  }
  return { hasErrors: results.some((r) => r.statusCode >= 400), results };
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
): Promise<{ statusCode: number; result: unknown }> {
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
  if (statusCode === 204 || subrequest.method === 'HEAD') return { statusCode, result: null };
  // sendBody's JSON value, when it wrote the response (it then writes no text for it).
  if (response.value !== undefined) return { statusCode, result: response.value };
  if (response.body === '') return { statusCode, result: null };
  const json = /^application\/json(;|$)/.test(String(response.headers['content-type'] ?? ''));
  return { statusCode, result: json ? JSON.parse(response.body) : response.body };
}
