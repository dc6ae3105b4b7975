import type { Dependency } from './dependency-error.js';

/**
 * How long each call to a dependency took (every store statement, every Redis command), for
 * `/_chatterbox/metrics`. The store and Redis clients report here; metrics.ts listens once per
 * process. With no listener a report costs one empty loop.
 */
type Listener = (dependency: Dependency, seconds: number) => void;
const listeners: Listener[] = [];

export function onDependencyLatency(listener: Listener): void {
  listeners.push(listener);
}

export function reportDependencyLatency(dependency: Dependency, seconds: number): void {
  for (const listener of listeners) listener(dependency, seconds);
}
