import { describe, expect, it } from '@jest/globals';
import { ALL_BUCKETS, audioLibraryObjectKey, coverObjectKey, PUBLIC_BUCKETS, safeSegment, stemObjectKey, trackObjectKey } from './storage-keys.js';

describe('bucket layout of the design', () => {
  it('has the five buckets, three of them public', () => {
    expect([...ALL_BUCKETS].sort()).toEqual(['audio-library', 'covers', 'stems', 'tracks', 'tracks-archive']);
    expect([...PUBLIC_BUCKETS].sort()).toEqual(['covers', 'stems', 'tracks']);
  });

  it('builds keys exactly as the design shows', () => {
    expect(trackObjectKey('u1', 't1', 'audio.mp3')).toBe('u1/t1/audio.mp3');
    expect(trackObjectKey('u1', 't1', 'cover.jpg', 1)).toBe('u1/t1/variants/1/cover.jpg');
    expect(stemObjectKey('t1', 's1', 'vocals')).toBe('t1/s1/vocals.mp3');
    expect(audioLibraryObjectKey('u1', 'loops', 'beat.wav')).toBe('u1/loops/beat.wav');
    expect(coverObjectKey('projects', 'p1')).toBe('projects/p1.jpg');
    expect(coverObjectKey('profiles', 'u1')).toBe('profiles/u1.jpg');
  });

  it('never lets a user-supplied name escape its folder', () => {
    expect(audioLibraryObjectKey('u1', '../../other-user', '../secret.mp3')).toBe('u1/.._.._other-user/.._secret.mp3');
    expect(safeSegment('..')).toBe('_');
    expect(safeSegment('a\u0000b')).toBe('a_b');
    expect(safeSegment('')).toBe('_');
  });
});
