// Drum programming: per-genre step patterns, section-aware density, fills and crashes.
import { FINAL_BAR_MIN, stepTime } from './arrangement.js';
import type { Grid, Section } from './arrangement.js';
import type { DrumHit, DrumKind } from './instruments/drums.js';
import type { Rng } from './rng.js';
import type { DrumGroove } from './styles.js';

/** One bar: a string per drum where 'X' = accent, 'x' = normal, 'g' = ghost, '.' = rest. */
type Pattern = Partial<Record<DrumKind, string>>;

interface GrooveDef {
  verse: Pattern[];
  chorus: Pattern[];
  rolls?: boolean;
  jazzComp?: boolean;
  /** Whether the intro may carry light percussion. */
  introHats?: boolean;
  breakdownKick?: boolean;
}

const H8 = 'x.x.x.x.x.x.x.x.';
const H16 = 'xxxxxxxxxxxxxxxx';
const BACKBEAT = '....X.......X...';

const GROOVES_16: Record<Exclude<DrumGroove, 'none'>, GrooveDef> = {
  pop: {
    verse: [{ kick: 'X.....x...X.....', snare: BACKBEAT, hat: H8 }, { kick: 'X.......X.x.....', snare: BACKBEAT, hat: 'x.xxx.x.x.xxx.x.' }],
    chorus: [{ kick: 'X.....x.X.x.....', snare: BACKBEAT, clap: BACKBEAT, hat: H16, openhat: '..............x.' }, { kick: 'X..x..x.X.......', snare: '....X.......X..g', hat: H8, openhat: '......x.......x.' }],
  },
  rock: {
    verse: [{ kick: 'X.......X.X.....', snare: BACKBEAT, hat: H8 }, { kick: 'X......xX.......', snare: BACKBEAT, hat: H8 }],
    chorus: [{ kick: 'X.x.....X.X.....', snare: BACKBEAT, openhat: 'X.x.X.x.X.x.X.x.' }, { kick: 'X.....x.X.X.....', snare: '....X.......X.g.', ride: 'X.x.X.x.X.x.X.x.' }],
  },
  metal: {
    verse: [{ kick: 'X.x.X.x.X.x.X.x.', snare: BACKBEAT, hat: H8 }, { kick: 'X..xX..xX..xX..x', snare: BACKBEAT, hat: H8 }],
    chorus: [{ kick: 'XxXxXxXxXxXxXxXx', snare: BACKBEAT, ride: 'X.x.X.x.X.x.X.x.' }, { kick: 'XxXxXxXxXxXxXxXx', snare: BACKBEAT, crash: 'x...x...x...x...' }],
    breakdownKick: true,
  },
  four: {
    verse: [{ kick: 'X...X...X...X...', clap: BACKBEAT, hat: '..x...x...x...x.' }, { kick: 'X...X...X...X...', rim: '...x..x....x..x.', hat: H8 }],
    chorus: [{ kick: 'X...X...X...X...', clap: BACKBEAT, openhat: '..x...x...x...x.', hat: 'g.g.g.g.g.g.g.g.' }, { kick: 'X...X...X...X...', clap: BACKBEAT, snare: '...............g', hat: H16, openhat: '..x...x...x...x.' }],
    introHats: true,
  },
  trap: {
    verse: [{ kick: 'X......x..X.....', clap: '........X.......', hat: H8 }, { kick: 'X.....x...X..x..', clap: '........X.......', hat: H8 }],
    chorus: [{ kick: 'X......x..X..x..', clap: '........X.......', snare: '........X.......', hat: H16 }, { kick: 'X.x.......X.x...', clap: '........X.......', hat: H16, openhat: '......x.........' }],
    rolls: true, introHats: true,
  },
  boombap: {
    verse: [{ kick: 'X.........X.....', snare: BACKBEAT, hat: H8 }, { kick: 'X......x..X.....', snare: BACKBEAT, hat: H8 }],
    chorus: [{ kick: 'X.x.......X..x..', snare: BACKBEAT, hat: 'x.xxx.x.x.xxx.x.', openhat: '..............x.' }, { kick: 'X......xX.X.....', snare: '....X..g....X...', hat: H8 }],
    introHats: true,
  },
  dnb: {
    verse: [{ kick: 'X.........X.....', snare: BACKBEAT, hat: H8 }, { kick: 'X.X.......X.....', snare: BACKBEAT, hat: H8 }],
    chorus: [{ kick: 'X.........X.....', snare: '....X..g.g..X..g', hat: H16, ride: 'x.x.x.x.x.x.x.x.' }, { kick: 'X.X.......X..x..', snare: '....X.g.....X.g.', hat: H16 }],
    introHats: true,
  },
  jazz: {
    verse: [{ ride: 'X...x.x.X...x.x.', hat: '....x.......x...', kick: 'g...g...g...g...' }],
    chorus: [{ ride: 'X...x.x.X...x.x.', hat: '....x.......x...', kick: 'g...g...g...g...' }],
    jazzComp: true,
  },
  funk: {
    verse: [{ kick: 'X..x..x...X..x..', snare: '....X..g.g..X..g', hat: 'xXxXxXxXxXxXxXxX' }, { kick: 'X..x......X..x..', snare: '....X..g.g..X...', hat: H16 }],
    chorus: [{ kick: 'X.x...x...X..x..', snare: '....X..g.g..X.gg', hat: H8, openhat: '......x.......x.' }, { kick: 'X..x..x.X.....x.', snare: '.g..X..g.g..X..g', hat: H16 }],
  },
  reggae: {
    verse: [{ kick: '........X.......', rim: '........X.......', hat: H8 }, { kick: '........X.......', rim: '........X.......', hat: 'x.xxx.xxx.xxx.xx' }],
    chorus: [{ kick: 'X...X...X...X...', snare: '........X.......', hat: H8, openhat: '..x.......x.....' }, { kick: '........X.......', snare: '........X.......', hat: H16 }],
  },
  dembow: {
    verse: [{ kick: 'X...X...X...X...', snare: '...X..X....X..X.', hat: H8 }],
    chorus: [{ kick: 'X...X...X...X...', snare: '...X..X....X..X.', clap: '...X..X....X..X.', hat: H16 }],
    introHats: true,
  },
  ballad: {
    verse: [{ kick: 'X.......X.......', rim: BACKBEAT, hat: H8 }, { kick: 'X.......X.x.....', rim: BACKBEAT, hat: H8 }],
    chorus: [{ kick: 'X.....x.X.......', snare: BACKBEAT, hat: H8 }, { kick: 'X.......X.x.....', snare: BACKBEAT, ride: H8 }],
  },
  orchestral: {
    verse: [{ tomLow: 'X...............' }, { tomLow: 'X.......x.......' }],
    chorus: [{ tomLow: 'X.......X.......', kick: 'X...............' }, { tomLow: 'X...x...X...x...', kick: 'X.......X.......' }],
  },
};

