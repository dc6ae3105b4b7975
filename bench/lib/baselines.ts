import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, type ServerProcess, startServer } from './processes.js';

/** A server to compare with: started on loopback as its own process, serving the same JSON body. */
export interface Baseline {
  id: 'fastify' | 'json-server' | 'prism';
  title: string;
  version: string;
  start: (body: Record<string, unknown>) => Promise<{ server: ServerProcess; path: string }>;
}

export const USERS_ME_PATH = '/services/data/v36.0/chatter/users/me';

export function baselines(root: string, workDir: string, versions: Record<string, string>): Baseline[] {
  const bin = (path: string) => join(root, 'node_modules', path);
  return [
    {
      id: 'fastify',
      title: 'bare Fastify, constant body (the ceiling)',
      version: versions.fastify ?? '?',
      start: async (body) => {
        const port = await freePort();
        const file = join(workDir, 'ceiling-body.json');
        writeFileSync(file, JSON.stringify(body));
        const server = await startServer({
          name: 'fastify',
          command: process.execPath,
          args: [join(root, 'bench/baselines/fastify-ceiling.mjs'), String(port), file, USERS_ME_PATH],
          cwd: root,
          port,
          readyPath: USERS_ME_PATH,
        });
        return { server, path: USERS_ME_PATH };
      },
    },
    {
      id: 'json-server',
      title: 'json-server, one user record',
      version: versions['json-server'] ?? '?',
      start: async (body) => {
        const port = await freePort();
        const file = join(workDir, 'json-server-db.json');
        writeFileSync(file, JSON.stringify({ users: [body] }));
        const path = `/users/${String(body.id)}`;
        const server = await startServer({
          name: 'json-server',
          command: process.execPath,
          args: [
            bin('json-server/lib/cli/bin.js'),
            '--quiet',
            '--host',
            '127.0.0.1',
            '--port',
            String(port),
            file,
          ],
          cwd: workDir,
          port,
          readyPath: path,
        });
        return { server, path };
      },
    },
    {
      id: 'prism',
      title: 'Prism mock of a one-path OpenAPI document',
      version: versions['@stoplight/prism-cli'] ?? '?',
      start: async (body) => {
        const port = await freePort();
        const file = join(workDir, 'prism-openapi.json');
        writeFileSync(file, JSON.stringify(oneUserDocument(body)));
        const server = await startServer({
          name: 'prism',
          command: process.execPath,
          args: [
            bin('@stoplight/prism-cli/dist/index.js'),
            'mock',
            '-h',
            '127.0.0.1',
            '-p',
            String(port),
            file,
          ],
          cwd: workDir,
          port,
          readyPath: USERS_ME_PATH,
        });
        return { server, path: USERS_ME_PATH };
      },
    },
  ];
}

/** OpenAPI 3.0 with the one path, whose example Prism answers as is (static mocking, no downloads). */
function oneUserDocument(body: Record<string, unknown>) {
  return {
    openapi: '3.0.3',
    info: { title: 'users/me', version: '1.0.0' },
    servers: [{ url: 'http://127.0.0.1' }],
    paths: {
      [USERS_ME_PATH]: {
        get: {
          operationId: 'getUsersMe',
          responses: {
            200: {
              description: 'User Detail',
              content: { 'application/json': { schema: { type: 'object' }, example: body } },
            },
          },
        },
      },
    },
  };
}
