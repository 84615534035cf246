// One-call generation used by workers: two variants, each rendered, MP3-encoded and given a cover.
import { renderCover } from './cover.js';
import { encodeMp3 } from './mp3-encode.js';
import { renderSong } from './render.js';
import type { SongParams, SongRequest, TimedLyricLine } from './types.js';

export interface GeneratedVariant {
  variantIndex: number;
  params: SongParams;
  durationSeconds: number;
  mp3: Buffer;
  cover: Buffer;
  /** When each lyric line is sung (empty without lyrics). */
  timedLyrics: TimedLyricLine[];
  /** The persona's tonal-balance tilt (dB), when a persona with a measured centroid drove the render. */
  personaTiltDb?: number;
}

export const VARIANT_COUNT = 2;

/** Title for the cover: the requested one, else the first words of the prompt. */
export function coverTitle(req: SongRequest): string {
  const t = req.title?.trim();
  if (t) return t;
  const words = (req.prompt ?? '').trim().split(/\s+/).filter(Boolean).slice(0, 5);
  return words.length > 0 ? words.join(' ') : 'Untitled';
}

export function generateVariant(req: SongRequest, variantIndex: number, kbps = 192): GeneratedVariant {
  const song = renderSong(req, variantIndex);
  const mp3 = encodeMp3(song.mix, song.sampleRate, kbps);
  const cover = renderCover(song.params, coverTitle(req));
  return { variantIndex, params: song.params, durationSeconds: song.durationSeconds, mp3, cover, timedLyrics: song.timedLyrics, ...(song.personaTiltDb !== undefined ? { personaTiltDb: song.personaTiltDb } : {}) };
}

export function generateSongFiles(req: SongRequest): { variants: GeneratedVariant[] } {
  const variants: GeneratedVariant[] = [];
  for (let v = 0; v < VARIANT_COUNT; v++) variants.push(generateVariant(req, v));
  return { variants };
}
