import { readFile, rename, writeFile } from 'node:fs/promises';
import { ApiError } from '../errors/api-error.js';
import type { Services } from '../services.js';
import { exportSnapshot, importSnapshot, snapshotOrgId } from './snapshot.js';

/**
 * `serve --import FILE`: the snapshot's org replaces any of the same ID before the server listens.
 * Every failure is one line naming the flag and the file. Returns the imported org's ID.
 */
export async function importSnapshotFile(services: Services, path: string): Promise<string> {
  const fail = (why: string) => new Error(`--import ${path}: ${why}`);
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw fail(error.code === 'ENOENT' ? 'no such file' : error.message);
  });
  let snapshot: unknown;
  try {
    snapshot = JSON.parse(text);
  } catch (error) {
    throw fail(`not JSON (${(error as Error).message})`);
  }
  try {
    return (await importSnapshot(services.store, services.appSecrets, snapshot)).orgId;
  } catch (error) {
    if (error instanceof ApiError) throw fail(error.message);
    throw error;
  }
}

/**
 * `serve --export-on-exit FILE`: the org (the imported one, else the first) written when the server
 * stops; through a temporary file, so a crash mid-write never leaves half a snapshot.
 */
export async function exportSnapshotFile(services: Services, path: string, orgId?: string): Promise<void> {
  const id = await snapshotOrgId(services.store, orgId);
  const snapshot = await exportSnapshot(services.store, services.appSecrets, id);
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(snapshot, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, path);
}
