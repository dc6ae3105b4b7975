/**
 * The unique index (or constraint) a failed write violated, or undefined when the error is not a
 * unique violation. The two drivers report it differently: pg as SQLSTATE 23505 with the index in
 * `constraint`; better-sqlite3 as SQLITE_CONSTRAINT_UNIQUE with it in the message, which names an
 * index (`index 'x'`) when its key holds expressions and the columns (`t.a, t.b`) otherwise.
 */
export function violatedUniqueIndex(error: unknown): string | undefined {
  const e = error as { code?: unknown; constraint?: unknown; message?: unknown } | null;
  if (e === null || typeof e !== 'object') return undefined;
  if (e.code === '23505') return typeof e.constraint === 'string' ? e.constraint : '';
  if (e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    const named = typeof e.message === 'string' ? /index '([^']+)'/.exec(e.message) : null;
    return named?.[1] ?? '';
  }
  return undefined;
}
