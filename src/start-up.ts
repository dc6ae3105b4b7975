import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config.js';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PASSWORD, demoUsers } from './demo/demo-org.js';

// What `chatterbox serve` checks and says as it starts (main.ts calls these).

export function portInUse(host: string, port: number): Error {
  return new Error(
    `--port ${port}: ${host}:${port} is already in use; choose another port (0 picks a free one)`,
  );
}

export async function assertPortFree(host: string, port: number): Promise<void> {
  const { createServer } = await import('node:net');
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? portInUse(host, port) : error),
    );
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

/**
 * What a person starting the server needs (URL, store, generated admin token, demo credentials), as
 * one `info` entry of the server's logger: one JSON line, or one block in a terminal. It shows at
 * every level but `silent`, since the generated admin token is printed nowhere else.
 */
export function printBanner(logger: FastifyBaseLogger, config: Config, url: string): void {
  const lines = [
    `Chatterbox is listening on ${url} (${config.databaseUrl ? 'postgres' : `sqlite ${config.db}`})`,
  ];
  if (config.adminTokenGenerated) {
    lines.push(
      `Admin token (control plane /_chatterbox): ${config.adminToken}`,
      `Console: ${url}/ (sign in with the admin token)`,
    );
  }
  if (config.demo) {
    lines.push(
      'Demo org "Acme":',
      `  client_id=${DEMO_CLIENT_ID} client_secret=${DEMO_CLIENT_SECRET}`,
      `  users: ${demoUsers.map((u) => u.username).join(', ')}`,
      `  password: ${DEMO_PASSWORD}`,
    );
  }
  const banner = config.logLevel === 'silent' ? logger : logger.child({}, { level: 'info' });
  banner.info({ url }, lines.join('\n'));
  // Whoever started the server waits for this: not left in the asynchronous destination's buffer.
  if ('flush' in logger && typeof logger.flush === 'function') logger.flush();
}
