import { setFlagsFromString } from 'node:v8';

/**
 * A server lets V8's old generation grow 20 % past what the last full collection left alive
 * before it collects again, instead of V8's own factor (up to 4×, often ~1.8× here): live objects
 * are ~30 MB after a collection, and under steady traffic the old space filled to 50–60 MB of
 * mostly dead objects before the next one, every MB of it resident (issue 14, target 5: peak RSS
 * under 200 MB). The factor is read at each collection, so setting it at the start of `serve` is
 * enough. bench/heap-ab.ts measures it.
 */
export const HEAP_GROWING_PERCENT = 20;

/**
 * V8's flags a server sets for itself before it builds anything (decision 0040). Each is left
 * alone when the operator's Node flags (`node --heap-growing-percent=N bin/chatterbox.js serve`,
 * or `NODE_OPTIONS`) name it, in either polarity.
 *
 * - The heap growth bound above.
 * - No allocation-site pretenuring: V8 may decide, from what survived a few early collections,
 *   to allocate the objects of some site straight into the old generation. About two server
 *   processes in five decided so for objects that the request path then drops young; from then
 *   on, for its whole life, each scavenge copied three times as much (kept alive by the dead old
 *   objects pointing at them) and full collections ran three times as often, and a batch cost
 *   about 1.5× the CPU it did in its fellow processes. Without it every process runs as the
 *   fast ones did, a few per cent slower than the fastest (decision 0040 has the figures).
 */
export function tuneHeap(): void {
  const nodeFlags = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' ');
  if (!/heap[-_]growing[-_]percent/.test(nodeFlags)) {
    setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  }
  if (!/allocation[-_]site[-_]pretenuring/.test(nodeFlags)) {
    setFlagsFromString('--no-allocation-site-pretenuring');
  }
}
