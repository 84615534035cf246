/**
 * API JSON is snake_case all the way down (issue 14). Analysis features and engine parameters are
 * computed in camelCase TypeScript objects; these helpers convert keys at the API boundary.
 */
export const snakeCaseKey = (key: string): string =>
  /[A-Z]/.test(key)
    ? key
        .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
        .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
        .replace(/[-\s]+/g, '_')
        .toLowerCase()
    : key;

/** A deep copy with every object key in snake_case (arrays and primitives kept; Dates become ISO strings). */
export function snakeCaseKeys<T>(value: T): T {
  if (value instanceof Date) return value.toISOString() as T;
  if (Array.isArray(value)) return value.map((v) => snakeCaseKeys(v)) as T;
  if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [snakeCaseKey(k), snakeCaseKeys(v)])) as T;
  }
  return value;
}

/** Paths of every key that is not snake_case in a JSON value (empty: all snake_case). */
export function nonSnakeCaseKeys(value: unknown, path = '$'): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => nonSnakeCaseKeys(v, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => [...(/[A-Z]/.test(k) ? [`${path}.${k}`] : []), ...nonSnakeCaseKeys(v, `${path}.${k}`)]);
  }
  return [];
}
