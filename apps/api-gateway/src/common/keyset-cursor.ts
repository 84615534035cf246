import type { Keyset } from '@muse/db';
import { validationProblem } from './problem.js';

/** Opaque cursor of a newest-first page: the last row's created_at (microseconds, UTC) and id. */
export const encodeCursor = (k: Keyset): string => Buffer.from(`${k.createdAt}|${k.id}`).toString('base64url');

export function decodeCursor(cursor: string | undefined): Keyset | undefined {
  if (cursor === undefined) return undefined;
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!id || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id) || !at || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$/.test(at) || Number.isNaN(Date.parse(at))) {
    throw validationProblem([{ path: 'query.cursor', message: 'not a cursor this API issued' }]);
  }
  return { createdAt: at, id };
}

/**
 * `{data, next_cursor}` from rows fetched with limit + 1: the extra row only says a next page exists.
 * `idOf` names the row's keyset id when it is not `id` (e.g. a follow row listed by the user's id).
 */
export function toPage<R extends { cursor_at: string; id: string }, O>(rows: R[], limit: number, present: (row: R) => O, idOf: (row: R) => string = (r) => r.id) {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { data: page.map(present), next_cursor: rows.length > limit && last ? encodeCursor({ createdAt: last.cursor_at, id: idOf(last) }) : null };
}

/** Drops the cursor bookkeeping column from a row. */
export const withoutCursor = <R extends { cursor_at: string }>({ cursor_at: _c, ...row }: R): Omit<R, 'cursor_at'> => row;
