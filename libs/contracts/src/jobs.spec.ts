import { describe, expect, it } from '@jest/globals';
import { CreateGenerationBody } from './api/generations.js';
import { JOBS, JobNameForKind, JobMessage, parseJobPayload } from './jobs.js';

describe('job contracts', () => {
  it('routes every kind with a handler to a job of that kind', () => {
    for (const [kind, name] of Object.entries(JobNameForKind)) {
      expect(JOBS[name!].kind).toBe(kind);
    }
  });

  it('validates queue messages on both ends', () => {
    const ok = { jobId: '3f1c2a9e-5b7d-4c1e-9a2b-0c6d8e4f1a3b', userId: '9a2b3f1c-5b7d-4c1e-9a2b-0c6d8e4f1a3b', correlationId: 'c' };
    expect(parseJobPayload('generation.run', ok)).toEqual(ok);
    expect(JobMessage.safeParse({ ...ok, jobId: 'nope' }).success).toBe(false);
    expect(JobMessage.safeParse({ ...ok, correlationId: '' }).success).toBe(false);
  });

  it('keeps the generation body strict', () => {
    expect(CreateGenerationBody.safeParse({ prompt: 'x', is_admin: true }).success).toBe(false);
    expect(CreateGenerationBody.safeParse({ prompt: 'x'.repeat(3000) }).success).toBe(true);
    expect(CreateGenerationBody.safeParse({ prompt: 'x'.repeat(3001) }).success).toBe(false);
    expect(CreateGenerationBody.safeParse({ prompt: 'x', lyrics: 'y'.repeat(5001) }).success).toBe(false);
    expect(CreateGenerationBody.safeParse({ prompt: 'x', reference_audio_url: 'javascript:alert(1)' }).success).toBe(false);
  });
});
