/**
 * `SeededStream` is seedrandom's ARC4 stream draw for draw (the tree models' bootstraps, subsamples
 * and feature draws are pinned to it): `next()` and `fill()` in chunks of every size, interleaved,
 * against the seedrandom package for several seeds, including the draws below 2^-4 and 2^-12 that
 * take seedrandom's longer path through more bytes.
 *   node --import tsx --test test/models/seeded-stream.test.ts
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import seedrandom from 'seedrandom';
import { SeededStream, seededStream } from '../../models/algorithms/seeded-stream.ts';

const SEEDS = ['', '0', '1:tree', '7:round:119', '42:tree:149', 'é→'.repeat(200), 'x'.repeat(300)];
const DRAWS = 20_000;

describe('SeededStream draws what seedrandom draws', () => {
  for (const seed of SEEDS) {
    it(`seed ${JSON.stringify(seed.slice(0, 12))}: next()`, () => {
      const a = seedrandom(seed);
      const b = new SeededStream(seed);
      for (let k = 0; k < DRAWS; k++) assert.equal(b.next(), a(), `draw ${k}`);
    });

    it(`seed ${JSON.stringify(seed.slice(0, 12))}: fill() in chunks of 0 to 100, between next() calls`, () => {
      const a = seedrandom(seed);
      const b = new SeededStream(seed);
      let k = 0;
      for (let size = 0; k < DRAWS; size = (size + 37) % 101) {
        const out = new Float64Array(size);
        b.fill(out);
        for (let q = 0; q < size; q++) assert.equal(out[q], a(), `draw ${k + q} (chunk of ${size})`);
        assert.equal(b.next(), a(), `draw ${k + size} (next)`);
        k += size + 1;
      }
    });
  }

  it('the draws cover the longer paths (below 2^-4, below 2^-12) and every truncation', () => {
    const b = new SeededStream('paths');
    const out = new Float64Array(200_000);
    b.fill(out);
    const a = seedrandom('paths');
    let below4 = 0;
    let below12 = 0;
    // The common path truncates 0–3 low bits depending on the draw's leading bits.
    const leading = new Set<number>();
    for (let k = 0; k < out.length; k++) {
      const u = out[k]!;
      assert.equal(u, a(), `draw ${k}`);
      if (u < 2 ** -4) below4++;
      if (u < 2 ** -12) below12++;
      if (u >= 2 ** -4) leading.add(Math.floor(Math.log2(u)));
    }
    assert.ok(below4 > 10_000, `${below4} draws below 2^-4`);
    assert.ok(below12 > 20, `${below12} draws below 2^-12`);
    assert.deepEqual(
      [...leading].sort((x, y) => y - x),
      [-1, -2, -3, -4],
    );
  });

  it('seededStream(seed) is the same stream as a function', () => {
    const a = seedrandom('fn');
    const b = seededStream('fn');
    for (let k = 0; k < 5000; k++) assert.equal(b(), a(), `draw ${k}`);
  });
});
