// Procedural cover art: colours from key and mood, shapes from the genre family and seed, title in a bitmap font.
import { encode as encodeJpeg } from 'jpeg-js';
import { GLYPH_H, GLYPH_W, glyphRows, normalizeForFont, wrapText } from './font.js';
import { combineSeeds, hashString, Rng } from './rng.js';
import { moodById } from './styles.js';
import { parsePitchClass } from './theory.js';
import type { SongParams } from './types.js';

// Module-local alias: global lookups are slow inside vm sandboxes (e.g. Jest), and these loops are hot.
const M = Math;

type RGB = [number, number, number];

function hsl(h: number, s: number, l: number): RGB {
  const hue = ((h % 360) + 360) % 360;
  const c = (1 - M.abs(2 * l - 1)) * s;
  const x = c * (1 - M.abs(((hue / 60) % 2) - 1));
  const m = l - c / 2;
  const [r, g, b] = hue < 60 ? [c, x, 0] : hue < 120 ? [x, c, 0] : hue < 180 ? [0, c, x] : hue < 240 ? [0, x, c] : hue < 300 ? [x, 0, c] : [c, 0, x];
  return [(r + m) * 255, (g + m) * 255, (b + m) * 255];
}

class Canvas {
  readonly px: Float32Array;

  constructor(readonly size: number) {
    this.px = new Float32Array(size * size * 3);
  }

  blend(x: number, y: number, c: RGB, a: number): void {
    if (x < 0 || y < 0 || x >= this.size || y >= this.size || a <= 0) return;
    const o = (y * this.size + x) * 3;
    const px = this.px;
    px[o] = px[o]! + (c[0] - px[o]!) * a;
    px[o + 1] = px[o + 1]! + (c[1] - px[o + 1]!) * a;
    px[o + 2] = px[o + 2]! + (c[2] - px[o + 2]!) * a;
  }

  circle(cx: number, cy: number, r: number, c: RGB, alpha: number, softness: number, ring = 0): void {
    const x0 = M.max(0, M.floor(cx - r - 2)), x1 = M.min(this.size - 1, M.ceil(cx + r + 2));
    const y0 = M.max(0, M.floor(cy - r - 2)), y1 = M.min(this.size - 1, M.ceil(cy + r + 2));
    const soft = M.max(1, softness * r);
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const d = M.hypot(x - cx, y - cy);
        let cover = M.min(1, M.max(0, (r - d) / soft));
        if (ring > 0) cover *= M.min(1, M.max(0, (d - (r - ring)) / 1.5));
        this.blend(x, y, c, cover * alpha);
      }
    }
  }

  triangle(pts: [number, number][], c: RGB, alpha: number): void {
    const [a, b, d] = pts as [[number, number], [number, number], [number, number]];
    const x0 = M.max(0, M.floor(M.min(a[0], b[0], d[0]))), x1 = M.min(this.size - 1, M.ceil(M.max(a[0], b[0], d[0])));
    const y0 = M.max(0, M.floor(M.min(a[1], b[1], d[1]))), y1 = M.min(this.size - 1, M.ceil(M.max(a[1], b[1], d[1])));
    const area = (b[0] - a[0]) * (d[1] - a[1]) - (b[1] - a[1]) * (d[0] - a[0]);
    if (area === 0) return;
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const w0 = ((b[0] - x) * (d[1] - y) - (b[1] - y) * (d[0] - x)) / area;
        const w1 = ((d[0] - x) * (a[1] - y) - (d[1] - y) * (a[0] - x)) / area;
        const w2 = 1 - w0 - w1;
        if (w0 >= 0 && w1 >= 0 && w2 >= 0) this.blend(x, y, c, alpha);
      }
    }
  }

  rect(x: number, y: number, w: number, h: number, c: RGB, alpha: number): void {
    for (let yy = M.max(0, M.floor(y)); yy < M.min(this.size, y + h); yy++) {
      for (let xx = M.max(0, M.floor(x)); xx < M.min(this.size, x + w); xx++) this.blend(xx, yy, c, alpha);
    }
  }

  text(lines: string[], x: number, y: number, scale: number, c: RGB, shadow: RGB): void {
    const lineH = (GLYPH_H + 3) * scale;
    const draw = (ox: number, oy: number, col: RGB, alpha: number): void => {
      lines.forEach((line, li) => {
        for (let i = 0; i < line.length; i++) {
          const rows = glyphRows(line[i]!);
          for (let r = 0; r < GLYPH_H; r++) {
            for (let col5 = 0; col5 < GLYPH_W; col5++) {
              if (!((rows[r]! >> (GLYPH_W - 1 - col5)) & 1)) continue;
              this.rect(ox + (i * (GLYPH_W + 1) + col5) * scale, oy + li * lineH + r * scale, scale, scale, col, alpha);
            }
          }
        }
      });
    };
    draw(x + M.max(1, scale / 2), y + M.max(1, scale / 2), shadow, 0.6);
    draw(x, y, c, 1);
  }
}

