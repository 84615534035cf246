#!/usr/bin/env node
// Speed of each local studio implementation (issues 5 and 15) on a 3-minute track, as a multiple of real time
// (audio seconds processed per wall-clock second; lyrics: songs per second). Each stage runs what the
// worker runs for that kind: WAV export (MP3 decode + 44.1 kHz PCM write), upscale (decode + 48 kHz
// polyphase resample + 24-bit write), section replacement (decode + engine render of the section +
// crossfaded splice + MP3 encode of the whole new version), persona voice analysis (decode + analysis),
// transformation (decode + tempo/key analysis + full engine re-render + MP3), effects (decode + chain + MP3),
// lyrics (the local writer). Storage and database time are not included (they are not the engine's).
//
// The machine's two cores are shared, so every stage also reports its CPU time (process.cpuUsage: what
// the work cost, whatever else ran), and × real time is given for both. Then:
//  - the MP3 encoder A/B: the engine's encoder against lamejs (the pure JS encoder it replaced) on the
//    same 3-minute mix, alternated back to back, CPU time; quality by decoding both and comparing with
//    the source PCM (SNR, noise per octave band, log-spectral distance); validity by walking every frame
//    header and decoding;
//  - CPU profiles (node:inspector, in process) of one effects job and one transformation, top frames by
//    self time, WebAssembly frames named by the JS function that called into them;
//  - a history table (bench/studio-history.json, one row per run).
// Stem separation (the stems worker's DSP separator + five streaming MP3 encodes) is timed with the engine's
// encoder and, as the before of issue 15, with the lamejs streaming encoder it replaced (same separator).
// Writes bench/studio-results.md.  Run: npx tsc -b libs/audio-engine libs/audio-analysis && node scripts/bench/studio-bench.js
// `npm run bench` (run-all.js) calls studioBench() and puts its summary into bench/results.md.
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg } from 'node:os';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { decodeAudio, SEPARATED_STEMS, separateToMp3, STEM_TYPES, StreamingSeparator } from '@muse/audio-analysis';
import * as engine from '../../libs/audio-engine/dist/index.js';
import { fmt, machine } from './support.js';

const { analyseMusic, analyseVoice, applyEffectsChain, decodeMp3, encodeMp3, encodeWav, renderSong, resampleStereo, spliceSection, writeLyrics } = engine;
// What the workers encode their results with (two halves in two threads), where the engine has it.
const encodeMp3Parallel = engine.encodeMp3Parallel ?? encodeMp3;
const SECONDS = Number(process.env.BENCH_TRACK_SECONDS ?? 180);
const SECTION_SECONDS = Number(process.env.BENCH_SECTION_SECONDS ?? 20);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const LABEL = process.env.BENCH_LABEL ?? (engine.MP3_ENCODER ?? 'lamejs');
const SR = 44100;
const DELAY = 1105; // LAME + mpg123 codec delay, stripped like the worker does
/** The goal of issue 15 for every studio kind, in audio seconds per CPU second. */
export const STUDIO_GOAL = 30;
/** The studio kinds the goal applies to, as the rows and the history name them. */
export const STUDIO_KINDS = ['wav', 'upscale', 'section_replacement', 'persona', 'transformation', 'effects (transformation_type effects)', 'effects (job on a track version)'];
/** Stem separation is the stems worker's, not a studio kind (the goal is not its), but shares the encoder. */
const HISTORY_KINDS = [...STUDIO_KINDS, 'stems (DSP separation)'];
// The separator is several times slower than any studio kind, and its lamejs before 2.5× that again.
const STEMS_RUNS = Number(process.env.BENCH_STEMS_RUNS ?? 1);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
const cpuMs = (since) => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
};
async function time(fn, runs = RUNS) {
  const ms = [];
  const cpu = [];
  let out;
  for (let i = 0; i < runs; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    out = await fn();
    ms.push(performance.now() - t);
    cpu.push(cpuMs(c));
  }
  return { ms: median(ms), cpu: median(cpu), out };
}
async function decodeTrimmed(mp3) {
  const d = await decodeMp3(mp3);
  // Views, as the worker's decodeAudio makes them (apps/generation-worker/src/jobs/audio-source.ts).
  return { left: d.left.subarray(DELAY, DELAY + SECONDS * SR), right: d.right.subarray(DELAY, DELAY + SECONDS * SR), sampleRate: d.sampleRate };
}

