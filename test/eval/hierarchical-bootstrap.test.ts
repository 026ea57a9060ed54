import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  correctedResampledT,
  type HierarchicalInterval,
  type HierarchicalResult,
  hierarchicalBootstrap,
  type PairedHierarchicalInterval,
  type PairedHierarchicalResult,
  pairedHierarchicalBootstrap,
  type SeedStatistic,
  SINGLE_SEED_REASON,
} from '../../splits/eval/index.ts';

const close = (a: number, b: number, tol: number, what: string) =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b} (tolerance ${tol})`);

function interval(r: HierarchicalResult): HierarchicalInterval {
  assert.equal(r.state, 'interval');
  return r as HierarchicalInterval;
}

function pairedInterval(r: PairedHierarchicalResult): PairedHierarchicalInterval {
  assert.equal(r.state, 'interval');
  return r as PairedHierarchicalInterval;
}

describe('hierarchicalBootstrap', () => {
  it('gives an exact interval when units within a seed agree: only the seed draw varies', () => {
    // Two seeds whose units are all 0 and all 1: a resample's mean over two drawn seeds is 0, ½ or 1
    // with probabilities ¼, ½, ¼. The 2.5 % and 97.5 % quantiles then sit inside the 0 and 1 blocks,
    // the 30 % and 70 % ones inside the ½ block; the standard error is √(Var(seed mean)/2) = √(¼/2).
    const perSeed = [{ values: [0, 0, 0] }, { values: [1, 1, 1] }];
    const r = interval(hierarchicalBootstrap(perSeed, 'mean', { seed: 'exact', resamples: 4000 }));
    assert.deepEqual([r.estimate, r.lo, r.hi, r.k, r.invalidResamples], [0.5, 0, 1, 2, 0]);
    close(r.se, Math.sqrt(0.125), 0.01, 'se');
    const narrow = interval(
      hierarchicalBootstrap(perSeed, 'mean', { seed: 'exact', resamples: 4000, confidence: 0.4 }),
    );
    assert.deepEqual([narrow.lo, narrow.hi], [0.5, 0.5]);
  });

  it('has the standard error of both stages, computed by hand', () => {
    // Seeds of four units each. A resample's mean is M = (1/k)·Σ X_i over k = 3 draws, each X the
    // mean of 4 units drawn from a uniformly drawn seed S, so
    //   Var(M) = (Var(m_S) + E[σ²_S]/4) / 3,
    // with seed means m = ½, 1, ¼ (Σ(m − m̄)² = 0.875/3, population variance 0.875/9 = 0.097 2̄) and
    // within-seed population variances σ² = ¼, 0, 3/16 (E[σ²]/4 = 0.4375/12 = 0.036 458 3̄):
    //   Var(M) = 0.133 680 5̄/3 = 0.044 560 18…, se = 0.211 092 8…
    // Leaving out the unit stage would give √(0.097 2̄/3) = 0.180; leaving out the seed stage,
    // as a bootstrap over test runs only does, √(0.4375/4/9) = 0.110.
    const perSeed = [{ values: [0, 0, 1, 1] }, { values: [1, 1, 1, 1] }, { values: [0, 0, 0, 1] }];
    const r = interval(hierarchicalBootstrap(perSeed, 'mean', { seed: 'se', resamples: 20000 }));
    close(r.estimate, (0.5 + 1 + 0.25) / 3, 1e-15, 'estimate');
    const expected = Math.sqrt((0.875 / 3 / 3 + 0.4375 / 12) / 3);
    close(expected, 0.2110928, 1e-7, 'hand value');
    close(r.se / expected, 1, 0.03, 'bootstrap se / hand se');
    assert.ok(r.lo < r.estimate && r.estimate < r.hi);
  });

  it('recomputes a pooled F1 from the drawn runs through the callback', () => {
    // Seed 0: runs {tp 3, fp 1, fn 0} and {tp 1, fp 0, fn 2} → pooled F1 = 2·4/(8 + 1 + 2) = 8/11.
    // Seed 1: runs {tp 2, fp 2, fn 0} and an empty run → 2·2/(4 + 2) = 2/3. Mean: (8/11 + 2/3)/2 = 23/33.
    const runs = [
      [
        { tp: 3, fp: 1, fn: 0 },
        { tp: 1, fp: 0, fn: 2 },
      ],
      [
        { tp: 2, fp: 2, fn: 0 },
        { tp: 0, fp: 0, fn: 0 },
      ],
    ];
    const calls: { seed: number; units: number[] }[] = [];
    const f1: SeedStatistic = (seed, units) => {
      calls.push({ seed, units: [...units] });
      let tp = 0;
      let other = 0;
      for (const u of units) {
        const c = runs[seed]![u]!;
        tp += c.tp;
        other += c.fp + c.fn;
      }
      return 2 * tp + other === 0 ? 0 : (2 * tp) / (2 * tp + other);
    };
    const perSeed = runs.map((r) => ({ units: r.length }));
    const r = interval(hierarchicalBootstrap(perSeed, f1, { seed: 7, resamples: 500 }));
    close(r.estimate, 23 / 33, 1e-15, 'estimate');
    // The estimate's own calls see each seed's units as they are, then k calls per resample.
    assert.deepEqual(calls.slice(0, 2), [
      { seed: 0, units: [0, 1] },
      { seed: 1, units: [0, 1] },
    ]);
    assert.equal(calls.length, 2 + 500 * 2);
    for (const c of calls) assert.ok(c.units.length === 2 && c.units.every((u) => u === 0 || u === 1));
    const seedShare = calls.slice(2).filter((c) => c.seed === 0).length / 1000;
    assert.ok(seedShare > 0.43 && seedShare < 0.57, `seed 0 drawn ${seedShare} of the time`);
    assert.ok(r.lo < r.hi);
  });

  it("is narrower than the corrected t-interval over five seeds: it ignores the splits' overlap", () => {
    // docs/PROTOCOL.md: the five seed values of the corrected-t fixture, no within-seed noise. Every
    // resample mean lies in [min, max] = [0.78, 0.85], and the corrected t-interval (nTrain 160,
    // nTest 40) is [0.7638, 0.8602]: 0.0964 wide.
    const a = [0.8, 0.82, 0.78, 0.85, 0.81];
    const r = interval(
      hierarchicalBootstrap(
        a.map((v) => ({ values: [v] })),
        'mean',
        { seed: 1, resamples: 4000 },
      ),
    );
    const t = correctedResampledT(a, { nTrain: 160, nTest: 40 });
    assert.equal(t.state, 'interval');
    const tWidth = t.ci[1] - t.ci[0];
    close(tWidth, 0.8602095135609799 - 0.7637904864390203, 1e-12, 'corrected t width');
    assert.ok(r.lo >= 0.78 && r.hi <= 0.85, `[${r.lo}, ${r.hi}] within the seed values`);
    assert.ok(r.hi - r.lo < 0.5 * tWidth, `bootstrap width ${r.hi - r.lo} vs corrected t ${tWidth}`);
  });

  it('is reproducible, seed-dependent, and the same through a mean callback as through "mean"', () => {
    const perSeed = [{ values: [0.6, 0.7, 0.8] }, { values: [0.5, 0.9] }, { values: [0.65, 0.75, 0.7, 0.8] }];
    const opts = { seed: 'r', resamples: 300 };
    const r = hierarchicalBootstrap(perSeed, 'mean', opts);
    assert.deepEqual(hierarchicalBootstrap(perSeed, 'mean', opts), r);
    assert.notDeepEqual(hierarchicalBootstrap(perSeed, 'mean', { ...opts, seed: 's' }), r);
    const viaCallback = hierarchicalBootstrap(
      perSeed.map((s) => ({ units: s.values.length })),
      (seed, units) => {
        let sum = 0;
        for (const u of units) sum += perSeed[seed]!.values[u]!;
        return sum / units.length;
      },
      opts,
    );
    assert.deepEqual(viaCallback, r);
  });

  it('counts resamples with a non-finite seed statistic instead of folding them in', () => {
    // Seed 2 gives NaN (say, an AUC on one class): a resample avoids it with probability (2/3)³ = 8/27.
    const r = interval(
      hierarchicalBootstrap([{ units: 2 }, { units: 2 }, { units: 2 }], (s) => (s === 2 ? Number.NaN : s), {
        seed: 1,
        resamples: 3000,
      }),
    );
    assert.ok(Number.isNaN(r.estimate));
    const valid = (3000 - r.invalidResamples) / 3000;
    assert.ok(Math.abs(valid - 8 / 27) < 0.03, `valid share ${valid}`);
    assert.ok(r.lo >= 0 && r.hi <= 1);
  });

  it('says "1 seed: no interval over splits" for one seed', () => {
    assert.deepEqual(hierarchicalBootstrap([{ values: [0.25, 0.75] }], 'mean', { seed: 1 }), {
      state: 'single-seed',
      estimate: 0.5,
      k: 1,
      reason: SINGLE_SEED_REASON,
    });
  });

  it('names the bad argument or option', () => {
    assert.throws(() => hierarchicalBootstrap([], 'mean', { seed: 1 }), {
      name: 'TypeError',
      message: 'perSeed must be a non-empty array',
    });
    assert.throws(() => hierarchicalBootstrap([{ values: [1] }, { values: [] }], 'mean', { seed: 1 }), {
      message: 'perSeed[1].values must not be empty',
    });
    assert.throws(() => hierarchicalBootstrap([{ units: 0 }], () => 0, { seed: 1 }), {
      message: 'perSeed[0].units must be an integer ≥ 1 (got 0)',
    });
    assert.throws(() => hierarchicalBootstrap([{ units: 2 }, { units: 2 }], 'mean', { seed: 1 }), {
      message: "perSeed[0] has no values: the 'mean' statistic needs them (or pass a statistic)",
    });
    assert.throws(() => hierarchicalBootstrap([{ units: 2 }], 'mean', {} as never), {
      message: 'seed is required (a string or number) so the bootstrap is reproducible',
    });
  });
});

describe('pairedHierarchicalBootstrap', () => {
  // Per unit (test run) of each seed: the two variants' values.
  const seeds = [
    { a: [0.9, 0.7, 0.8, 0.6], b: [0.8, 0.7, 0.75, 0.5] },
    { a: [0.5, 0.6, 0.9], b: [0.55, 0.5, 0.8] },
    { a: [0.7, 0.8, 0.75, 0.65, 0.9], b: [0.6, 0.8, 0.7, 0.6, 0.85] },
  ];
  const meanOf =
    (key: 'a' | 'b'): SeedStatistic =>
    (seed, units) => {
      let sum = 0;
      for (const u of units) sum += seeds[seed]![key][u]!;
      return sum / units.length;
    };
  const perSeed = seeds.map((s) => ({ units: s.a.length }));

  it('evaluates both variants on the same draw: equals the bootstrap of per-unit differences', () => {
    // mean_S(a) − mean_S(b) = mean_S(a − b) on any draw, so with the same generator the paired
    // bootstrap must reproduce the plain one on the differences (up to float rounding).
    const opts = { seed: 'pair', resamples: 2000 };
    const paired = pairedInterval(pairedHierarchicalBootstrap(perSeed, meanOf('a'), meanOf('b'), opts));
    const diffs = interval(
      hierarchicalBootstrap(
        seeds.map((s) => ({ values: s.a.map((x, i) => x - s.b[i]!) })),
        'mean',
        opts,
      ),
    );
    // By hand: seed differences 0.0625, 0.05 (0.15/3), 0.05 → mean 0.1625/3 = 0.0541 6̄.
    close(paired.meanDiff, 0.1625 / 3, 1e-12, 'meanDiff');
    close(paired.ci[0], diffs.lo, 1e-12, 'lo');
    close(paired.ci[1], diffs.hi, 1e-12, 'hi');
    close(paired.se, diffs.se, 1e-12, 'se');
    assert.ok(paired.ci[0] > 0, `ci ${paired.ci} excludes 0`);
    assert.ok(paired.pValue < 0.05, `p ${paired.pValue}`);
  });

  it('finds nothing for a variant against itself, and a constant shift exactly', () => {
    const same = pairedInterval(
      pairedHierarchicalBootstrap(perSeed, meanOf('a'), meanOf('a'), { seed: 1, resamples: 999 }),
    );
    assert.deepEqual([same.meanDiff, same.ci, same.pValue], [0, [0, 0], 1]);
    // Dyadic values keep the shift exact: every resample's difference is ¼, so p = 2/(999 + 1).
    const shifted = pairedInterval(
      pairedHierarchicalBootstrap(
        [{ units: 2 }, { units: 3 }],
        (s, u) => 1 + s + u.length,
        (s, u) => 0.75 + s + u.length,
        { seed: 1, resamples: 999 },
      ),
    );
    assert.deepEqual([shifted.meanDiff, shifted.ci, shifted.pValue], [0.25, [0.25, 0.25], 0.002]);
  });

  it('passes the same unit indices to both statistics', () => {
    const seenA: string[] = [];
    const seenB: string[] = [];
    const recorder =
      (seen: string[]): SeedStatistic =>
      (s, u) => {
        seen.push(`${s}:${u.join(',')}`);
        return 0;
      };
    pairedHierarchicalBootstrap(perSeed, recorder(seenA), recorder(seenB), { seed: 2, resamples: 50 });
    assert.equal(seenA.length, 3 + 50 * 3);
    assert.deepEqual(seenB, seenA);
  });

  it('gives a single-seed result for one seed', () => {
    assert.deepEqual(
      pairedHierarchicalBootstrap(
        [{ units: 1 }],
        () => 0.5,
        () => 0.25,
        { seed: 1 },
      ),
      {
        state: 'single-seed',
        meanDiff: 0.25,
        k: 1,
        reason: SINGLE_SEED_REASON,
      },
    );
  });
});
