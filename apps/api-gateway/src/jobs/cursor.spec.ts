import { describe, expect, it } from '@jest/globals';
import { Problem } from '../common/problem.js';
import { decodeCursor, encodeCursor } from './jobs.service.js';

describe('job list cursors', () => {
  it('round-trips the keyset position', () => {
    const at = '2026-11-22T10:00:00.123Z';
    const id = '3f1c2a9e-5b7d-4c1e-9a2b-0c6d8e4f1a3b';
    expect(decodeCursor(encodeCursor(at, id))).toEqual({ createdAt: new Date(at), id });
  });

  it.each(['', 'bogus', Buffer.from('not-a-date|3f1c2a9e-5b7d-4c1e-9a2b-0c6d8e4f1a3b').toString('base64url'), Buffer.from('2026-11-22T10:00:00Z|x').toString('base64url')])(
    'refuses %p with a 400 problem',
    (cursor) => {
      expect(() => decodeCursor(cursor)).toThrow(Problem);
    },
  );
});
