import { describe, expect, it } from '@jest/globals';
import { renderSong } from './render.js';
import { LAYER_NAMES } from './types.js';
import type { RenderedSong, StereoBuffer } from './types.js';

function rms(buf: StereoBuffer): number {
  let s = 0;
  for (let i = 0; i < buf.left.length; i++) s += buf.left[i]! * buf.left[i]! + buf.right[i]! * buf.right[i]!;
  return Math.sqrt(s / (2 * buf.left.length));
}

function correlation(a: Float32Array, b: Float32Array): number {
  const n = Math.min(a.length, b.length);
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < n; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  return ab / Math.sqrt(aa * bb);
}

function maxSumError(song: RenderedSong): number {
  let worst = 0;
  for (let i = 0; i < song.mix.left.length; i++) {
    let l = 0, r = 0;
    for (const k of LAYER_NAMES) {
      l += song.layers[k].left[i]!;
      r += song.layers[k].right[i]!;
    }
    worst = Math.max(worst, Math.abs(l - song.mix.left[i]!), Math.abs(r - song.mix.right[i]!));
  }
  return worst;
}

const vocalReq = { prompt: 'uplifting pop anthem with female vocals', durationSeconds: 8, seed: 11, instrumental: false };

describe('renderSong', () => {
  const song = renderSong(vocalReq, 0);

  it('renders the exact duration as 44.1 kHz stereo float', () => {
    expect(song.sampleRate).toBe(44100);
    expect(song.channels).toBe(2);
    expect(song.mix.left.length).toBe(8 * 44100);
    expect(song.mix.right.length).toBe(8 * 44100);
    expect(song.durationSeconds).toBeCloseTo(8, 10);
    for (const k of LAYER_NAMES) expect(song.layers[k].left.length).toBe(8 * 44100);
    const odd = renderSong({ ...vocalReq, durationSeconds: 5.5 }, 1);
    expect(odd.mix.left.length).toBe(Math.round(5.5 * 44100));
  });

  it('keeps the mix inside [-1, 1] and non-silent', () => {
    let peak = 0;
    for (const ch of [song.mix.left, song.mix.right]) for (const x of ch) peak = Math.max(peak, Math.abs(x));
    expect(peak).toBeLessThanOrEqual(1);
    expect(peak).toBeGreaterThan(0.3);
    expect(rms(song.mix)).toBeGreaterThan(0.05);
  });

  it('has stems that sum exactly to the mix', () => {
    expect(maxSumError(song)).toBeLessThan(1e-5);
    expect(maxSumError(renderSong({ prompt: 'metal', durationSeconds: 6, seed: 3 }, 1))).toBeLessThan(1e-5);
  });

  it('puts energy in every stem of a full arrangement', () => {
    for (const k of ['drums', 'bass', 'chords', 'vocals'] as const) expect(rms(song.layers[k])).toBeGreaterThan(0.005);
  });

  it('has a silent vocal stem when instrumental and a sounding one otherwise', () => {
    const inst = renderSong({ ...vocalReq, instrumental: true }, 0);
    expect(inst.params.hasVocals).toBe(false);
    expect(inst.layers.vocals.left.every((x) => x === 0)).toBe(true);
    expect(inst.layers.vocals.right.every((x) => x === 0)).toBe(true);
    expect(rms(inst.layers.melody)).toBeGreaterThan(0.005);
    expect(song.params.hasVocals).toBe(true);
    expect(rms(song.layers.vocals)).toBeGreaterThan(0.01);
  });

  it('sings the lyrics it is given', () => {
    const sung = renderSong({ ...vocalReq, lyrics: 'everybody is singing tonight\nunderneath a million city lights' }, 0);
    expect(rms(sung.layers.vocals)).toBeGreaterThan(0.01);
    expect(Math.abs(correlation(sung.layers.vocals.left, song.layers.vocals.left))).toBeLessThan(0.5);
  });

  it('is deterministic for identical input', () => {
    const again = renderSong(vocalReq, 0);
    for (const k of LAYER_NAMES) {
      expect(Buffer.from(again.layers[k].left.buffer).equals(Buffer.from(song.layers[k].left.buffer))).toBe(true);
    }
    expect(Buffer.from(again.mix.right.buffer).equals(Buffer.from(song.mix.right.buffer))).toBe(true);
  });

  it('makes sibling variants audibly different', () => {
    const other = renderSong(vocalReq, 1);
    expect(Math.abs(correlation(song.mix.left, other.mix.left))).toBeLessThan(0.3);
    expect(Math.abs(correlation(song.layers.vocals.left, other.layers.vocals.left))).toBeLessThan(0.3);
    expect(other.params.genre).toBe(song.params.genre);
  });

  it('changes with the seed', () => {
    const other = renderSong({ ...vocalReq, seed: 12 }, 0);
    expect(Math.abs(correlation(song.mix.left, other.mix.left))).toBeLessThan(0.5);
  });

  it('renders every genre without error', () => {
    for (const prompt of ['jazz waltz', 'reggae', 'trap', 'ambient drone', 'classical orchestral in 6/8', 'funk', 'blues shuffle', 'latin reggaeton', 'folk', 'rnb', 'hip hop', 'lofi', 'rock', 'house']) {
      const s = renderSong({ prompt, durationSeconds: 5, seed: 2 }, 0);
      expect(rms(s.mix)).toBeGreaterThan(0.02);
      expect(Number.isFinite(s.mix.left[1000]!)).toBe(true);
    }
  });
});
