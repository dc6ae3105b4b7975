import type { Redis } from 'ioredis';

/**
 * Deletes the keys matching a SCAN pattern (never KEYS, so a big Redis is not blocked), those
 * `select` chooses.
 */
export async function deleteKeys(
  redis: Redis,
  pattern: string,
  select: (key: string) => boolean = () => true,
): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next;
    const doomed = keys.filter(select);
    if (doomed.length > 0) await redis.unlink(...doomed);
  } while (cursor !== '0');
}

/** A literal text (a key prefix) inside a SCAN MATCH pattern. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