/** Meters with 12 steps (3/4 and 6/8) share simpler patterns with genre flavour. */
function patterns12(groove: DrumGroove, ts68: boolean): GrooveDef {
  if (groove === 'jazz') return { verse: [{ ride: 'X...x.x.x.x.', hat: '....x...x...' }], chorus: [{ ride: 'X...x.x.x.x.', hat: '....x...x...', kick: 'g...........' }], jazzComp: true };
  if (groove === 'orchestral') return { verse: [{ tomLow: 'X...........' }], chorus: [{ tomLow: 'X.....x.....', kick: 'X...........' }] };
  const heavy = groove === 'metal' || groove === 'rock';
  if (ts68) {
    return {
      verse: [{ kick: 'X.........x.', snare: '......X.....', hat: 'x.x.x.x.x.x.' }, { kick: 'X.....x.....', rim: '......X.....', hat: 'x.x.x.x.x.x.' }],
      chorus: [{ kick: heavy ? 'X.x...X.x...' : 'X.....x...x.', snare: '......X.....', hat: 'x.x.x.x.x.x.', openhat: heavy ? 'x.....x.....' : '' }],
    };
  }
  return {
    verse: [{ kick: 'X...........', snare: '....x...x...', hat: 'x.x.x.x.x.x.' }, { kick: 'X.......x...', rim: '....x...x...', hat: 'x.x.x.x.x.x.' }],
    chorus: [{ kick: heavy ? 'X.x.....X...' : 'X.......x...', snare: '....X...X...', hat: 'x.x.x.x.x.x.', openhat: heavy ? 'x...x...x...' : '' }],
  };
}

