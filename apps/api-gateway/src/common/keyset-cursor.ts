import { validationProblem } from './problem.js';

/** Opaque cursor of a newest-first page: the last row's created_at (with microseconds) and id. */
export const encodeKeyset = (at: string, id: string) => Buffer.from(`${at}|${id}`).toString('base64url');

export function decodeKeyset(cursor: string | undefined): { createdAt: string; id: string } | undefined {
  if (cursor === undefined) return undefined;
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!id || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id) || !at || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$/.test(at) || Number.isNaN(Date.parse(at))) {
    throw validationProblem([{ path: 'query.cursor', message: 'not a cursor this API issued' }]);
  }
  return { createdAt: at, id };
}