const FIFTHS = [0, 7, 2, 9, 4, 11, 6, 1, 8, 3, 10, 5];

function family(genre: string): 'electric' | 'shards' | 'soft' | 'blocks' | 'waves' {
  if (['electronic', 'drum and bass', 'trap'].includes(genre)) return 'electric';
  if (['rock', 'metal'].includes(genre)) return 'shards';
  if (['ambient', 'classical'].includes(genre)) return 'soft';
  if (['jazz', 'lofi', 'hip hop', 'rnb', 'funk'].includes(genre)) return 'blocks';
  return 'waves';
}

export function renderCover(params: SongParams, title: string, size = 512): Buffer {
  if (!Number.isInteger(size) || size < 16 || size > 4096) throw new RangeError(`cover size must be an integer in [16, 4096], got ${size}`);
  const rng = new Rng(combineSeeds(params.seed, hashString(`${title}|${params.key}|${params.genre}|${params.chordProgression.join(' ')}`)));
  const mood = moodById(params.mood);
  const pc = parsePitchClass(params.key) ?? 0;
  // Neighbouring keys on the circle of fifths get neighbouring hues.
  const baseHue = FIFTHS.indexOf(pc) * 30 + (params.mode === 'minor' ? 200 : 20) + rng.range(-12, 12);
  const light = 0.18 + 0.4 * mood.brightness;
  const sat = 0.35 + 0.5 * M.min(1, mood.energy + 0.2);
  const c1 = hsl(baseHue, sat, light);
  const c2 = hsl(baseHue + rng.range(40, 150), sat, M.max(0.08, light - 0.15));
  const accent = hsl(baseHue + 180 + rng.range(-30, 30), M.min(1, sat + 0.2), M.min(0.85, light + 0.3));
  const S = size;
  const cv = new Canvas(S);

  const angle = rng.range(0, M.PI * 2);
  const ax = M.cos(angle), ay = M.sin(angle);
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      const t = M.min(1, M.max(0, 0.5 + ((x / S - 0.5) * ax + (y / S - 0.5) * ay)));
      const o = (y * S + x) * 3;
      cv.px[o] = c1[0] + (c2[0] - c1[0]) * t;
      cv.px[o + 1] = c1[1] + (c2[1] - c1[1]) * t;
      cv.px[o + 2] = c1[2] + (c2[2] - c1[2]) * t;
    }
  }

  const f = family(params.genre);
  const count = 4 + M.round(8 * mood.energy);
  if (f === 'electric') {
    const cx = S * rng.range(0.3, 0.7), cy = S * rng.range(0.3, 0.55);
    for (let k = 0; k < count; k++) cv.circle(cx, cy, S * (0.08 + k * 0.045), accent, 0.55 - k * 0.035, 0.01, M.max(2, S / 160));
    for (let y = M.floor(S * 0.62); y < S; y += M.max(3, M.floor(S / 40))) cv.rect(0, y, S, M.max(1, S / 256), accent, 0.35);
  } else if (f === 'shards') {
    for (let k = 0; k < count + 3; k++) {
      const x = rng.range(0, S), y = rng.range(0, S), r = S * rng.range(0.08, 0.35);
      const a0 = rng.range(0, M.PI * 2);
      const pts: [number, number][] = [0, 1, 2].map((i) => [x + r * M.cos(a0 + i * 2.3 + rng.range(-0.4, 0.4)), y + r * M.sin(a0 + i * 2.3)]);
      cv.triangle(pts, k % 2 ? accent : c1, rng.range(0.2, 0.55));
    }
  } else if (f === 'soft') {
    for (let k = 0; k < count; k++) cv.circle(rng.range(0, S), rng.range(0, S), S * rng.range(0.1, 0.4), k % 2 ? accent : c2, rng.range(0.15, 0.35), 0.9);
    // A glowing orb and a scatter of small lights.
    const ox = S * rng.range(0.25, 0.75), oy = S * rng.range(0.2, 0.5), or = S * rng.range(0.1, 0.18);
    cv.circle(ox, oy, or * 1.8, accent, 0.25, 0.8);
    cv.circle(ox, oy, or, accent, 0.85, 0.06);
    for (let k = 0; k < 40 + count * 6; k++) cv.circle(rng.range(0, S), rng.range(0, S * 0.75), S * rng.range(0.002, 0.006), [255, 250, 235], rng.range(0.3, 0.9), 0.5);
  } else if (f === 'blocks') {
    for (let k = 0; k < count; k++) {
      const w = S * rng.range(0.1, 0.4), h = S * rng.range(0.1, 0.4);
      if (rng.chance(0.5)) cv.rect(rng.range(0, S - w), rng.range(0, S - h), w, h, k % 2 ? accent : c1, rng.range(0.35, 0.7));
      else cv.circle(rng.range(0, S), rng.range(0, S), M.min(w, h) / 2, k % 3 ? accent : c2, rng.range(0.4, 0.8), 0.01);
    }
  } else {
    for (let k = 0; k < count; k++) {
      const base = S * rng.range(0.2, 0.9), amp = S * rng.range(0.02, 0.08), freq = rng.range(1, 4), ph = rng.range(0, 6.28);
      const thick = S * rng.range(0.02, 0.06);
      const col = k % 2 ? accent : c1;
      for (let x = 0; x < S; x++) {
        const yc = base + amp * M.sin((x / S) * M.PI * 2 * freq + ph);
        for (let y = M.floor(yc - thick); y <= yc + thick; y++) cv.blend(x, y, col, 0.35);
      }
    }
  }

  // Title block with a translucent band for legibility.
  const text = normalizeForFont(title) || 'UNTITLED';
  const scale = M.max(1, M.floor(S / 96));
  const margin = M.round(S * 0.06);
  const maxChars = M.max(4, M.floor((S - 2 * margin) / ((GLYPH_W + 1) * scale)));
  const lines = wrapText(text, maxChars, 3);
  const sub = normalizeForFont(`${params.genre} - ${params.key} ${params.mode} - ${params.tempoBpm} BPM`);
  const subScale = M.max(1, M.floor(scale / 2));
  const blockH = lines.length * (GLYPH_H + 3) * scale + (GLYPH_H + 4) * subScale + margin;
  cv.rect(0, S - blockH - margin * 0.5, S, blockH + margin * 0.5, [0, 0, 0], 0.35);
  cv.text(lines, margin, S - blockH, scale, [250, 248, 240], [0, 0, 0]);
  cv.text(wrapText(sub, M.floor((S - 2 * margin) / ((GLYPH_W + 1) * subScale)), 1), margin, S - margin - GLYPH_H * subScale, subScale, accent, [0, 0, 0]);

  // Film grain and vignette, then quantise to RGBA for the encoder.
  const rgba = Buffer.alloc(S * S * 4);
  let nz = (rng.int(1, 0x7fffffff) | 1) >>> 0;
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      nz ^= nz << 13; nz ^= nz >>> 17; nz ^= nz << 5;
      const grain = ((nz >>> 0) / 4294967296 - 0.5) * 14;
      const dx = x / S - 0.5, dy = y / S - 0.5;
      const vig = 1 - 0.55 * (dx * dx + dy * dy);
      const o = (y * S + x) * 3;
      const p = (y * S + x) * 4;
      for (let k = 0; k < 3; k++) rgba[p + k] = M.max(0, M.min(255, M.round(cv.px[o + k]! * vig + grain)));
      rgba[p + 3] = 255;
    }
  }
  return encodeJpeg({ data: rgba, width: S, height: S }, 85).data;
}