/**
 * Times every studio kind, profiles two of them, appends to bench/studio-history.json and writes
 * bench/studio-results.md. Returns the rows (CPU and wall × real time per kind) for run-all.js's summary.
 */
export async function studioBench() {
  const machineAtStart = machine();
  console.error(`rendering a ${SECONDS} s source track…`);
  const song = renderSong({ prompt: 'energetic electronic pop anthem with female vocals', durationSeconds: SECONDS, seed: 1234 }, 0);
  const mp3 = encodeMp3(song.mix, SR, 192);

  const rows = [];
  const add = (kind, what, t, audioSeconds, note = '') => rows.push({ kind, what, ms: t.ms, cpu: t.cpu, x: audioSeconds / (t.ms / 1000), xCpu: audioSeconds / (t.cpu / 1000), note });

  // The stages, as functions, so the profiler below runs exactly what is timed.
  const sectionJob = async () => {
    const d = await decodeTrimmed(mp3);
    const start = Math.min(60, Math.floor(SECONDS / 3)) * SR, end = start + SECTION_SECONDS * SR;
    const fresh = renderSong({ prompt: 'a wild jazz saxophone break', durationSeconds: SECTION_SECONDS + 1, seed: 7 }, 0);
    const spliced = spliceSection(d, { left: fresh.mix.left.subarray(0, end - start), right: fresh.mix.right.subarray(0, end - start) }, { start, end, fade: Math.round(0.06 * SR) });
    return encodeMp3Parallel(spliced, SR, 192);
  };
  const transformationRequest = (a) => ({ prompt: `jazz, smooth jazz, piano, saxophone, ${Math.round(a.tempoBpm)} bpm, key of ${a.key} ${a.mode}`, genre: 'jazz', instrumental: true, durationSeconds: SECONDS, seed: 9 });
  // What the worker runs (transformations.service.ts): stems in two worker threads, the MP3 encoded in one while
  // the mix is mastered here. Its CPU time is the whole process's (all threads).
  const transformationJob = async () => {
    const d = await decodeTrimmed(mp3);
    return (await engine.renderSongToMp3Parallel(transformationRequest(analyseMusic(d, SR)), 0, 192)).mp3;
  };
  // The same in this thread only (what the worker ran before): the A/B of the parallel path, and its profile
  // shows every stage (a profile of the parallel path would miss the workers' part).
  const transformationSerialJob = async () => {
    const d = await decodeTrimmed(mp3);
    return encodeMp3(renderSong(transformationRequest(analyseMusic(d, SR)), 0).mix, SR, 192);
  };
  // The two system presets of the design, chained: EQ + reverb + reverb + delay, plus a compressor.
  const chain = [
    { type: 'equalizer', settings: { low: 1.2, mid: 1.0, high: 1.1 } },
    { type: 'compressor', settings: { threshold_db: -18, ratio: 3 } },
    { type: 'reverb', settings: { room_size: 0.8, damping: 0.2 } },
    { type: 'delay', settings: { time: 0.5, feedback: 0.3 } },
  ];
  const ambient = [{ type: 'reverb', settings: { room_size: 0.8, damping: 0.2 } }, { type: 'delay', settings: { time: 0.5, feedback: 0.3 } }];
  const effectsJob = (c) => async () => encodeMp3Parallel(applyEffectsChain(await decodeTrimmed(mp3), SR, c), SR, 192);

  console.error('timing the studio kinds…');
  if (engine.warmUpEngineWorkers) await engine.warmUpEngineWorkers(); // thread start-up and LAME compilation, once per worker
  add('(shared) decode', `MP3 192 kbps → PCM float, ${SECONDS} s`, await time(() => decodeTrimmed(mp3)), SECONDS);
  const wav = await time(async () => encodeWav(await decodeTrimmed(mp3), SR, 16));
  add('wav', 'decode + 16-bit 44.1 kHz WAV', wav, SECONDS, `${(wav.out.length / 2 ** 20).toFixed(1)} MiB`);
  const up = await time(async () => {
    const d = await decodeTrimmed(mp3);
    return encodeWav(resampleStereo(d, SR, 48000), 48000, 24);
  });
  add('upscale', 'decode + 44.1→48 kHz polyphase sinc (128 taps) + 24-bit WAV', up, SECONDS, `${(up.out.length / 2 ** 20).toFixed(1)} MiB`);
  add('section_replacement', `decode + render ${SECTION_SECONDS} s section + splice + MP3 of the whole new version`, await time(sectionJob), SECONDS);
  add('persona', 'decode + voice/timbre analysis', await time(async () => analyseVoice(await decodeTrimmed(mp3), SR)), SECONDS);
  // Alternated, so both see the same load.
  const serialT = [], parallelT = [];
  for (let run = 0; run < RUNS; run++) {
    serialT.push(await time(transformationSerialJob, 1));
    if (engine.renderSongToMp3Parallel) parallelT.push(await time(transformationJob, 1));
  }
  const med = (ts) => ({ ms: median(ts.map((t) => t.ms)), cpu: median(ts.map((t) => t.cpu)) });
  if (parallelT.length > 0) add('transformation', 'decode + tempo/key analysis + full re-render in the preset style (stems in 2 worker threads) + MP3 (in a worker, while mastering)', med(parallelT), SECONDS, 'CPU: all threads');
  add(parallelT.length > 0 ? 'transformation, in one thread' : 'transformation', 'decode + tempo/key analysis + full re-render in the preset style + MP3, all in this thread', med(serialT), SECONDS, parallelT.length > 0 ? 'before issue 15\'s parallel render (A/B, alternated)' : '');
  add('effects (transformation_type effects)', 'decode + EQ + compressor + reverb + delay + MP3', await time(effectsJob(chain)), SECONDS);
  // The effects job kind on a track version (POST /v1/tracks/{id}/effects): what its worker runs per job.
  add('effects (job on a track version)', "decode + system preset 'Ambient Space' (reverb + delay) + MP3 of the new version", await time(effectsJob(ambient)), SECONDS);
  add('effects (job on a track version)', 'decode + inline chain: EQ high shelf −12 dB + MP3 of the new version', await time(effectsJob([{ type: 'equalizer', settings: { high: 0.25 } }])), SECONDS);
  // The stems job's DSP path (stems-task.ts: decodeAudio, then separateToMp3) on the same file, and the same
  // separator feeding the lamejs streaming encoder the stems worker used before (issue 15's before).
  const stemsJob = async (separate) => {
    const files = separate(await decodeAudio(mp3, { maxSeconds: SECONDS + 5 }));
    return STEM_TYPES.reduce((bytes, s) => bytes + files[s].length, 0);
  };
  const stems = await time(() => stemsJob((a) => separateToMp3(a).files), STEMS_RUNS);
  add('stems (DSP separation)', `decode + STFT masking separator + 5 streaming MP3 encodes (${LABEL})`, stems, SECONDS, `${STEMS_RUNS} run${STEMS_RUNS > 1 ? 's' : ''}; ${fmt(stems.out / 2 ** 20, 1)} MiB of MP3`);
  const stemsLamejs = await time(() => stemsJob(separateToMp3Lamejs), STEMS_RUNS);
  add('stems, before (lamejs)', 'the same, the separator feeding lamejs 1.2.7 streaming encoders (what the stems worker ran before)', stemsLamejs, SECONDS, `${fmt(stemsLamejs.out / 2 ** 20, 1)} MiB; ${fmt(stemsLamejs.cpu / stems.cpu, 1)}× the CPU time`);
  add('(shared) MP3 encode', `${SECONDS} s stereo mix → MP3 192 kbps CBR (${LABEL})`, await time(() => encodeMp3(song.mix, SR, 192)), SECONDS);

  // Generation with a persona: the persona's singer and voice controls, plus the tonal-balance match (a bisection
  // over a 500 Hz shelf on the stem sum) before mastering. One run each (a full 3-minute render is the slow part).
  const source = analyseVoice(song.mix, SR);
  const personaVoice = { voice: song.params.voice?.gender ?? 'female', timbre: source.timbre, spectralCentroidHz: source.spectralCentroidHz };
  const genRequest = { prompt: 'dark slow ambient ballad with male vocals', durationSeconds: SECONDS, seed: 77 };
  const plain = await time(() => renderSong(genRequest, 0), 1);
  const personaGen = await time(() => renderSong({ ...genRequest, persona: personaVoice }, 0), 1);
  add('generation (default voice)', 'one variant: full engine render (no MP3), for comparison', plain, SECONDS, '1 run');
  add('generation with persona', `one variant: render with the persona's voice + tonal match (tilt ${personaGen.out.personaTiltDb} dB)`, personaGen, SECONDS, `1 run; +${fmt((personaGen.ms / plain.ms - 1) * 100, 0)} % over default`);

  const lyricsRuns = 50;
  const t = performance.now();
  for (let i = 0; i < lyricsRuns; i++) writeLyrics({ prompt: 'a sunny reggae song about the sea and summer', seed: i });
  const lyricsMs = (performance.now() - t) / lyricsRuns;

  // ---------------------------------------------------------------------------------------------------------
  // The encoder A/B (only when the engine has the WebAssembly encoder: an older engine has nothing to compare).
  let abLines = [];
  if (engine.scanMp3Frames) {
    console.error('encoder A/B…');
    const { Mp3Encoder } = await import('@breezystack/lamejs');
    // What the engine's encodeMp3 did before: lamejs fed 1152-sample int16 frames.
    const lamejs = (audio, kbps = 192) => {
      const enc = new Mp3Encoder(2, SR, kbps);
      const F = 1152, l = new Int16Array(F), r = new Int16Array(F), chunks = [];
      const s16 = (x) => { const v = x < -1 ? -1 : x > 1 ? 1 : x; return v < 0 ? Math.round(v * 32768) : Math.round(v * 32767); };
      for (let st = 0; st < audio.left.length; st += F) {
        const len = Math.min(F, audio.left.length - st);
        for (let i = 0; i < len; i++) { l[i] = s16(audio.left[st + i]); r[i] = s16(audio.right[st + i]); }
        const o = enc.encodeBuffer(l.subarray(0, len), r.subarray(0, len));
        chunks.push(Buffer.from(o.buffer, o.byteOffset, o.byteLength));
      }
      const o = enc.flush();
      chunks.push(Buffer.from(o.buffer, o.byteOffset, o.byteLength));
      return Buffer.concat(chunks);
    };
    const encoders = [['lamejs 1.2.7 (pure JS)', (a) => lamejs(a)], [`${engine.MP3_ENCODER}`, (a) => encodeMp3(a, SR, 192)]];
    const cpu = encoders.map(() => []);
    const wall = encoders.map(() => []);
    const outs = [];
    for (let run = 0; run < RUNS; run++) {
      for (let e = 0; e < encoders.length; e++) {
        const c = process.cpuUsage();
        const t0 = performance.now();
        outs[e] = encoders[e][1](song.mix);
        wall[e].push(performance.now() - t0);
        cpu[e].push(cpuMs(c));
      }
    }
    const quality = [];
    for (let e = 0; e < encoders.length; e++) {
      const scan = engine.scanMp3Frames(outs[e]);
      const decoded = await decodeMp3(outs[e]);
      quality.push({ scan, decodedSamples: decoded.left.length, ...compare(song.mix, decoded, DELAY) });
    }
    const cpuMed = cpu.map(median);
    abLines = [
      '## MP3 encoder A/B',
      '',
      `The same ${SECONDS} s engine mix, 192 kbps CBR, each encoder ${RUNS}× alternated back to back (lamejs, WebAssembly, lamejs, …); median. CPU time is process.cpuUsage around the call (the encoder is single-threaded and synchronous), so it does not depend on what else runs on the box; wall time does. Quality: both outputs decoded with mpg123 and compared with the source PCM after the 1,105-frame codec delay. Log-spectral distance: RMS over 2048-point Hann frames and bins 40 Hz–16 kHz of the dB difference (floor −100 dB), lower is better.`,
      '',
      '| encoder | CPU time | × real time (CPU) | wall time | bytes | frames | bitrates | channel mode | decoded samples | SNR L / R | log-spectral distance |',
      '|---|---:|---:|---:|---:|---:|---|---|---:|---:|---:|',
      ...encoders.map(([name], e) => {
        const q = quality[e];
        return `| ${name} | ${fmt(cpuMed[e] / 1000, 2)} s | ${fmt(SECONDS / (cpuMed[e] / 1000), 0)}× | ${fmt(median(wall[e]) / 1000, 2)} s | ${outs[e].length} | ${q.scan.frames} | ${q.scan.bitrates.join(', ')} kbps | ${q.scan.modes.join(', ')} | ${q.decodedSamples} (${fmt(q.scan.durationSeconds, 3)} s) | ${fmt(q.snr[0], 2)} / ${fmt(q.snr[1], 2)} dB | ${fmt(q.lsd, 2)} dB |`;
      }),
      '',
      `CPU time ratio lamejs / WebAssembly: **${fmt(cpuMed[0] / cpuMed[1], 1)}×**. Every frame header of both outputs is valid and the frames are back to back (scanMp3Frames); both decode to exactly the frames' sample count.`,
      '',
      'SNR per octave band (noise energy against signal energy in the band, both channels):',
      '',
      `| encoder | ${quality[0].bands.map((b) => `${b.lo < 1000 ? b.lo : `${b.lo / 1000}k`}–${b.hi < 1000 ? b.hi : `${b.hi / 1000}k`} Hz`).join(' | ')} |`,
      `|---|${quality[0].bands.map(() => '---:').join('|')}|`,
      ...encoders.map(([name], e) => `| ${name} | ${quality[e].bands.map((b) => `${fmt(b.snr, 1)} dB`).join(' | ')} |`),
      '',
    ];
  }

  // ---------------------------------------------------------------------------------------------------------
  // CPU profiles of one effects job and one transformation (after everything above, so the code is warm).
  console.error('profiling…');
  const profileLines = ['## Where the time goes (CPU profiles)', '', 'node:inspector CPU profiler in process, sampling every 1 ms, one run each; self time per function. WebAssembly functions are stripped of names: they are grouped under the JS function that called into the module (mpg123 = the decoder, LAME = the encoder).', ''];
  for (const [name, fn] of [["effects job, preset 'Ambient Space' (reverb + delay; this thread: the MP3 halves are encoded in two workers)", effectsJob(ambient)], ['transformation (jazz re-render, in one thread: every stage)', transformationSerialJob]]) {
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 1000 });
    await session.post('Profiler.start');
    const t0 = performance.now();
    await fn();
    const ms = performance.now() - t0;
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    const top = topFrames(profile);
    profileLines.push(`### ${name}: ${fmt(ms / 1000, 2)} s wall`, '', '| self time | share | function | where |', '|---:|---:|---|---|');
    for (const f of top.slice(0, 12)) profileLines.push(`| ${fmt(f.ms, 0)} ms | ${fmt(f.share * 100, 1)} % | ${f.name} | ${f.where} |`);
    profileLines.push('');
  }

  // ---------------------------------------------------------------------------------------------------------
  mkdirSync('bench', { recursive: true });
  const historyFile = 'bench/studio-history.json';
  const history = existsSync(historyFile) ? JSON.parse(readFileSync(historyFile, 'utf8')) : [];
  const kinds = ['wav', 'upscale', 'section_replacement', 'persona', 'transformation', 'effects (transformation_type effects)', 'effects (job on a track version)'];
  const summary = { date: new Date().toISOString(), encoder: LABEL, load: loadavg()[0], x: Object.fromEntries(kinds.map((k) => [k, rows.filter((r) => r.kind === k).map((r) => ({ wall: round(r.x), cpu: round(r.xCpu) }))])) };
  history.push(summary);
  writeFileSync(historyFile, `${JSON.stringify(history, null, 2)}\n`);
  const cell = (xs) => (xs?.length ? xs.map((x) => `${fmt(x.wall, 1)}× (${fmt(x.cpu, 1)}×)`).join(' · ') : '');

  const lines = [
    '# Studio kinds — local implementations',
    '',
    `Source: a ${SECONDS} s engine-rendered song, MP3 192 kbps (${(mp3.length / 2 ** 20).toFixed(1)} MiB). Median of ${RUNS} runs, one thread, engine code only (no S3/DB). MP3 encoder: ${LABEL}.`,
    `× real time = audio seconds processed per wall-clock second; (CPU) = per CPU second of this process, which other work on the box does not inflate. Machine: ${machineAtStart}, load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' / ')} (2 cores shared with other work: wall times vary, CPU times much less). Date: ${summary.date}.`,
    '',
    '| kind | what runs | wall time | × real time | CPU time | × real time (CPU) | note |',
    '|---|---|---:|---:|---:|---:|---|',
    ...rows.map((r) => `| ${r.kind} | ${r.what} | ${fmt(r.ms / 1000, 2)} s | ${fmt(r.x, 1)}× | ${fmt(r.cpu / 1000, 2)} s | ${fmt(r.xCpu, 1)}× | ${r.note} |`),
    `| lyrics | local writer, one song (6 sections, metre + rhyme search) | ${fmt(lyricsMs, 1)} ms | ${fmt(1000 / lyricsMs, 0)} songs/s |  |  | not audio |`,
    '',
    ...abLines,
    ...profileLines,
    '## History',
    '',
    '× real time by wall clock (by CPU time in brackets); effects on a track version: Ambient Space · EQ shelf; stems: the stems worker\'s DSP path (from 2026-12-04 19:00).',
    '',
    `| date | encoder | load | ${kinds.join(' | ')} |`,
    `|---|---|---:|${kinds.map(() => '---:').join('|')}|`,
    ...history.map((h) => `| ${h.date.slice(0, 16).replace('T', ' ')} | ${h.encoder} | ${fmt(h.load, 1)} | ${kinds.map((k) => cell(h.x[k])).join(' | ')} |`),
    '',
  ];
  writeFileSync('bench/studio-results.md', lines.join('\n'));
  return { date: summary.date, load: summary.load, loadAtEnd: loadavg(), encoder: LABEL, seconds: SECONDS, runs: RUNS, rows, report: lines.join('\n') };
}


