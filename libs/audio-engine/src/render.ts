// Renders a request into five stems and their mix: arrangement -> note events -> synthesis -> effects -> master.
import { buildChordSlots, makeGrid, planSections, stepTime } from './arrangement.js';
import type { NoteEvent } from './arrangement.js';
import { onePoleHighpassStereo, panGains, SR } from './dsp.js';
import { addPingPong, addReverb, applyDucking } from './effects.js';
import { highShelf } from './effects-chain.js';
import { buildDrumHits, chooseGrooveOptions } from './grooves.js';
import { addCrackle, buildKit, kitCrackle, renderDrumHits } from './instruments/drums.js';
import { isPluckInstrument, patchFor } from './instruments/patches.js';
import { renderChordVa, renderNote, renderPluck } from './instruments/synth.js';
import type { Patch } from './instruments/synth.js';
import { renderVoiceNote, voiceSettings } from './instruments/voice.js';
import { LINE_TEXT, parseLyrics } from './lyrics.js';
import { counterLine, lyricCursor, phrasesToNotes, phrasesToVocals, writeMelody } from './melody.js';
import type { MelodyEnv } from './melody.js';
import { masterAndMix, stemGains, type MasterOptions, type MixProgress } from './mixer.js';
import { deriveSongContext } from './params.js';
import type { SongContext } from './params.js';
import { buildBass, buildChordPart } from './parts.js';
import type { ChordHit } from './parts.js';
import { mix32, Rng } from './rng.js';
import { colorChord, midiToFreq, parseRoman, SCALES } from './theory.js';
import { LAYER_NAMES, SAMPLE_RATE } from './types.js';
import type { LayerName, RenderedSong, SongRequest, StereoBuffer, TimedLyricLine } from './types.js';
import { analyseVoice } from './voice-analysis.js';

function stereo(n: number): StereoBuffer {
  return { left: new Float32Array(n), right: new Float32Array(n) };
}

/** Optional sink for per-stage wall-clock timings (ms); used by benchmarks, never affects the audio. */
export type StageTimings = Record<string, number>;

export function renderSong(req: SongRequest, variantIndex: number, timings?: StageTimings): RenderedSong {
  return renderContext(deriveSongContext(req, variantIndex), timings);
}

function renderNotes(out: StereoBuffer, notes: readonly NoteEvent[], patch: Patch, pan: number, seed: number, transpose = 0): void {
  const [gl, gr] = panGains(pan);
  notes.forEach((n, i) => {
    const start = Math.round(n.time * SR);
    const gate = Math.max(1, Math.round(n.dur * SR));
    const freq = midiToFreq(n.midi + transpose);
    if (patch.kind === 'pluck') renderPluck(out, start, gate, [freq], [0], n.velocity, patch, gl, gr, mix32(seed + i));
    else renderNote(out, start, gate, freq, n.velocity, patch, gl, gr, mix32(seed + i));
  });
}

function renderChordHits(out: StereoBuffer, hits: readonly ChordHit[], patch: Patch, basePan: number, seed: number): void {
  hits.forEach((h, i) => {
    const start = Math.round(h.time * SR);
    const gate = Math.max(1, Math.round(h.dur * SR));
    if (patch.kind === 'pluck') {
      // Strings of one strum are rendered together so strum timing and amp drive act on the whole chord.
      const order = h.strum < 0 ? [...h.midis].reverse() : h.midis;
      const offsets = order.map((_, k) => Math.round(k * Math.abs(h.strum) * SR));
      const [gl, gr] = panGains(basePan);
      renderPluck(out, start, gate, order.map((m) => midiToFreq(m)), offsets, h.velocity, patch, gl, gr, mix32(seed + i));
      return;
    }
    const count = h.midis.length;
    const pans = h.midis.map((_, k) => panGains(basePan + (count > 1 ? (k / (count - 1) - 0.5) * 0.7 : 0)));
    if (patch.kind === 'va') {
      renderChordVa(out, start, gate, h.midis.map((m) => midiToFreq(m)), pans, h.velocity, patch, mix32(seed + i));
      return;
    }
    h.midis.forEach((m, k) => {
      renderNote(out, start, gate, midiToFreq(m), h.velocity / Math.sqrt(count), patch, pans[k]![0], pans[k]![1], mix32(seed + i * 16 + k));
    });
  });
}

const LEAD_UP_OCTAVE = new Set(['bell', 'flute', 'vibraphone', 'pluck']);

