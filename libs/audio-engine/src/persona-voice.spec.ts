import { describe, expect, it } from '@jest/globals';
import { renderSong } from './render.js';
import { SAMPLE_RATE } from './types.js';
import { analyseVoice } from './voice-analysis.js';

const LYRICS = '[Verse]\nI woke up this morning\nWith sunshine on my face\n[Chorus]\nHold on to the light\nHold on tonight';

describe('persona voice and timed lyrics', () => {
  it('knows when each lyric line is sung: in order, inside the song, the written text', () => {
    const song = renderSong({ prompt: 'upbeat pop song', lyrics: LYRICS, durationSeconds: 40, seed: 5 }, 0);
    expect(song.timedLyrics.length).toBeGreaterThanOrEqual(4);
    const texts = new Set(song.timedLyrics.map((l) => l.text));
    expect([...texts].every((t) => LYRICS.includes(t))).toBe(true);
    expect(texts).toContain('Hold on to the light');
    for (let i = 0; i < song.timedLyrics.length; i++) {
      const line = song.timedLyrics[i]!;
      expect(line.end).toBeGreaterThan(line.start);
      expect(line.end).toBeLessThanOrEqual(40);
      if (i > 0) expect(line.start).toBeGreaterThanOrEqual(song.timedLyrics[i - 1]!.end - 1e-6);
    }
    // The vocal stem is sounding inside a line's window.
    const first = song.timedLyrics[0]!;
    const from = Math.round(first.start * SAMPLE_RATE);
    const to = Math.round(first.end * SAMPLE_RATE);
    let energy = 0;
    for (let i = from; i < to; i++) energy += song.layers.vocals.left[i]! ** 2;
    expect(energy / (to - from)).toBeGreaterThan(1e-5);
    expect(renderSong({ prompt: 'upbeat pop song', instrumental: true, durationSeconds: 10, seed: 5 }, 0).timedLyrics).toEqual([]);
  });

  it('renders a persona closer to its measured voice than a default render, with its singer', () => {
    const source = renderSong({ prompt: 'bright happy pop with female vocals and bells', durationSeconds: 12, seed: 3 }, 0);
    const measured = analyseVoice(source.mix, SAMPLE_RATE);
    const persona = { voice: source.params.voice!.gender, timbre: measured.timbre, spectralCentroidHz: measured.spectralCentroidHz };
    const request = { prompt: 'dark slow ambient ballad with male vocals', durationSeconds: 12, seed: 9 };
    const plain = renderSong(request, 0);
    const withPersona = renderSong({ ...request, persona }, 0);
    expect(withPersona.params.voice).toEqual({ gender: 'female', timbre: measured.timbre });
    expect(plain.params.voice?.gender).toBe('male');
    const distance = (mix: typeof plain.mix) => {
      const a = analyseVoice(mix, SAMPLE_RATE);
      return Math.abs(a.timbre.brightness - measured.timbre.brightness) + Math.abs(a.timbre.breathiness - measured.timbre.breathiness);
    };
    const dPersona = distance(withPersona.mix);
    const dPlain = distance(plain.mix);
    expect(dPersona).toBeLessThan(dPlain);
    expect(Math.abs(Math.log2(analyseVoice(withPersona.mix, SAMPLE_RATE).spectralCentroidHz / measured.spectralCentroidHz))).toBeLessThan(0.15);
    expect(withPersona.personaTiltDb).toBeDefined();
  });
});
