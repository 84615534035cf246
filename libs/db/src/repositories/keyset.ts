import { sql, type RawBuilder } from 'kysely';

/** The last row of a page: its created_at (UTC, microseconds) and id. */
export interface Keyset {
  createdAt: string;
  id: string;
}

/**
 * A column's timestamp in UTC with its microseconds, the cursor of newest-first pages: a millisecond
 * timestamp as cursor would skip rows that share the millisecond.
 */
export const cursorAt = (column = 'created_at'): RawBuilder<string> => sql<string>`to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Rows strictly after the keyset in (created_at desc, id desc) order. */
export const olderThan = (after: Keyset, column: string, idColumn: string): RawBuilder<boolean> =>
  sql<boolean>`(${sql.ref(column)}, ${sql.ref(idColumn)}) < (${after.createdAt}::timestamptz, ${after.id}::uuid)`;
