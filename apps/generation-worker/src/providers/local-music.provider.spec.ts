import { describe, expect, it } from '@jest/globals';
import { titleFromPrompt } from './local-music.provider.js';

describe('titleFromPrompt', () => {
  it('names a song from the first words of its prompt', () => {
    expect(titleFromPrompt('sunny reggae about the sea and the sand')).toBe('Sunny Reggae About The Sea');
    expect(titleFromPrompt('  LOUD!!! drums, bass?  ')).toBe('Loud Drums Bass');
    expect(titleFromPrompt('песня о море')).toBe('Песня О Море');
    expect(titleFromPrompt('!!! ???')).toBe('Untitled');
  });
});