function stemTargets(ctx: SongContext): Record<LayerName, number> {
  const t: Record<LayerName, number> = { drums: 0.19, bass: 0.13, chords: 0.12, melody: 0.09, vocals: 0.15 };
  const g = ctx.genre.id;
  if (g === 'ambient' || g === 'classical') { t.drums = 0.08; t.chords = 0.15; t.bass = 0.12; }
  if (g === 'rock' || g === 'metal') t.chords = 0.15;
  if (g === 'hip hop' || g === 'trap' || g === 'lofi') { t.drums = 0.23; t.bass = 0.18; }
  if (ctx.chordStyle === 'arp') t.chords *= 0.9;
  if (ctx.params.hasVocals) t.melody *= 0.55; // with a singer the lead only answers and fills
  if (ctx.mood.energy < 0.4) t.drums *= 0.8;
  return t;
}

export function renderContext(ctx: SongContext, timings?: StageTimings): RenderedSong {
  const stems = renderStems(ctx, LAYER_NAMES, timings);
  return finishSong(ctx, stems.layers as Record<LayerName, StereoBuffer>, stems.timedLyrics, timings);
}

/** Stems rendered with their per-stem effects, before gains and master; only the layers asked for. */
export interface RenderedStems {
  layers: Partial<Record<LayerName, StereoBuffer>>;
  timedLyrics: TimedLyricLine[];
}

/**
 * Renders the stems in `only` with their per-stem effects (everything before the master, which needs all
 * of them). The arrangement (and every draw from the song's random streams) is computed whatever `only`
 * is, so a stem comes out bit-identical whether it is rendered alone or with the others: the parallel
 * render (parallel.ts) renders disjoint sets in worker threads and masters their union with finishSong.
 */
