// Note dispatch: picks the renderer for a patch kind. Renderers add into the target (they never overwrite).
import { renderPluck } from './pluck.js';
import { renderFm, renderSub } from './sines.js';
import { renderChordVa, renderVa } from './va.js';
import { fitRelease } from './patch.js';
import type { NoteTarget, Patch } from './patch.js';

export type { NoteTarget, Patch } from './patch.js';
export { renderChordVa, renderPluck };

/** Renders one note (or several strings struck together for 'pluck') additively into the target. */
export function renderNote(
  out: NoteTarget, startSample: number, gateSamples: number, freq: number, velocity: number, p: Patch,
  gainL: number, gainR: number, seed: number,
): void {
  if (startSample >= out.left.length || gateSamples <= 0) return;
  p = fitRelease(p, gateSamples);
  switch (p.kind) {
    case 'va': renderVa(out, startSample, gateSamples, [freq], [[gainL, gainR]], velocity, p, seed); break;
    case 'fm': renderFm(out, startSample, gateSamples, freq, velocity, p, gainL, gainR); break;
    case 'pluck': renderPluck(out, startSample, gateSamples, [freq], [0], velocity, p, gainL, gainR, seed); break;
    case 'sub': renderSub(out, startSample, gateSamples, freq, velocity, p, gainL, gainR); break;
  }
}
