import { describe, expect, it } from '@jest/globals';
import { decode } from 'jpeg-js';
import { renderCover } from './cover.js';
import { deriveSongParams } from './params.js';

describe('renderCover', () => {
  const params = deriveSongParams({ prompt: 'epic orchestral trailer', seed: 4 }, 0);
  const jpeg = renderCover(params, 'Rise of the Machines');

  it('is a 512x512 JPEG', () => {
    expect(jpeg[0]).toBe(0xff);
    expect(jpeg[1]).toBe(0xd8);
    expect(jpeg[jpeg.length - 2]).toBe(0xff);
    expect(jpeg[jpeg.length - 1]).toBe(0xd9);
    const img = decode(jpeg, { useTArray: true });
    expect(img.width).toBe(512);
    expect(img.height).toBe(512);
  });

  it('is not a flat image and carries the title block', () => {
    const img = decode(jpeg, { useTArray: true });
    const lum = (x: number, y: number): number => {
      const o = (y * img.width + x) * 4;
      return 0.3 * img.data[o]! + 0.59 * img.data[o + 1]! + 0.11 * img.data[o + 2]!;
    };
    let min = 255, max = 0;
    for (let y = 0; y < 512; y += 8) for (let x = 0; x < 512; x += 8) {
      min = Math.min(min, lum(x, y));
      max = Math.max(max, lum(x, y));
    }
    expect(max - min).toBeGreaterThan(40);
    // Near-white title pixels exist in the lower part of the cover.
    let bright = 0;
    for (let y = 380; y < 512; y++) for (let x = 0; x < 512; x++) if (lum(x, y) > 225) bright++;
    expect(bright).toBeGreaterThan(200);
  });

  it('is deterministic and depends on params and title', () => {
    expect(renderCover(params, 'Rise of the Machines').equals(jpeg)).toBe(true);
    const small = renderCover(params, 'Rise of the Machines', 96);
    expect(renderCover(params, 'Another Title', 96).equals(small)).toBe(false);
    expect(renderCover(deriveSongParams({ prompt: 'happy reggae', seed: 4 }, 0), 'Rise of the Machines', 96).equals(small)).toBe(false);
  });

  it('supports other sizes and rejects silly ones', () => {
    const small = decode(renderCover(params, 'x', 128), { useTArray: true });
    expect(small.width).toBe(128);
    expect(() => renderCover(params, 'x', 0)).toThrow(RangeError);
  });
});