export function renderStems(ctx: SongContext, only: readonly LayerName[], timings?: StageTimings): RenderedStems {
  const mark = stageTimer(timings);
  const p = ctx.params;
  const rng = new Rng(ctx.renderSeed);
  const n = Math.round(p.durationSeconds * SR);
  const g = makeGrid(p.timeSignature, p.tempoBpm, p.durationSeconds, ctx.genre.swing, ctx.genre.swingUnit);
  const sections = planSections(g.totalBars, ctx.chords.length * ctx.chordBars);
  const tonicColor = ctx.genre.color === 'power' ? 'power' : ctx.genre.color === 'sevenths' ? 'sevenths' : 'none';
  const tonicChord = colorChord(parseRoman(p.mode === 'minor' ? 'i' : 'I', ctx.tonic), tonicColor, 0.2);
  const slots = buildChordSlots(g, sections, ctx.chords, ctx.chordBars, tonicChord);
  const energy = ctx.mood.energy;
  const brightness = ctx.mood.brightness;
  const want = (k: LayerName): boolean => only.includes(k);
  // Layers not asked for get empty buffers: nothing is rendered or processed into them.
  const layers = Object.fromEntries(LAYER_NAMES.map((k) => [k, stereo(want(k) ? n : 0)])) as Record<LayerName, StereoBuffer>;
  const timedLyrics: TimedLyricLine[] = [];

  mark('arrange');
  const grooveOpts = chooseGrooveOptions(ctx.groove, energy, rng.fork('groove'));
  const hits = buildDrumHits(g, sections, grooveOpts, rng.fork('drum-hits'));
  if (hits.length > 0 && want('drums')) {
    renderDrumHits(layers.drums, buildKit(ctx.kit), hits);
    addCrackle(layers.drums, kitCrackle(ctx.kit), ctx.renderSeed);
  }

  mark('drums');
  const bassRng = rng.fork('bass');
  const bass = buildBass(g, slots, { style: ctx.bassStyle, versePattern: bassRng.int(0, 3), chorusPattern: bassRng.int(0, 3) }, bassRng);
  if (want('bass')) renderNotes(layers.bass, bass, patchFor(ctx.bassInstrument, brightness), 0, mix32(ctx.renderSeed ^ 0xba55));

  mark('bass');
  const chordRng = rng.fork('chords');
  const chordPatch = patchFor(ctx.chordInstrument, brightness);
  const chordHits = buildChordPart(g, slots, {
    style: ctx.chordStyle, pattern: chordRng.int(0, 3), spread: chordRng.next(), guitar: isPluckInstrument(ctx.chordInstrument), arpUp: chordRng.chance(0.5),
  }, chordRng);
  if (want('chords')) renderChordHits(layers.chords, chordHits, chordPatch, chordPatch.kind === 'pluck' ? -0.2 : 0, mix32(ctx.renderSeed ^ 0xc0));

  mark('chords');
  const env: MelodyEnv = { grid: g, slots, sections, scale: SCALES[ctx.scaleName], tonicPc: ctx.tonic };
  const leadTonic = 57 + ((ctx.tonic - 9 + 12) % 12) + (LEAD_UP_OCTAVE.has(ctx.leadInstrument) ? 12 : 0);
  const density = ctx.genre.melodyDensity * (0.75 + 0.5 * energy);
  const leadPatch = patchFor(ctx.leadInstrument, brightness);
  const leadPan = rng.chance(0.5) ? 0.18 : -0.18;
  const melodyRng = rng.fork('melody');
  if (p.hasVocals) {
    const vocalTonic = ctx.voice === 'female' ? 53 + ((ctx.tonic - 5 + 12) % 12) : 45 + ((ctx.tonic - 9 + 12) % 12);
    const sheet = ctx.lyrics ? parseLyrics(ctx.lyrics) : null;
    const vocalPhrases = writeMelody(env, { density: density * 0.85, rng: rng.fork('vocal-melody'), types: ['verse', 'chorus'] }, lyricCursor(sheet));
    const sung = phrasesToVocals(env, vocalPhrases, vocalTonic, rng.fork('vocalise'));
    // The engine places every syllable itself, so it knows when each line is sung: first onset to last release.
    for (const ph of vocalPhrases) {
      const count = Math.min(ph.notes.length, ph.line?.length ?? 0);
      if (!ph.line || count === 0) continue;
      const first = ph.notes[0]!;
      const last = ph.notes[count - 1]!;
      const start = stepTime(g, first.step);
      const end = Math.min(p.durationSeconds, stepTime(g, last.step) + last.len * g.stepSec * 0.95);
      if (start >= p.durationSeconds) continue;
      timedLyrics.push({ start: Math.round(start * 1000) / 1000, end: Math.round(end * 1000) / 1000, text: LINE_TEXT.get(ph.line) ?? ph.line.map((syl) => syl.text).join('') });
    }
    const vs = voiceSettings(ctx.voice, ctx.timbre);
    const shift = Math.max(-1, Math.min(1, ctx.timbre['pitchShift'] ?? 0)) * 2;
    let harmonySide = 1;
    sung.forEach((note, i) => {
      const pan = note.harmony ? (harmonySide = -harmonySide) * 0.3 : 0;
      if (want('vocals')) renderVoiceNote(layers.vocals, { ...note, pan }, vs, shift, mix32(ctx.renderSeed + i * 31));
    });
    mark('vocals');
    const leadTypes = sections.some((s) => s.type === 'bridge') ? (['intro', 'bridge', 'outro'] as const) : (['intro', 'outro'] as const);
    const solo = writeMelody(env, { density, rng: melodyRng, types: [...leadTypes] });
    const soloNotes = phrasesToNotes(env, solo.filter((ph) => ph.section.bars >= 2), leadTonic, 0.8);
    const counter = counterLine(env, ['chorus'], leadTonic, 0.35, melodyRng);
    if (want('melody')) {
      renderNotes(layers.melody, soloNotes, leadPatch, leadPan, mix32(ctx.renderSeed ^ 0x1ead));
      renderNotes(layers.melody, counter, leadPatch, -leadPan, mix32(ctx.renderSeed ^ 0xc1));
    }
  } else {
    const phrases = writeMelody(env, { density, rng: melodyRng, types: ['verse', 'chorus', 'bridge', 'outro', 'intro'] });
    const playable = phrases.filter((ph) => ph.section.type !== 'intro' || ph.section.bars >= 4);
    const notes = phrasesToNotes(env, playable, leadTonic, 0.85);
    if (want('melody')) renderNotes(layers.melody, notes, leadPatch, leadPan, mix32(ctx.renderSeed ^ 0x1ead));
  }

  mark('melody');
  // Effects per stem (linear, so stems remain additive)
  const space = ctx.genre.reverb;
  const rt60 = 1.1 + 2.6 * space;
  if (ctx.genre.sidechain) {
    const kicks = hits.filter((h) => h.kind === 'kick').map((h) => h.time);
    if (want('chords')) applyDucking(layers.chords, kicks, 0.55, g.stepSec * 3);
    if (want('bass')) applyDucking(layers.bass, kicks, 0.6, g.stepSec * 2.5);
  }
  if (want('melody') && ['electronic', 'drum and bass', 'pop', 'ambient', 'trap', 'reggae'].includes(ctx.genre.id)) {
    addPingPong(layers.melody, g.stepSec * 3, 0.38, 0.22);
  }
  if (want('drums') && space >= 0.5) addReverb(layers.drums, space * 0.25, rt60 * 0.6);
  if (want('chords')) addReverb(layers.chords, space * 0.9, rt60);
  if (want('melody')) addReverb(layers.melody, space * 0.8, rt60);
  if (want('vocals') && p.hasVocals) addReverb(layers.vocals, 0.25 + space * 0.5, rt60 * 0.9);

  // Distortion and asymmetric plucks leave DC; a gentle high-pass per stem keeps it out of the limiter.
  for (const k of only) onePoleHighpassStereo(layers[k].left, layers[k].right, 18);
  mark('effects');
  return { layers: Object.fromEntries(only.map((k) => [k, layers[k]])), timedLyrics };
}

