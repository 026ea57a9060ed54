/**
 * A trial's SHAP files, written together:
 * - `shap.csv` (kind `shap`): feature, mean_abs, mean over the explained test rows, largest mean |SHAP| first;
 * - `shap-points.json` (kind `shap-points`): how the rows were explained, and per top feature each
 *   explained row's SHAP value and feature value;
 * - `shap-bar.svg` (kind `shap-bar-chart`) and `shap-summary.svg` (kind `shap-summary-plot`): their charts.
 */
import { shapBarChart, shapSummaryPlot } from '../charts/index.ts';
import { csvDocument, readCsvRows } from './csv.ts';
import { type ArtifactRow, readJsonArtifact, writeArtifact } from './file.ts';

/** One feature's mean |SHAP| and mean SHAP over the explained rows (a line of `shap.csv`). */
export interface ShapFeature {
  feature: string;
  meanAbs: number;
  mean: number;
}

/** One feature's SHAP value and feature value in each explained row. */
export interface ShapFeaturePoints {
  feature: string;
  points: { shap: number; value: number }[];
}

/** The document of `shap-points.json`. */
export interface ShapPoints {
  /** The explainer (`linear`, `tree`, `permutation`, …). */
  method: string;
  /** Test rows explained, and those the time budget left unexplained. */
  explained: number;
  skipped: number;
  /** Test rows of the trial. */
  testRows: number;
  features: ShapFeaturePoints[];
}

/** What the SHAP files hold: every feature ranked for `shap.csv`, the top ones' points for the rest. */
export interface ShapExplanation extends Omit<ShapPoints, 'features'> {
  /** Largest mean |SHAP| first. */
  ranked: readonly ShapFeature[];
  /** The top features' points, in `ranked` order. */
  top: readonly ShapFeaturePoints[];
}

/**
 * Writes the four SHAP files into `dir` (charts show the `topK` features; their value axes carry
 * `unit`, what the model's output is measured in, e.g. `log-odds`).
 */
export function writeShap(dir: string, shap: ShapExplanation, topK: number, unit = ''): ArtifactRow[] {
  const doc: ShapPoints = {
    method: shap.method,
    explained: shap.explained,
    skipped: shap.skipped,
    testRows: shap.testRows,
    features: shap.top.map((t) => ({
      feature: t.feature,
      points: t.points.map((p) => ({ shap: p.shap, value: p.value })),
    })),
  };
  const csv = csvDocument(
    ['feature', 'mean_abs', 'mean'],
    shap.ranked.map((r) => [r.feature, r.meanAbs, r.mean]),
  );
  return [
    writeArtifact(dir, 'shap.csv', 'shap', csv),
    writeArtifact(dir, 'shap-points.json', 'shap-points', JSON.stringify(doc)),
    writeArtifact(
      dir,
      'shap-bar.svg',
      'shap-bar-chart',
      shapBarChart(shap.ranked.slice(0, topK), {
        title: `mean |SHAP| (${shap.method}, ${shap.explained} test sequences)`,
        topK,
        unit,
      }),
    ),
    writeArtifact(
      dir,
      'shap-summary.svg',
      'shap-summary-plot',
      shapSummaryPlot(doc.features, { title: `SHAP per sequence (${shap.method})`, topK, unit }),
    ),
  ];
}

/** The lines of a `shap` artifact, largest mean |SHAP| first. */
export function readShapSummary(a: ArtifactRow): ShapFeature[] {
  return readCsvRows(a).map(([feature, meanAbs, mean]) => ({
    feature: feature ?? '',
    meanAbs: Number(meanAbs),
    mean: Number(mean),
  }));
}

/** The document of a `shap-points` artifact. */
export function readShapPoints(a: ArtifactRow): ShapPoints {
  return readJsonArtifact<ShapPoints>(a);
}
