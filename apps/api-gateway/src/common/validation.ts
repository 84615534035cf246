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
 * Endpoints that take no body: a body sent anyway is refused, not ignored — `{}` as JSON is the only
 * one accepted. A non-JSON body never reaches `req.body` (the JSON parser skips it), so its presence is
 * read from the headers (a stray non-JSON content type counts as one).
 */
export function parseEmptyBody(req: { headers: Record<string, string | string[] | undefined>; body?: unknown }): void {
  const sent = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined || req.headers['content-type'] !== undefined;
  if (!sent) return;
  if (!/^application\/json\s*(;|$)/i.test(String(req.headers['content-type'] ?? ''))) throw new Problem(415, 'unsupported-media-type', 'this endpoint takes no body (or {} as application/json)');
  parseInput(z.strictObject({}), req.body ?? {}, 'body');
}