/**
 * Stem gains, the persona's tilt and the master: the song from all five rendered stems (renderStems).
 * `onMixed` is told as the mix becomes final, block by block (masterAndMix).
 */
export function finishSong(ctx: SongContext, layers: Record<LayerName, StereoBuffer>, timedLyrics: TimedLyricLine[], timings?: StageTimings, onMixed?: MixProgress): RenderedSong {
  const mark = stageTimer(timings);
  const p = ctx.params;
  const n = layers.drums.left.length;
  const master: MasterOptions = {
    targetRms: 0.17, ceiling: 0.95, fadeInSec: 0.01, fadeOutSec: Math.min(3, Math.max(0.4, p.durationSeconds * 0.08)), releaseSec: 0.15,
  };
  const gains = stemGains(layers, stemTargets(ctx));
  const target = ctx.persona?.spectralCentroidHz;
  let personaTiltDb: number | undefined;
  if (target !== undefined && Number.isFinite(target) && target > 0) {
    personaTiltDb = centroidTilt(layers, gains, target);
    for (const k of LAYER_NAMES) highShelf(layers[k], TILT_HZ, personaTiltDb, SR);
  }
  const mix = masterAndMix(layers, gains, master, onMixed);
  mark('master');
  return { variantIndex: ctx.variantIndex, params: p, sampleRate: SAMPLE_RATE, channels: 2, durationSeconds: n / SR, layers, mix, timedLyrics, ...(personaTiltDb !== undefined ? { personaTiltDb } : {}) };
}

const TILT_HZ = 500;
const MAX_TILT_DB = 12;

/**
 * A persona's tonal balance: the gain of a 500 Hz high shelf, applied to every stem (so the stems still
 * sum to the mix), that brings the gained stem sum's spectral centroid to the persona's — found by
 * bisection (the centroid rises monotonically with the shelf gain), at most ±12 dB.
 */
function centroidTilt(layers: Record<LayerName, StereoBuffer>, gains: Record<LayerName, number>, targetHz: number): number {
  const n = layers.vocals.left.length;
  const sum = stereo(n);
  for (const k of LAYER_NAMES) {
    const g = gains[k];
    const { left, right } = layers[k];
    for (let i = 0; i < n; i++) {
      sum.left[i] = sum.left[i]! + left[i]! * g;
      sum.right[i] = sum.right[i]! + right[i]! * g;
    }
  }
  const err = (db: number): number => {
    const copy = { left: sum.left.slice(), right: sum.right.slice() };
    highShelf(copy, TILT_HZ, db, SR);
    try {
      return Math.log2(analyseVoice(copy, SR).spectralCentroidHz / targetHz);
    } catch {
      return 0; // silence: nothing to tilt
    }
  };
  const e0 = err(0);
  if (Math.abs(e0) < 0.02) return 0;
  const bound = e0 < 0 ? MAX_TILT_DB : -MAX_TILT_DB;
  if (Math.sign(err(bound)) === Math.sign(e0)) return bound; // out of reach: as far as the tilt goes
  let lo = 0, hi = bound;
  for (let step = 0; step < 7; step++) {
    const mid = (lo + hi) / 2;
    if (Math.sign(err(mid)) === Math.sign(e0)) lo = mid;
    else hi = mid;
  }
  return Math.round(((lo + hi) / 2) * 100) / 100;
}

/** Adds the time since the previous mark to `timings[stage]` (nothing when no timings are asked for). */
function stageTimer(timings?: StageTimings): (stage: string) => void {
  let last = timings ? performance.now() : 0;
  return (stage) => {
    if (!timings) return;
    const now = performance.now();
    timings[stage] = (timings[stage] ?? 0) + (now - last);
    last = now;
  };
}
