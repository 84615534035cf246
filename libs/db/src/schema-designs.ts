/**
 * Tables of the two designs beyond the platform spine (see migrations 0002+). Kept apart from
 * schema.ts so the spine stays readable; DB merges both.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DesignTables {}
