import type { FastifyRequest } from 'fastify';
import type { Config } from '../config.js';

/** The server's public base URL: --public-url, else derived from the request (SPEC §4). */
export function instanceUrl(request: FastifyRequest, config: Config): string {
  if (config.publicUrl) return config.publicUrl.replace(/\/+$/, '');
  const host = request.headers.host ?? `${config.host}:${config.port}`;
  return `${request.protocol}://${host}`;
}