/** separateToMp3 (libs/audio-analysis/src/stems.ts) with the lamejs streaming encoder it had before issue 15. */
async function lamejsStreamEncoder() {
  const { Mp3Encoder } = await import('@breezystack/lamejs');
  const FRAME = 1152;
  const toInt16 = (x) => { const v = x < -1 ? -1 : x > 1 ? 1 : x; return v < 0 ? Math.round(v * 32768) : Math.round(v * 32767); };
  return class LamejsStream {
    constructor(sampleRate, kbps = 192) { this.encoder = new Mp3Encoder(2, sampleRate, kbps); this.l = new Int16Array(FRAME); this.r = new Int16Array(FRAME); this.fill = 0; this.chunks = []; }
    write(left, right, length = left.length) {
      for (let i = 0; i < length; i++) {
        this.l[this.fill] = toInt16(left[i]);
        this.r[this.fill] = toInt16(right[i]);
        if (++this.fill === FRAME) this.drain(FRAME);
      }
    }
    drain(len) {
      const out = this.encoder.encodeBuffer(len === FRAME ? this.l : this.l.subarray(0, len), len === FRAME ? this.r : this.r.subarray(0, len));
      if (out.length > 0) this.chunks.push(Buffer.from(out.buffer, out.byteOffset, out.byteLength));
      this.fill = 0;
    }
    finish() {
      if (this.fill > 0) this.drain(this.fill);
      const tail = this.encoder.flush();
      if (tail.length > 0) this.chunks.push(Buffer.from(tail.buffer, tail.byteOffset, tail.byteLength));
      return Buffer.concat(this.chunks);
    }
  };
}
const LamejsStream = await lamejsStreamEncoder();
function separateToMp3Lamejs(audio) {
  const separator = new StreamingSeparator(audio.sampleRate, {});
  const encoders = Object.fromEntries(STEM_TYPES.map((s) => [s, new LamejsStream(audio.sampleRate, 192)]));
  const instL = new Float32Array(4096);
  const instR = new Float32Array(4096);
  separator.run(audio, (block, length) => {
    for (const s of SEPARATED_STEMS) encoders[s].write(block[s].left, block[s].right, length);
    for (let i = 0; i < length; i++) {
      instL[i] = block.drums.left[i] + block.bass.left[i] + block.other.left[i];
      instR[i] = block.drums.right[i] + block.bass.right[i] + block.other.right[i];
    }
    encoders.instrumental.write(instL, instR, length);
  });
  return Object.fromEntries(STEM_TYPES.map((s) => [s, encoders[s].finish()]));
}

