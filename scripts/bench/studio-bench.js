#!/usr/bin/env node
// Speed of each local studio implementation (issue 5) on a 3-minute track, as a multiple of real time
// (audio seconds processed per wall-clock second; lyrics: songs per second). Each stage runs what the
// worker runs for that kind: WAV export (MP3 decode + 44.1 kHz PCM write), upscale (decode + 48 kHz
// polyphase resample + 24-bit write), section replacement (decode + engine render of the section +
// crossfaded splice + MP3 encode of the whole new version), persona voice analysis (decode + analysis),
// transformation (decode + tempo/key analysis + full engine re-render + MP3), effects (decode + chain + MP3),
// lyrics (the local writer). Storage and database time are not included (they are not the engine's).
// Writes bench/studio-results.md.  Run: npx tsc -b libs/audio-engine && node scripts/bench/studio-bench.js
import { writeFileSync, mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import {
  analyseMusic, analyseVoice, applyEffectsChain, decodeMp3, encodeMp3, encodeWav, renderSong, resampleStereo, spliceSection, writeLyrics,
} from '../../libs/audio-engine/dist/index.js';
import { fmt, machine } from './support.js';

const SECONDS = Number(process.env.BENCH_TRACK_SECONDS ?? 180);
const SECTION_SECONDS = Number(process.env.BENCH_SECTION_SECONDS ?? 20);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SR = 44100;
const DELAY = 1105; // LAME + mpg123 codec delay, stripped like the worker does

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
async function time(fn) {
  const ms = [];
  let out;
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    out = await fn();
    ms.push(performance.now() - t);
  }
  return { ms: median(ms), out };
}
async function decodeTrimmed(mp3) {
  const d = await decodeMp3(mp3);
  return { left: d.left.slice(DELAY, DELAY + SECONDS * SR), right: d.right.slice(DELAY, DELAY + SECONDS * SR), sampleRate: d.sampleRate };
}

console.error(`rendering a ${SECONDS} s source track…`);
const song = renderSong({ prompt: 'energetic electronic pop anthem with female vocals', durationSeconds: SECONDS, seed: 1234 }, 0);
const mp3 = encodeMp3(song.mix, SR, 192);

const rows = [];
const add = (kind, what, ms, audioSeconds, note = '') => rows.push({ kind, what, ms, x: audioSeconds / (ms / 1000), note });

const decode = await time(() => decodeTrimmed(mp3));
add('(shared) decode', `MP3 192 kbps → PCM float, ${SECONDS} s`, decode.ms, SECONDS);

const wav = await time(async () => encodeWav(await decodeTrimmed(mp3), SR, 16));
add('wav', 'decode + 16-bit 44.1 kHz WAV', wav.ms, SECONDS, `${(wav.out.length / 2 ** 20).toFixed(1)} MiB`);

const up = await time(async () => {
  const d = await decodeTrimmed(mp3);
  return encodeWav(resampleStereo(d, SR, 48000), 48000, 24);
});
add('upscale', 'decode + 44.1→48 kHz polyphase sinc (128 taps) + 24-bit WAV', up.ms, SECONDS, `${(up.out.length / 2 ** 20).toFixed(1)} MiB`);

const section = await time(async () => {
  const d = await decodeTrimmed(mp3);
  const start = 60 * SR, end = start + SECTION_SECONDS * SR;
  const fresh = renderSong({ prompt: 'a wild jazz saxophone break', durationSeconds: SECTION_SECONDS + 1, seed: 7 }, 0);
  const spliced = spliceSection(d, { left: fresh.mix.left.subarray(0, end - start), right: fresh.mix.right.subarray(0, end - start) }, { start, end, fade: Math.round(0.06 * SR) });
  return encodeMp3(spliced, SR, 192);
});
add('section_replacement', `decode + render ${SECTION_SECONDS} s section + splice + MP3 of the whole new version`, section.ms, SECONDS);

const persona = await time(async () => analyseVoice(await decodeTrimmed(mp3), SR));
add('persona', 'decode + voice/timbre analysis', persona.ms, SECONDS);

const transform = await time(async () => {
  const d = await decodeTrimmed(mp3);
  const a = analyseMusic(d, SR);
  const out = renderSong({ prompt: `jazz, smooth jazz, piano, saxophone, ${Math.round(a.tempoBpm)} bpm, key of ${a.key} ${a.mode}`, genre: 'jazz', instrumental: true, durationSeconds: SECONDS, seed: 9 }, 0);
  return encodeMp3(out.mix, SR, 192);
});
add('transformation', 'decode + tempo/key analysis + full re-render in the preset style + MP3', transform.ms, SECONDS);

