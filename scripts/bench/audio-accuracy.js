// Detection accuracy against the local engine's ground truth, shared by bench:audio and the tuning
// harness (audio-tune.js). Two disjoint song sets: 'tune' (seeds the detectors' constants were
// chosen on) and 'held' (other seeds and differently worded prompts, never looked at while tuning).
import { detect, PITCH_CLASSES } from '@muse/audio-analysis';

export const TUNE_STYLES = ['sad piano ballad', 'dark trap beat with rap vocals', 'happy pop song', 'waltz in three', 'rock anthem', 'lofi study beats', 'ambient drone',
  'funky disco groove', 'folk song with guitar', 'epic orchestral', 'jazz cafe', 'techno rave', 'reggae by the sea', 'metal riffs', 'hip hop boom bap', 'dreamy synthwave',
  'country road trip', 'latin dance', 'soul ballad', 'drum and bass'];
// Second tuning list: genres and metres the first one under-represents (blues, r&b, 6/8, 3/4).
export const TUNE_STYLES_2 = ['twelve bar blues', 'slow jam r&b', 'folk ballad in 6/8', 'pop song in 3/4', 'rock ballad in 6/8', 'gospel soul',
  'jazz waltz', 'classical piece in 6/8', 'minor blues', 'orchestral waltz'];
// Third tuning list (seeds 4600+): tempo extremes and fast triple metres, where the metrical level is
// hardest to pick (fast songs read at half speed, slow ones at double). Worded unlike the held-out list.
export const TUNE_STYLES_3 = ['fast punk rock', 'doom metal dirge', 'aggressive death metal', 'drill beat', 'fast bebop jazz', 'slow zen ambient',
  'slow sad strings adagio', 'fast rock in 3/4', 'heavy metal in 6/8', 'slow soul in 6/8', 'baroque sonata', 'jungle breakbeat', 'fast bluegrass',
  'slow gospel', 'hardcore rave', 'new age yoga music', 'jazz in 3/4', 'dark ambient space', 'fast ska', 'slow country ballad'];
export const HELD_STYLES = ['melancholic piano song', 'trap banger', 'upbeat radio pop', 'old waltz', 'indie rock', 'chillhop for studying', 'atmospheric soundscape',
  'disco funk', 'acoustic campfire folk', 'cinematic film score', 'smooth jazz lounge', 'deep house club track', 'roots reggae', 'thrash metal', 'old school rap beat',
  'synth pop night drive', 'americana', 'reggaeton', 'neo soul slow jam', 'liquid dnb', 'bluesy shuffle', 'calm meditation music', 'energetic edm festival', 'romantic r&b'];

/** Engine requests of a set: a third instrumental, so vocal detection is scored on both kinds. */
export function songsFor(which, firstSeed, count, durationSeconds = 30) {
  const styles = which === 'held' ? HELD_STYLES : which === 'tune2' ? TUNE_STYLES_2 : which === 'tune3' ? TUNE_STYLES_3 : TUNE_STYLES;
  return Array.from({ length: count }, (_, i) => ({ prompt: styles[i % styles.length], durationSeconds, seed: firstSeed + i, instrumental: i % 3 === 1 }));
}

const alias = { Db: 'C#', Eb: 'D#', Gb: 'F#', Ab: 'G#', Bb: 'A#' };
const pc = (k) => PITCH_CLASSES.indexOf(alias[k] ?? k);

/** Area under the ROC curve: the chance a random sung track scores above a random instrumental. */
export function auc(pos, neg) {
  let s = 0;
  for (const p of pos) for (const q of neg) s += p > q ? 1 : p === q ? 0.5 : 0;
  return pos.length && neg.length ? s / (pos.length * neg.length) : NaN;
}

/** items: { params (engine SongParams), raw (listen() output without the image) }. */
export function scoreDetection(items, { verbose = false } = {}) {
  let tempoOk = 0, tempoOctaveOk = 0, keyOk = 0, keyExact = 0, metreOk = 0;
  const vocal = { true: [], false: [] };
  const misses = [];
  for (const { params: p, raw } of items) {
    const d = detect(raw);
    const within = (m) => Math.abs(d.tempo.bpm - p.tempoBpm * m) / (p.tempoBpm * m) <= 0.02;
    const tOk = within(1);
    tempoOk += tOk; tempoOctaveOk += tOk || within(2) || within(0.5);
    const truth = pc(p.key), found = pc(d.key.key);
    const relative = p.mode === 'major' ? (truth + 9) % 12 : (truth + 3) % 12;
    const exact = found === truth && d.key.mode === p.mode;
    const kOk = exact || (found === relative && d.key.mode !== p.mode);
    keyExact += exact; keyOk += kOk;
    const mOk = d.tempo.timeSignature === (p.timeSignature === '4/4' ? '4/4' : '3/4');
    metreOk += mOk;
    vocal[p.hasVocals].push(d.vocalScore);
    if (verbose && (!tOk || !kOk || !mOk)) misses.push(`${p.seed} ${p.genre}/${p.mood} ${p.timeSignature} ${p.tempoBpm}→${d.tempo.bpm.toFixed(1)} ${d.tempo.timeSignature} ${p.key} ${p.mode} (${p.scale})→${d.key.key} ${d.key.mode}${tOk ? '' : ' T'}${kOk ? '' : ' K'}${mOk ? '' : ' M'}`);
  }
  if (verbose) console.log(misses.join('\n'));
  const n = items.length;
  const pct = (x) => Math.round((1000 * x) / n) / 10;
  const sung = vocal.true, inst = vocal.false;
  return {
    summary: {
      songs: n, tempo: pct(tempoOk), tempoOctave: pct(tempoOctaveOk), key: pct(keyOk), keyExact: pct(keyExact), metre: pct(metreOk),
      vocalAuc: Math.round(auc(sung, inst) * 1000) / 1000,
      vocalAcc: pct(sung.filter((x) => x >= 0.5).length + inst.filter((x) => x < 0.5).length),
      sungMean: sung.reduce((a, b) => a + b, 0) / sung.length, instMean: inst.reduce((a, b) => a + b, 0) / inst.length,
    },
    vocal,
  };
}