function round(x) {
  return Math.round(x * 10) / 10;
}

/** SNR per channel, per octave band and log-spectral distance of `decoded` (delayed by `delay`) against `src`. */
function compare(src, decoded, delay) {
  const n = src.left.length;
  const snr = ['left', 'right'].map((ch) => {
    let s = 0, e = 0;
    for (let i = 0; i < n; i++) { const x = src[ch][i], y = decoded[ch][i + delay] ?? 0; s += x * x; e += (x - y) ** 2; }
    return 10 * Math.log10(s / e);
  });
  const N = 2048, hop = 4096;
  const win = Float64Array.from({ length: N }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / N));
  const edges = [40, 80, 160, 320, 640, 1280, 2560, 5120, 10240, 16000];
  const sig = new Float64Array(edges.length - 1), err = new Float64Array(edges.length - 1);
  const bin = (f) => Math.round((f * N) / SR);
  let lsdSum = 0, lsdCount = 0;
  const re = new Float64Array(N), im = new Float64Array(N), re2 = new Float64Array(N), im2 = new Float64Array(N);
  for (const ch of ['left', 'right']) {
    for (let start = 0; start + N <= n; start += hop) {
      for (let i = 0; i < N; i++) { re[i] = src[ch][start + i] * win[i]; im[i] = 0; re2[i] = (decoded[ch][start + i + delay] ?? 0) * win[i]; im2[i] = 0; }
      fft(re, im); fft(re2, im2);
      for (let b = 0; b < edges.length - 1; b++) {
        for (let k = bin(edges[b]); k < bin(edges[b + 1]); k++) {
          sig[b] += re[k] ** 2 + im[k] ** 2;
          err[b] += (re[k] - re2[k]) ** 2 + (im[k] - im2[k]) ** 2;
        }
      }
      for (let k = bin(40); k < bin(16000); k++) {
        const a = 10 * Math.log10(Math.max(re[k] ** 2 + im[k] ** 2, 1e-10)), b = 10 * Math.log10(Math.max(re2[k] ** 2 + im2[k] ** 2, 1e-10));
        lsdSum += (a - b) ** 2; lsdCount++;
      }
    }
  }
  return { snr, lsd: Math.sqrt(lsdSum / lsdCount), bands: [...sig].map((s, b) => ({ lo: edges[b], hi: edges[b + 1], snr: 10 * Math.log10(s / err[b]) })) };
}

