import { describe, expect, it } from '@jest/globals';
import { classifyAction, isReadOnly } from './admin-actions.js';
import { AdminSessions, readCookie, sessionCookie } from './admin-session.js';

describe('queue dashboard action policy', () => {
  it.each([
    ['PUT', '/api/queues/generation/0b9e/retry', 'job.retry', true],
    ['PUT', '/api/queues/generation/0b9e/promote', 'job.promote', true],
    ['PUT', '/api/queues/generation/0b9e/clean', 'job.remove', true],
    ['PUT', '/api/queues/stems/retry/failed', 'queue.retry-all', true],
    ['PUT', '/api/queues/stems/clean/completed', 'queue.clean', true],
    ['PUT', '/api/queues/pause', 'queues.pause', true],
    ['POST', '/api/queues/generation/add', 'POST /api/queues/generation/add', false],
    ['PUT', '/api/queues/generation/empty', 'PUT /api/queues/generation/empty', false],
    ['PUT', '/api/queues/generation/obliterate', 'PUT /api/queues/generation/obliterate', false],
    ['PATCH', '/api/queues/generation/0b9e/update-data', 'PATCH /api/queues/generation/0b9e/update-data', false],
    ['POST', '/api/queues/generation/0b9e/retry', 'POST /api/queues/generation/0b9e/retry', false],
  ])('%s %s -> %s (allowed: %s)', (method, path, action, allowed) => {
    expect(classifyAction(method, path)).toMatchObject({ action, allowed });
  });

  it('names the queue and job of a job action', () => {
    expect(classifyAction('PUT', '/api/queues/generation/abc-1/retry')).toEqual({ action: 'job.retry', queue: 'generation', jobId: 'abc-1', status: undefined, allowed: true });
  });

  it('treats only safe methods as read-only', () => {
    expect(['GET', 'HEAD', 'OPTIONS'].every(isReadOnly)).toBe(true);
    expect(['PUT', 'POST', 'PATCH', 'DELETE'].some(isReadOnly)).toBe(false);
  });
});

describe('queue dashboard session', () => {
  const sessions = new AdminSessions('a-secret-that-is-long-enough-for-hs256!!');

  it('round-trips the user id and rejects tokens signed with another secret or tampered with', async () => {
    const token = await sessions.issue('8d6b2f7e-3f0c-4b1a-9b59-2f1f8c1f1a11');
    expect(await sessions.verify(token)).toBe('8d6b2f7e-3f0c-4b1a-9b59-2f1f8c1f1a11');
    expect(await new AdminSessions('another-secret-that-is-long-enough-for-hs256').verify(token)).toBeUndefined();
    expect(await sessions.verify(`${token.slice(0, -2)}xx`)).toBeUndefined();
    expect(await sessions.verify('not a token')).toBeUndefined();
  });

  it('sets an HttpOnly, SameSite=Strict cookie scoped to the dashboard and reads it back', () => {
    const cookie = sessionCookie('abc.def.ghi', true);
    expect(cookie).toBe('muse_admin_queues=abc.def.ghi; Path=/admin/queues; Max-Age=900; HttpOnly; SameSite=Strict; Secure');
    expect(readCookie('a=1; muse_admin_queues=abc.def.ghi; b=2', 'muse_admin_queues')).toBe('abc.def.ghi');
    expect(readCookie('a=1', 'muse_admin_queues')).toBeUndefined();
    expect(readCookie(undefined, 'muse_admin_queues')).toBeUndefined();
  });
});
