import type { z } from 'zod';
import { validationProblem, type FieldError } from './problem.js';

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