/** In-place iterative radix-2 FFT. */
function fft(re, im) {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) { [re[i], re[j]] = [re[j], re[i]]; [im[i], im[j]] = [im[j], im[i]]; }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len, wr = Math.cos(ang), wi = Math.sin(ang);
    for (let i = 0; i < n; i += len) {
      let cr = 1, ci = 0;
      for (let j = 0; j < len / 2; j++) {
        const a = i + j, b = a + len / 2;
        const tr = re[b] * cr - im[b] * ci, ti = re[b] * ci + im[b] * cr;
        re[b] = re[a] - tr; im[b] = im[a] - ti; re[a] += tr; im[a] += ti;
        const nr = cr * wr - ci * wi; ci = cr * wi + ci * wr; cr = nr;
      }
    }
  }
}

/** Self time per function; WebAssembly frames are attributed to the nearest JS caller. */
function topFrames(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i++) self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  const agg = new Map();
  let total = 0;
  for (const [id, ms] of self) {
    const node = byId.get(id);
    const f = node.callFrame;
    let name = f.functionName || '(anonymous)';
    let where = f.url ? `${basename(f.url)}:${f.lineNumber + 1}` : '';
    if (f.url.startsWith('wasm://')) {
      let p = parent.get(id);
      while (p !== undefined && byId.get(p).callFrame.url.startsWith('wasm://')) p = parent.get(p);
      const caller = p === undefined ? undefined : byId.get(p).callFrame;
      const module = caller && /mp3-encode|lame/i.test(caller.url + caller.functionName) ? 'LAME encoder' : caller && /mpg123|decode/i.test(caller.url + caller.functionName) ? 'mpg123 decoder' : 'wasm';
      name = `(WebAssembly: ${module})`;
      where = caller ? `called from ${caller.functionName || '(anonymous)'} (${basename(caller.url)})` : '';
    }
    if (name === '(program)' || name === '(idle)') where = '';
    const key = `${name}|${where}`;
    agg.set(key, { name, where, ms: (agg.get(key)?.ms ?? 0) + ms });
    total += ms;
  }
  return [...agg.values()].sort((a, b) => b.ms - a.ms).map((f) => ({ ...f, share: f.ms / total }));
}

// Last: run directly, after every declaration above is initialised (classes are not hoisted).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) console.log((await studioBench()).report);
