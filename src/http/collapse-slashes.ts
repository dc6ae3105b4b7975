import type { IncomingMessage } from 'node:http';

/**
 * Repeated slashes in a request's path count as one (SPEC §1): `sf org login access-token` keeps
 * the instance URL with a trailing `/`, so every later call asks for `//services/data/…`, and real
 * orgs serve it. The query is left as it is. Runs once, before anything looks at the path:
 * maintenance, faults, routing and the journal all see the collapsed path (also as `originalUrl`,
 * which Fastify set to the raw URL just before calling rewriteUrl).
 */
export function collapseRequestSlashes(req: IncomingMessage & { originalUrl?: string }): void {
  const url = req.url ?? '/';
  const collapsed = collapseSlashes(url);
  if (collapsed === url) return;
  req.url = collapsed;
  req.originalUrl = collapsed;
}

export function collapseSlashes(url: string): string {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  if (!path.includes('//')) return url;
  return path.replace(/\/{2,}/g, '/') + (q < 0 ? '' : url.slice(q));
}