const CHAR_VEL: Record<string, number> = { X: 1, x: 0.78, g: 0.3 };

export type FillStyle = 'snare' | 'toms' | 'mixed' | 'kicksnare';

export interface GrooveOptions {
  groove: DrumGroove;
  energy: number;
  fill: FillStyle;
  verseIndex: number;
  chorusIndex: number;
}

export function chooseGrooveOptions(groove: DrumGroove, energy: number, rng: Rng): GrooveOptions {
  return {
    groove, energy,
    fill: rng.pick<FillStyle>(['snare', 'toms', 'mixed', 'kicksnare']),
    verseIndex: rng.int(0, 7),
    chorusIndex: rng.int(0, 7),
  };
}

function addPattern(hits: DrumHit[], g: Grid, barStep: number, pattern: Pattern, velScale: number, rng: Rng, skipFrom: number, thinHats: boolean): void {
  for (const kind of Object.keys(pattern) as DrumKind[]) {
    const row = pattern[kind]!;
    for (let s = 0; s < Math.min(row.length, g.stepsPerBar, skipFrom); s++) {
      const v = CHAR_VEL[row[s]!];
      if (v === undefined) continue;
      if (thinHats && kind === 'hat' && s % 2 === 1) continue;
      const human = 1 + (rng.next() - 0.5) * 0.16;
      hits.push({ time: stepTime(g, barStep + s), kind, velocity: Math.min(1.2, v * velScale * human) });
    }
  }
}

function addFill(hits: DrumHit[], g: Grid, barStep: number, style: FillStyle, length: number, velScale: number): void {
  const from = g.stepsPerBar - length;
  const stride = g.stepsPerBeat === 6 ? 2 : 1;
  const toms: DrumKind[] = ['tomHi', 'tomHi', 'tomMid', 'tomMid', 'tomLow', 'tomLow'];
  let k = 0;
  const count = Math.ceil(length / stride);
  for (let s = from; s < g.stepsPerBar; s += stride, k++) {
    const ramp = 0.55 + 0.45 * (k / Math.max(1, count - 1));
    let kind: DrumKind = 'snare';
    if (style === 'toms') kind = toms[Math.floor((k / count) * toms.length)]!;
    else if (style === 'mixed') kind = k < count / 2 ? 'snare' : k < (3 * count) / 4 ? 'tomMid' : 'tomLow';
    else if (style === 'kicksnare') kind = k % 2 === 0 ? 'kick' : 'snare';
    hits.push({ time: stepTime(g, barStep + s), kind, velocity: ramp * velScale });
  }
}

