import { setFlagsFromString } from 'node:v8';

/**
 * A server lets V8's old generation grow 20 % past what the last full collection left alive
 * before it collects again, instead of V8's own factor (up to 4×, often ~1.8× here): live objects
 * are ~30 MB after a collection, and under steady traffic the old space filled to 50–60 MB of
 * mostly dead objects before the next one, every MB of it resident (issue 14, target 5: peak RSS
 * under 200 MB). The factor is read at each collection, so setting it at the start of `serve` is
 * enough. An operator who sets the factor with Node's own flag (`node --heap-growing-percent=N
 * bin/chatterbox.js serve`) keeps theirs. bench/heap-ab.ts measures both.
 */
export const HEAP_GROWING_PERCENT = 20;

export function boundHeapGrowth(): void {
  const nodeFlags = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' ');
  if (/heap[-_]growing[-_]percent/.test(nodeFlags)) return;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
