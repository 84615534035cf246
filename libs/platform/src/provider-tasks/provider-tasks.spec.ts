import { describe, expect, it } from '@jest/globals';
import { continuationDelayMs, continuationJobId } from './backoff.js';
import { domainTaskColumn } from './domain-task.js';
import { KindFallbacks, ProviderTaskEnv } from './task-config.js';

describe('provider-task continuations', () => {
  const timing = { PROVIDER_POLL_BASE_MS: 1000, PROVIDER_POLL_MAX_MS: 8000 };

  it('backs off exponentially with equal jitter, capped', () => {
    expect(continuationDelayMs(0, timing, () => 0)).toBe(500);
    expect(continuationDelayMs(0, timing, () => 1)).toBe(1000);
    expect(continuationDelayMs(2, timing, () => 0)).toBe(2000);
    expect(continuationDelayMs(10, timing, () => 0.999999)).toBeLessThanOrEqual(8000);
    expect(continuationDelayMs(10, timing, () => 0)).toBe(4000);
  });

  it('names each poll of a task once, and a new task gets a new chain', () => {
    expect(continuationJobId('j', 'task:1', 3)).toBe(continuationJobId('j', 'task:1', 3));
    expect(continuationJobId('j', 'task:1', 3)).not.toBe(continuationJobId('j', 'task:2', 3));
    expect(continuationJobId('j', 'task:1', 3)).not.toContain(':');
  });

  it('parses per-kind fallbacks and refuses malformed ones', () => {
    expect(KindFallbacks.parse('stems=replicate,suno; lyrics = mureka')).toEqual({ stems: ['replicate', 'suno'], lyrics: ['mureka'] });
    expect(KindFallbacks.parse('')).toEqual({});
    expect(KindFallbacks.safeParse('stems:replicate').success).toBe(false);
    expect(ProviderTaskEnv.parse({}).PROVIDER_TASK_FALLBACKS).toEqual({});
  });

  it('knows the design column of each kind\'s provider task id', () => {
    expect(domainTaskColumn('audio_upscale_job', 'replicate')).toEqual({ table: 'audio_upscale_jobs', column: 'replicate_prediction_id' });
    expect(domainTaskColumn('lyrics_job', 'mureka')).toEqual({ table: 'lyrics_jobs', column: 'mureka_task_id' });
    expect(domainTaskColumn('song_description', 'fal')).toEqual({ table: 'song_descriptions', column: 'fal_request_id' });
    expect(domainTaskColumn('track', 'replicate')).toBeUndefined();
  });
});
