import { z } from 'zod';
import { Problem, validationProblem, type FieldError } from './problem.js';

function issuesToErrors(error: z.ZodError, root: string): FieldError[] {
  return error.issues.map((issue) => {
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
    const path = [root, ...issue.path.map(String)].filter(Boolean).join('.');
    if (keys.length) return { path: keys.map((k) => (path ? `${path}.${k}` : k)).join(', '), message: `unknown field${keys.length > 1 ? 's' : ''}` };
    return { path: path || root, message: issue.message };
  });
}

/** Parses input from outside against a contract, or answers 400 naming every bad field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, where: 'body' | 'query' | 'params' | 'headers'): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw validationProblem(issuesToErrors(result.error, where === 'body' ? '' : where));
}

/**
 * Endpoints that take no body: a body sent anyway is refused, not ignored. Either nothing is sent (no
 * body, no content type) or exactly `{}` as UTF-8 JSON. A body the JSON parser did not read (another
 * type, an empty one under a JSON type) never reaches `req.body`, so its presence is read from the headers.
 */
export function parseEmptyBody(req: { headers: Record<string, string | string[] | undefined>; body?: unknown }): void {
  const type = req.headers['content-type'];
  const sent = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined || type !== undefined;
  if (!sent) return;
  if (!/^application\/json\s*(;\s*charset="?utf-8"?\s*)?$/i.test(String(type ?? ''))) {
    throw new Problem(415, 'unsupported-media-type', 'this endpoint takes no body, or {} as application/json');
  }
  if (req.body === undefined) throw validationProblem([{ path: 'body', message: 'an empty body is not JSON: send {} or no content type' }]);
  parseInput(z.strictObject({}), req.body, 'body');
}
