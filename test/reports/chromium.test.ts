/**
 * The report page in a real browser: headless Chromium screenshots it at 1280 px and the PNG is
 * decoded to check that something was drawn, in the charts' colours. Skipped when no Chromium
 * binary is installed.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, it } from 'node:test';
import { PALETTE } from '../../harness/charts/index.ts';
import type { ReportModel } from '../../reports/index.ts';
import { writeReport } from '../../reports/page/index.ts';
import { entryMetrics } from '../helpers/board-fixture.ts';
import { tempDir } from '../helpers/fixtures.ts';
import { decodePng, hasPngSignature } from '../helpers/png.ts';

/** First Chromium binary on PATH (or at /usr/bin/chromium), or undefined. */
function findChromium(): string | undefined {
  const dirs = (process.env['PATH'] ?? '').split(delimiter).filter(Boolean);
  const candidates = ['chromium', 'chromium-browser', 'google-chrome'].flatMap((name) =>
    [...dirs, '/usr/bin'].map((d) => join(d, name)),
  );
  return candidates.find((p) => existsSync(p));
}

const chromium = findChromium();

/** A small model that still produces every chart type. */
function model(): ReportModel {
  const algorithms = ['iforest', 'lr', 'tree'];
  const featureSets = ['words', 'events', 'trigrams', 'length'];
  const variants = algorithms.flatMap((a) => featureSets.map((f) => `${f}_${a}`));
  const cases = Array.from({ length: 53 }, (_, i) => `case_${i}`);
  return {
    title: 'Browser check <report>',
    experiment: 'browser',
    experimentFile: 'experiments/browser.yaml',
    generatedAt: '2025-01-01T00:00:00.000Z',
    primaryMetric: 'f1',
    leaderboard: variants.map((v, i) => {
      const means = {
        f1: { mean: 0.9 - i * 0.05, lo: 0.85 - i * 0.05, hi: 0.95 - i * 0.05, interval: 'corrected-t' as const },
        aucPr: 0.8,
        aucRoc: 0.9,
        precisionAtK: 0.7,
      };
      return {
        rank: i + 1,
        tied: i === 1,
        variant: v,
        featureSet: v.split('_')[0]!,
        algorithm: v.split('_')[1]!,
        supervised: i % 2 === 0,
        seeds: 3,
        ...means,
        metrics: entryMetrics(means),
        fitMs: 100 * (i + 1),
        throughputPerS: 1000,
        withinTrivialReach: i === 3,
        flags:
          i === 3 ? [{ flag: 'trivial' as const, reason: 'test F1 within 0.02 of the trivial rule "duration"' }] : [],
      };
    }),
    f1ByFeatureSet: algorithms.flatMap((a, ai) =>
      featureSets.map((f, fi) => ({
        algorithm: a,
        featureSet: f,
        mean: 0.3 + 0.15 * fi + 0.03 * ai,
        lo: 0.25,
        hi: 0.95,
      })),
    ),
    prCurves: [0, 1, 2].map((c) => ({
      label: variants[c]!,
      aucPr: 0.8 - c / 10,
      points: Array.from({ length: 2000 }, (_, i) => ({ recall: i / 1999, precision: 1 - (i / 1999) ** (c + 2) })),
    })),
    recallByCase: {
      rows: variants,
      columns: cases,
      values: variants.map((_, r) => cases.map((_, c) => ((r + c) % 13 === 0 ? null : ((r * 7 + c) % 10) / 9))),
    },
    timings: variants.map((v, i) => ({
      label: v,
      stages: { load: 100, vectorize: 200, fit: 100 * (i + 1), score: 50 },
    })),
    leakage: [{ split: 'by-run', featureSet: 'words', warnings: ['label leaks'], trivialRules: [] }],
    leakageSummary: [{ split: 'by-run', featureSet: 'words', finding: 'label leaks', count: 1, strongest: '' }],
    environment: { node: 'v20', os: 'linux' },
  };
}

/** Pixels of `img` within `tolerance` (per channel) of the hex colour. */
function countColor(img: { rgba: Uint8Array }, hex: string, tolerance = 12): number {
  const n = Number.parseInt(hex.slice(1), 16);
  const [r, g, b] = [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  let count = 0;
  for (let i = 0; i < img.rgba.length; i += 4) {
    if (
      Math.abs(img.rgba[i]! - r) <= tolerance &&
      Math.abs(img.rgba[i + 1]! - g) <= tolerance &&
      Math.abs(img.rgba[i + 2]! - b) <= tolerance
    ) {
      count++;
    }
  }
  return count;
}

describe('report page in headless Chromium', () => {
  it('renders at 1280 px with visible content in the palette colours', {
    skip: chromium === undefined ? 'no chromium binary found on PATH or at /usr/bin/chromium' : false,
    timeout: 120_000,
  }, async () => {
    const { dir, cleanup } = tempDir('lo2-report-chromium-');
    try {
      const written = await writeReport(model(), join(dir, 'report'), { pngScale: 1 });
      const shot = join(dir, 'screenshot.png');
      const result = spawnSync(
        chromium!,
        [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--hide-scrollbars',
          '--no-first-run',
          `--user-data-dir=${join(dir, 'profile')}`,
          `--screenshot=${shot}`,
          '--window-size=1280,2000',
          `file://${written.html}`,
        ],
        { timeout: 60_000, encoding: 'utf8' },
      );
      assert.equal(result.error, undefined, `chromium failed to run: ${String(result.error)}`);
      assert.ok(existsSync(shot), `no screenshot; chromium exit ${result.status}: ${result.stderr.slice(-2000)}`);

      const bytes = readFileSync(shot);
      assert.ok(hasPngSignature(bytes));
      const img = decodePng(bytes);
      assert.equal(img.width, 1280);
      assert.equal(img.height, 2000);

      let nonWhite = 0;
      for (let i = 0; i < img.rgba.length; i += 4) {
        if (img.rgba[i]! < 240 || img.rgba[i + 1]! < 240 || img.rgba[i + 2]! < 240) nonWhite++;
      }
      const fraction = nonWhite / (img.width * img.height);
      assert.ok(fraction > 0.08, `only ${(fraction * 100).toFixed(1)}% of pixels are not white`);

      // The first screen holds the leaderboard and F1-by-feature-set bars: four series colours.
      const seen = PALETTE.slice(0, 4).filter((c) => countColor(img, c) > 500);
      assert.ok(seen.length >= 3, `palette colours visible: ${seen.join(', ') || 'none'}`);
    } finally {
      cleanup();
    }
  });
});
