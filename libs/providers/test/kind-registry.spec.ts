import { describe, expect, it } from '@jest/globals';
import { createKindProviders, ProviderEnv } from '../src/index.js';

const names = (kind: Map<string, { name: string; mode: string }>) => [...kind.values()].map((p) => `${p.name}:${p.mode}`);
const fetchReport = async () => '';

describe('createKindProviders', () => {
  it('offers nothing without credentials', () => {
    const kinds = createKindProviders(ProviderEnv.parse({}), { fetchReport });
    expect(Object.values(kinds).every((kind) => kind.size === 0)).toBe(true);
  });

  it('offers Suno task kinds only with callback settings, immediate ones with the key alone; others by their credentials', () => {
    const keyOnly = createKindProviders(ProviderEnv.parse({ SUNO_API_KEY: 'k' }), { fetchReport });
    expect(names(keyOnly.persona)).toEqual(['suno:immediate']);
    expect(keyOnly.stems.size).toBe(0);
    const all = createKindProviders(
      ProviderEnv.parse({
        SUNO_API_KEY: 'k', PROVIDER_CALLBACK_BASE_URL: 'https://api.example.com', PROVIDER_CALLBACK_SECRET: 'x'.repeat(32),
        MUREKA_API_KEY: 'm', REPLICATE_API_TOKEN: 'r', FAL_KEY: 'f', FAL_DESCRIPTION_MODEL: 'fal-ai/describer',
      }),
      { fetchReport },
    );
    expect(names(all.stems)).toEqual(['suno:task', 'replicate:task']);
    expect(names(all.lyrics)).toEqual(['suno:task', 'mureka:immediate']);
    expect(names(all.recognition)).toEqual(['mureka:immediate']);
    expect(names(all.upscale)).toEqual(['replicate:task']);
    expect(names(all.description)).toEqual(['fal:task']);
    expect(Object.values(all).every((kind) => kind.size > 0)).toBe(true);
    expect(createKindProviders(ProviderEnv.parse({ REPLICATE_API_TOKEN: 'r' }), {}).classification.size).toBe(0); // no report reader, no classifier
  });
});
