import { describe, expect, it } from '@jest/globals';
import { MIX_PROGRESS_SAMPLES } from './mixer.js';
import { deriveSongContext } from './params.js';
import { finishSong, renderSong, renderStems } from './render.js';
import { LAYER_NAMES } from './types.js';
import type { LayerName, RenderedSong, SongRequest, StereoBuffer } from './types.js';

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

const sameSamples = (a: Float32Array, b: Float32Array): boolean => a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe('renderStems + finishSong (the parallel render: disjoint stem sets, mastered together)', () => {
  // A sung pop song with a persona (tilt), an instrumental jazz transformation, and a sidechained electronic track.
  const requests: SongRequest[] = [
    { ...vocalReq, lyrics: 'everybody is singing tonight\nunderneath a million city lights', persona: { voice: 'female', spectralCentroidHz: 2500 } },
    { prompt: 'jazz, smooth jazz, piano, saxophone, 97 bpm, key of D minor', genre: 'jazz', instrumental: true, durationSeconds: 7, seed: 9 },
    { prompt: 'driving electronic dance track', durationSeconds: 6, seed: 4 },
  ];
  const splits: LayerName[][][] = [[['drums', 'chords'], ['bass', 'melody', 'vocals']], [['vocals'], ['drums', 'bass', 'chords', 'melody']]];

  it.each(requests.map((r) => [r.prompt!, r] as const))('gives renderSong\'s stems, mix and lyric timing bit for bit: %s', (_, req) => {
    const whole = renderSong(req, 1);
    for (const split of splits) {
      const ctx = deriveSongContext(req, 1);
      const parts = split.map((stems) => renderStems(deriveSongContext(req, 1), stems));
      // Only the stems asked for come back.
      parts.forEach((part, i) => expect(Object.keys(part.layers).sort()).toEqual([...split[i]!].sort()));
      const song = finishSong(ctx, Object.assign({}, ...parts.map((p) => p.layers)), parts[0]!.timedLyrics);
      for (const k of LAYER_NAMES) {
        expect(sameSamples(song.layers[k].left, whole.layers[k].left)).toBe(true);
        expect(sameSamples(song.layers[k].right, whole.layers[k].right)).toBe(true);
      }
      expect(sameSamples(song.mix.left, whole.mix.left)).toBe(true);
      expect(sameSamples(song.mix.right, whole.mix.right)).toBe(true);
      for (const part of parts) expect(part.timedLyrics).toEqual(whole.timedLyrics);
      expect(song.personaTiltDb).toBe(whole.personaTiltDb);
    }
    if (req.lyrics) expect(whole.timedLyrics.length).toBeGreaterThan(0);
    if (req.persona) expect(whole.personaTiltDb).not.toBe(0);
  });

  it('tells the mix progress in order, each part final when told, the last at the end', () => {
    const req = requests[2]!;
    const whole = renderSong(req, 0);
    const ctx = deriveSongContext(req, 0);
    const { layers, timedLyrics } = renderStems(ctx, LAYER_NAMES);
    const seen: { end: number; left: Float32Array }[] = [];
    const song = finishSong(ctx, layers as Record<LayerName, StereoBuffer>, timedLyrics, undefined, (mix, end) => seen.push({ end, left: mix.left.slice(0, end) }));
    expect(seen.length).toBe(Math.ceil(song.mix.left.length / MIX_PROGRESS_SAMPLES));
    expect(seen.at(-1)!.end).toBe(song.mix.left.length);
    let last = 0;
    for (const s of seen) {
      expect(s.end).toBeGreaterThan(last);
      last = s.end;
      // What was handed over then is what the finished mix holds.
      expect(sameSamples(s.left, whole.mix.left.subarray(0, s.end))).toBe(true);
    }
  });
});

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
