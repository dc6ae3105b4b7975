import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';

export const CONSOLE_PATH = '/_chatterbox/console';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
};

/** Everything the page loads comes from this server (SPEC: no request leaves the machine). */
const CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

interface Asset {
  body: Buffer;
  type: string;
}

/** Where `npm run build` puts the console (vite.config.ts): `dist/web` beside package.json. */
export function defaultConsoleDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'dist', 'web');
}

/**
 * The console (web/console): its built files, read once at start and served from memory, at
 * /_chatterbox/console; `/` leads there. The page itself needs no token: it asks for the admin
 * token and sends it with each control-plane call, like any other client.
 */
export function registerConsole(app: FastifyInstance, dir: string = defaultConsoleDir()): void {
  const assets = loadAssets(dir);
  const index = assets.get('index.html');

  app.get('/', { schema: { hide: true } }, async (_request, reply) =>
    reply.code(302).header('location', `${CONSOLE_PATH}/`).send(),
  );
  const sendIndex = async (_request: unknown, reply: FastifyReply) => {
    if (!index) {
      return reply
        .code(503)
        .header('content-type', 'text/plain; charset=utf-8')
        .send('The console is not built: run `npm run build`.\n');
    }
    return send(reply, index, 'no-cache');
  };
  app.get(CONSOLE_PATH, { schema: { hide: true } }, sendIndex);
  app.get(`${CONSOLE_PATH}/*`, { schema: { hide: true } }, async (request, reply) => {
    const name = (request.params as { '*': string })['*'];
    const asset = assets.get(name);
    if (!asset) return sendIndex(request, reply);
    // Vite names assets by their content: they never change under one name.
    return send(
      reply,
      asset,
      name.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    );
  });
}

function send(reply: FastifyReply, asset: Asset, cacheControl: string) {
  return reply
    .code(200)
    .header('content-type', asset.type)
    .header('cache-control', cacheControl)
    .header('content-security-policy', CSP)
    .header('x-content-type-options', 'nosniff')
    .send(asset.body);
}

function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  if (!existsSync(dir)) return assets;
  const walk = (folder: string) => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path);
      else {
        assets.set(relative(dir, path).split(sep).join('/'), {
          body: readFileSync(path),
          type: TYPES[extname(name)] ?? 'application/octet-stream',
        });
      }
    }
  };
  walk(dir);
  return assets;
}
