import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Config } from './config.js';

/**
 * Mistakes in where the data lives, refused before anything opens (issue 15): one line naming the
 * flag, the value and what is allowed, instead of a driver's message about something else
 * (`getaddrinfo ENOTFOUND base`) or a server that starts and then fails every login.
 */
export function checkStoreFlags(config: Config): void {
  if (config.databaseUrl !== undefined) {
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(config.databaseUrl)?.[1]?.toLowerCase();
    if (scheme !== 'postgres' && scheme !== 'postgresql') {
      // Only the scheme is echoed: the rest of a URL may hold a password.
      throw new Error(
        `--database-url must be a postgres:// or postgresql:// URL, not ${scheme ? `${scheme}://…` : 'a value without a scheme'}`,
      );
    }
    try {
      new URL(config.databaseUrl);
    } catch {
      throw new Error('--database-url is not a valid URL (postgres://user@host:5432/database)');
    }
    return;
  }
  if (config.db === ':memory:') return;
  const path = resolve(config.db);
  // A missing file (and folder) is created on open; an existing one must be writable, and so must
  // its folder, where SQLite keeps its write-ahead log.
  if (!existsSync(path)) return;
  if (!writable(path)) throw new Error(`--db ${config.db}: the file is read-only; SQLite needs to write it`);
  if (!writable(dirname(path)))
    throw new Error(`--db ${config.db}: its folder is read-only; SQLite writes its journal beside it`);
}

/** Writable to us, and meant to be: a file chmod'ed read-only is refused even for root, who could write it. */
function writable(path: string): boolean {
  try {
    if ((statSync(path).mode & 0o222) === 0) return false;
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