/** Generates every drum hit of the song. */
export function buildDrumHits(g: Grid, sections: readonly Section[], opts: GrooveOptions, rng: Rng): DrumHit[] {
  const hits: DrumHit[] = [];
  if (opts.groove === 'none') return hits;
  const def = g.stepsPerBar === 16 ? GROOVES_16[opts.groove] : patterns12(opts.groove, g.stepsPerBeat === 6);
  const verse = def.verse[opts.verseIndex % def.verse.length]!;
  const chorus = def.chorus[opts.chorusIndex % def.chorus.length]!;
  const moodVel = 0.78 + 0.22 * opts.energy;
  const thin = opts.energy < 0.4;
  for (const section of sections) {
    for (let b = 0; b < section.bars; b++) {
      const bar = section.startBar + b;
      if (bar >= g.totalBars) break;
      const barStep = bar * g.stepsPerBar;
      const lastOfSection = b === section.bars - 1;
      const next = sections[section.index + 1];
      const isFinalBar = bar === g.totalBars - 1;
      if (isFinalBar && g.totalBars >= FINAL_BAR_MIN) {
        hits.push({ time: stepTime(g, barStep), kind: 'kick', velocity: moodVel });
        if (opts.groove !== 'orchestral') hits.push({ time: stepTime(g, barStep), kind: 'crash', velocity: 0.8 * moodVel });
        else hits.push({ time: stepTime(g, barStep), kind: 'tomLow', velocity: moodVel });
        continue;
      }
      const wantsFill = lastOfSection && next !== undefined && next.type !== 'outro' && section.type !== 'intro' && section.bars >= 2;
      const fillLen = next?.type === 'chorus' && opts.energy > 0.5 ? g.stepsPerBeat * 2 : g.stepsPerBeat;
      const skipFrom = wantsFill ? g.stepsPerBar - fillLen : g.stepsPerBar;
      switch (section.type) {
        case 'intro': {
          if (b >= Math.floor(section.bars / 2) && section.bars >= 2 && def.introHats) {
            const p: Pattern = { hat: verse.hat ?? H8 };
            if (opts.groove === 'four') p.kick = verse.kick;
            addPattern(hits, g, barStep, p, 0.7 * moodVel, rng, g.stepsPerBar, thin);
          }
          if (lastOfSection && section.bars >= 2 && opts.groove !== 'orchestral') addFill(hits, g, barStep, 'snare', g.stepsPerBeat, 0.6 * moodVel);
          break;
        }
        case 'verse':
          addPattern(hits, g, barStep, verse, 0.9 * moodVel, rng, skipFrom, thin);
          break;
        case 'chorus':
          addPattern(hits, g, barStep, chorus, moodVel, rng, skipFrom, thin && opts.energy < 0.3);
          if (def.rolls && rng.chance(0.5)) addRoll(hits, g, barStep, rng, moodVel);
          break;
        case 'bridge': {
          // Breakdown: keep the pulse but drop the backbeat, then build back into the chorus.
          const p: Pattern = { hat: verse.hat ?? verse.ride ?? H8 };
          if (def.breakdownKick || b % 2 === 0) p.kick = 'X' + '.'.repeat(g.stepsPerBar - 1);
          if (opts.groove === 'four') delete p.kick;
          addPattern(hits, g, barStep, p, 0.75 * moodVel, rng, skipFrom, true);
          break;
        }
        case 'outro':
          addPattern(hits, g, barStep, verse, 0.75 * moodVel, rng, g.stepsPerBar, true);
          break;
      }
      if (def.jazzComp && (section.type === 'verse' || section.type === 'chorus')) {
        for (let k = 0; k < 2; k++) {
          const s = rng.int(0, g.stepsPerBar / 2 - 1) * 2;
          hits.push({ time: stepTime(g, barStep + s), kind: 'snare', velocity: 0.22 * moodVel });
        }
      }
      if (wantsFill) {
        const style = opts.groove === 'four' || opts.groove === 'trap' ? 'snare' : opts.fill;
        addFill(hits, g, barStep, style, fillLen, moodVel * (section.type === 'bridge' ? 1 : 0.9));
      }
      if (b === 0 && (section.type === 'chorus' || (section.type === 'verse' && section.occurrence > 0)) && section.index > 0) {
        hits.push({ time: stepTime(g, barStep), kind: 'crash', velocity: 0.75 * moodVel });
      }
    }
  }
  return hits;
}

/** Trap hi-hat rolls: a 16th replaced by a burst of triplets or 32nds. */
function addRoll(hits: DrumHit[], g: Grid, barStep: number, rng: Rng, vel: number): void {
  const at = rng.pick([6, 10, 13, 14]);
  const n = rng.pick([3, 4, 6]);
  const span = n === 6 ? 2 : 1;
  for (let k = 0; k < n; k++) {
    hits.push({ time: stepTime(g, barStep + at) + ((k * span) / n) * g.stepSec, kind: 'hat', velocity: (0.45 + 0.35 * (k / n)) * vel });
  }
}
