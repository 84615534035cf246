import { snakeCaseKeys } from '@muse/contracts';
import { encodeCursor } from '../common/keyset-cursor.js';
export { presentJob } from '@muse/platform';

/**
 * Rows become resources under their own column names; timestamps become RFC 3339 strings and keys
 * nested in JSON columns (engine parameters, analysis features) become snake_case like the columns.
 */
export function presentRow<T extends object>(row: T): Record<string, unknown> {
  return snakeCaseKeys(Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v])));
}

/** A page of rows without their internal cursor column. */
export function presentPage<T extends { cursor_at: string; id: string }>(rows: T[], limit: number) {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    data: page.map(({ cursor_at: _c, ...row }) => presentRow(row)),
    next_cursor: rows.length > limit && last ? encodeCursor({ createdAt: last.cursor_at, id: last.id }) : null,
  };
}
