import { encodeMp3, encodeWav, renderSong, resampleStereo, SAMPLE_RATE, type StereoBuffer } from '@muse/audio-engine';

const MP3_STEM_RATE = 22_050;

/*
 * The simulator's follow-up results are real audio derived from one rendered song (rendered on
 * first use, so simulator start-up stays cheap): stems are the engine's own layers of that song (the
 * parts exactly as summed into the mix), WAV is the mix as 16-bit PCM, the upscale is the mix
 * resampled to 48 kHz (a real 48 kHz file), a transformation is a second render in another style.
 */
export const SIM_LYRICS = '[Verse]\nSimulated light on a simulated street\nEvery little echo keeps the beat\n[Chorus]\nSing it back to me\nSing it back';

export interface SimAudio {
  durationSeconds: number;
  /** Stem names this song has (vocals, instrumental, drums, bass, other, keyboard, synth). */
  stemNames: readonly string[];
  /** A stem as 16-bit WAV (encoded on first use, then kept). */
  stem(name: string): Buffer | undefined;
  /** A stem as MP3 (what Suno and Demucs-with-mp3 send): the parts of a shorter render at 22.05 kHz, see below. */
  stemMp3(name: string): Buffer | undefined;
  wav(): Buffer;
  wav48k(): Buffer;
  transformed(): Buffer;
  /** Lines as sung (seconds). */
  lines: Array<{ start: number; end: number; text: string }>;
}

function mixOf(buffers: StereoBuffer[], length: number): StereoBuffer {
  const left = new Float32Array(length);
  const right = new Float32Array(length);
  for (const b of buffers) {
    for (let i = 0; i < length; i++) {
      left[i]! += b.left[i] ?? 0;
      right[i]! += b.right[i] ?? 0;
    }
  }
  return { left, right };
}

function once<T>(fn: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= fn());
}

let cached: SimAudio | undefined;

/**
 * Everything is computed on first use and kept: encoding is the expensive part (seconds on a busy
 * machine), so each file is made only when a test first asks for it.
 */
export function simAudio(): SimAudio {
  if (cached) return cached;
  const song = renderSong({ prompt: 'simulated provider song', lyrics: SIM_LYRICS, durationSeconds: 8, seed: 11 }, 0);
  const n = song.mix.left.length;
  const { drums, bass, chords, melody, vocals } = song.layers;
  const parts: Record<string, () => StereoBuffer> = {
    vocals: () => vocals,
    instrumental: () => mixOf([drums, bass, chords, melody], n),
    drums: () => drums,
    bass: () => bass,
    other: () => mixOf([chords, melody], n),
    keyboard: () => chords,
    synth: () => melody,
  };
  const stems = new Map<string, Buffer>();
  // MP3 stems: lamejs takes seconds per file on a busy machine, and workers keep MP3 stems as sent, so
  // they are the layers of a 5 s render of the same prompt, at 22.05 kHz (MPEG-2 layer III) — still the
  // real parts of a real mix, at a quarter of the encoding work.
  const short = once(() => renderSong({ prompt: 'simulated provider song', durationSeconds: 5, seed: 11 }, 0));
  const shortParts = (name: string): StereoBuffer | undefined => {
    const { layers, mix } = short();
    const n = mix.left.length;
    const table: Record<string, () => StereoBuffer> = {
      vocals: () => layers.vocals,
      instrumental: () => mixOf([layers.drums, layers.bass, layers.chords, layers.melody], n),
      drums: () => layers.drums,
      bass: () => layers.bass,
      other: () => mixOf([layers.chords, layers.melody], n),
      keyboard: () => layers.chords,
      synth: () => layers.melody,
    };
    return table[name]?.();
  };
  const mp3Stems = new Map<string, Buffer>();
  cached = {
    durationSeconds: song.durationSeconds,
    stemNames: Object.keys(parts),
    stem: (name) => {
      const part = parts[name];
      if (!part) return undefined;
      if (!stems.has(name)) stems.set(name, encodeWav(part(), SAMPLE_RATE, 16));
      return stems.get(name);
    },
    stemMp3: (name) => {
      if (!mp3Stems.has(name)) {
        const part = shortParts(name);
        if (!part) return undefined;
        mp3Stems.set(name, encodeMp3(resampleStereo(part, SAMPLE_RATE, MP3_STEM_RATE), MP3_STEM_RATE, 64));
      }
      return mp3Stems.get(name);
    },
    wav: once(() => encodeWav(song.mix, SAMPLE_RATE, 16)),
    wav48k: once(() => encodeWav(resampleStereo(song.mix, SAMPLE_RATE, 48_000), 48_000, 16)),
    transformed: once(() => encodeWav(renderSong({ prompt: 'full classical orchestra, strings and brass', durationSeconds: 5, seed: 12 }, 0).mix, SAMPLE_RATE, 16)),
    lines: song.timedLyrics.map((l) => ({ start: l.start, end: l.end, text: l.text })),
  };
  return cached;
}

/** Makes every file now (see startProviderSimulator's warmAudio). */
export function warmSimAudio(): void {
  const audio = simAudio();
  for (const name of audio.stemNames) {
    audio.stem(name);
    audio.stemMp3(name);
  }
  audio.wav();
  audio.wav48k();
  audio.transformed();
}

/** Each line's words, with the line's time shared out by word length (what an aligner reports, roughly). */
export function wordsOf(lines: SimAudio['lines']): Array<{ word: string; start: number; end: number; lineStart: boolean }> {
  const out: Array<{ word: string; start: number; end: number; lineStart: boolean }> = [];
  for (const line of lines) {
    const words = line.text.split(/\s+/).filter(Boolean);
    const total = words.reduce((s, w) => s + w.length, 0) || 1;
    let t = line.start;
    words.forEach((w, i) => {
      const d = ((line.end - line.start) * w.length) / total;
      out.push({ word: w, start: Math.round(t * 100) / 100, end: Math.round((t + d) * 100) / 100, lineStart: i === 0 });
      t += d;
    });
  }
  return out;
}
