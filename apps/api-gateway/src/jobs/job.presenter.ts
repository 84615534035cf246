export { presentJob } from '@muse/platform';

/** Rows become resources under their own column names; only timestamps change form. */
export function presentRow<T extends object>(row: T): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]));
}