// The two system presets of the design, chained: EQ + reverb + reverb + delay, plus a compressor.
const chain = [
  { type: 'equalizer', settings: { low: 1.2, mid: 1.0, high: 1.1 } },
  { type: 'compressor', settings: { threshold_db: -18, ratio: 3 } },
  { type: 'reverb', settings: { room_size: 0.8, damping: 0.2 } },
  { type: 'delay', settings: { time: 0.5, feedback: 0.3 } },
];
const effects = await time(async () => encodeMp3(applyEffectsChain(await decodeTrimmed(mp3), SR, chain), SR, 192));
add('effects (transformation_type effects)', 'decode + EQ + compressor + reverb + delay + MP3', effects.ms, SECONDS);

// The effects job kind on a track version (POST /v1/tracks/{id}/effects): what its worker runs per job.
const ambient = [{ type: 'reverb', settings: { room_size: 0.8, damping: 0.2 } }, { type: 'delay', settings: { time: 0.5, feedback: 0.3 } }];
const fxPreset = await time(async () => encodeMp3(applyEffectsChain(await decodeTrimmed(mp3), SR, ambient), SR, 192));
add('effects (job on a track version)', "decode + system preset 'Ambient Space' (reverb + delay) + MP3 of the new version", fxPreset.ms, SECONDS);
const fxEq = await time(async () => encodeMp3(applyEffectsChain(await decodeTrimmed(mp3), SR, [{ type: 'equalizer', settings: { high: 0.25 } }]), SR, 192));
add('effects (job on a track version)', 'decode + inline chain: EQ high shelf −12 dB + MP3 of the new version', fxEq.ms, SECONDS);

// Generation with a persona: the persona's singer and voice controls, plus the tonal-balance match (a bisection
// over a 500 Hz shelf on the stem sum) before mastering. One run each (a full 3-minute render is the slow part).
const source = analyseVoice(song.mix, SR);
const personaVoice = { voice: song.params.voice?.gender ?? 'female', timbre: source.timbre, spectralCentroidHz: source.spectralCentroidHz };
const genRequest = { prompt: 'dark slow ambient ballad with male vocals', durationSeconds: SECONDS, seed: 77 };
let t0 = performance.now();
renderSong(genRequest, 0);
const plainMs = performance.now() - t0;
t0 = performance.now();
const personaSong = renderSong({ ...genRequest, persona: personaVoice }, 0);
const personaMs = performance.now() - t0;
add('generation (default voice)', 'one variant: full engine render (no MP3), for comparison', plainMs, SECONDS, '1 run');
add('generation with persona', `one variant: render with the persona's voice + tonal match (tilt ${personaSong.personaTiltDb} dB)`, personaMs, SECONDS, `1 run; +${fmt((personaMs / plainMs - 1) * 100, 0)} % over default`);

const lyricsRuns = 50;
const t = performance.now();
for (let i = 0; i < lyricsRuns; i++) writeLyrics({ prompt: 'a sunny reggae song about the sea and summer', seed: i });
const lyricsMs = (performance.now() - t) / lyricsRuns;

mkdirSync('bench', { recursive: true });
const lines = [
  '# Studio kinds — local implementations',
  '',
  `Source: a ${SECONDS} s engine-rendered song, MP3 192 kbps (${(mp3.length / 2 ** 20).toFixed(1)} MiB). Median of ${RUNS} runs, one thread, engine code only (no S3/DB). `,
  `× real time = audio seconds processed per wall-clock second. Machine: ${machine()}, load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' / ')} (other work on the box slows every row alike). Date: ${new Date().toISOString()}.`,
  '',
  '| kind | what runs | wall time | × real time | note |',
  '|---|---|---:|---:|---|',
  ...rows.map((r) => `| ${r.kind} | ${r.what} | ${fmt(r.ms / 1000, 2)} s | ${fmt(r.x, 1)}× | ${r.note} |`),
  `| lyrics | local writer, one song (6 sections, metre + rhyme search) | ${fmt(lyricsMs, 1)} ms | ${fmt(1000 / lyricsMs, 0)} songs/s | not audio |`,
  '',
];
writeFileSync('bench/studio-results.md', lines.join('\n'));
console.log(lines.join('\n'));
