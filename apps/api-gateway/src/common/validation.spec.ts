import { describe, expect, it } from '@jest/globals';
import { CreateGenerationBody } from '@muse/contracts';
import { Problem } from './problem.js';
import { parseInput } from './validation.js';

const problemOf = (fn: () => unknown): Problem => {
  try {
    fn();
  } catch (error) {
    if (error instanceof Problem) return error;
    throw error;
  }
  throw new Error('expected a problem');
};

describe('parseInput', () => {
  it('returns the parsed value, trimmed as the contract says', () => {
    expect(parseInput(CreateGenerationBody, { prompt: '  a song  ' }, 'body')).toEqual({ prompt: 'a song' });
  });

  it('names every bad field, unknown ones included', () => {
    const p = problemOf(() => parseInput(CreateGenerationBody, { prompt: '', style_tags: ['ok', 7], owner: 'x' }, 'body'));
    expect(p.getStatus()).toBe(400);
    const paths = p.errors!.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['prompt', 'style_tags.1', 'owner']));
    expect(p.errors!.find((e) => e.path === 'owner')!.message).toBe('unknown field');
  });

  it('prefixes query and header paths with where they came from', () => {
    const p = problemOf(() => parseInput(CreateGenerationBody, {}, 'query'));
    expect(p.errors![0]!.path).toBe('query.prompt');
  });
});
