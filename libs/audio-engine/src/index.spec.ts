import { describe, expect, it } from '@jest/globals';
import * as engine from './index.js';

describe('public API', () => {
  it('exposes the engine identity and entry points', () => {
    expect(engine.ENGINE_NAME).toBe('muse-local-engine');
    expect(engine.ENGINE_VERSION).toBe('1.0.0');
    for (const fn of ['deriveSongParams', 'renderSong', 'encodeMp3', 'decodeMp3', 'encodeWav', 'renderCover', 'generateSongFiles', 'generateSongFilesParallel'] as const) {
      expect(typeof engine[fn]).toBe('function');
    }
  });
});
