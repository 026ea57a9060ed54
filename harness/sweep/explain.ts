/**
 * A trial's explanations, computed by the trial itself (pool worker or main thread) from the fitted
 * model and written through harness/artifacts:
 * - SHAP of the explained test rows (`writeShap`: the ranked features, the top ones' points, charts);
 * - the nearest-normal mapping (`writeNearestNormal`): for each test anomaly and each false positive,
 *   the nearest normal training sequence in the model's feature space (cosine), the features and
 *   Drain templates only in the flagged sequence and those only in its neighbour;
 * - the false-positive list (`writeFalsePositives`): score, top contributing features, templates
 *   unique to it (seen in no normal training sequence).
 * SHAP comes from the model's own exact explainer (linear SHAP, TreeSHAP, token weights) or, with
 * `shap: 'all'`, from permutation sampling within `budgetMs`; rows beyond `rows` are a seeded sample,
 * and the files say how many were explained, sampled or skipped — never silently dropped.
 */
import {
  type CsrMatrix,
  contrastColumns,
  type Detector,
  explainAny,
  nearestNormal,
  sampleIndices,
  selectRows,
  shapUnitOfKind,
  trainingRows,
} from '../../models/index.ts';
import type { Part } from '../../splits/index.ts';
import {
  type ArtifactRow,
  type FalsePositive,
  type NearestNormalRow,
  writeFalsePositives,
  writeNearestNormal,
  writeShap,
} from '../artifacts/index.ts';

export interface ExplainOptions {
  /** 'own': only models with an exact explainer; 'all': permutation SHAP for the others; 'none'. @default 'own' */
  shap: 'own' | 'all' | 'none';
  /** Time budget of permutation SHAP per trial. @default 2000 */
  budgetMs: number;
  /**
   * Most test rows explained — false positives first, then anomalies, then the rest — and most rows in
   * the nearest-normal mapping (seeded samples beyond). Exact TreeSHAP of a deep forest is costly per
   * row, so this bounds a trial's explanation time whatever the test part's size. @default 128
   */
  rows: number;
  /** Features listed per row and in the top-feature files. @default 10 */
  topK: number;
}

export const defaultExplainOptions: Readonly<ExplainOptions> = Object.freeze({
  shap: 'own',
  budgetMs: 2000,
  rows: 128,
  topK: 10,
});

/** Drain templates per sequence (ids) and their text, for the template contrasts. */
export interface TemplateLookup {
  templatesOf(seqId: string): Int32Array | undefined;
  text(id: number): string;
}

export interface ExplainInput {
  detector: Detector;
  matrices: Record<Part, CsrMatrix>;
  trainLabels: Uint8Array;
  test: { seqIds: readonly string[]; labels: Uint8Array; scores: Float64Array };
  trainSeqIds: readonly string[];
  threshold: number;
  columnNames: readonly string[];
  templates: TemplateLookup | null;
  seed: number;
  dir: string;
}

interface ShapRows {
  method: string;
  rowIds: Int32Array;
  /** Dense-by-column contributions per explained row (sparse maps). */
  values: Map<number, number>[];
  skipped: number;
}

/**
 * Rows to explain, at most `max`: false positives first (the false-positive list needs their top
 * features), then anomalies, then the rest; a seeded sample of the group that does not fit whole.
 */
function chooseTestRows(labels: Uint8Array, scores: Float64Array, threshold: number, max: number, seed: string) {
  const groups: number[][] = [[], [], []];
  for (let i = 0; i < labels.length; i++) {
    const flagged = scores[i]! >= threshold;
    groups[labels[i] === 1 ? 1 : flagged ? 0 : 2]!.push(i);
  }
  const chosen: number[] = [];
  for (const g of groups) {
    const room = max - chosen.length;
    if (room <= 0) break;
    for (const j of sampleIndices(g.length, room, seed)) chosen.push(g[j]!);
  }
  return Int32Array.from(chosen.sort((x, y) => x - y));
}

function shapRows(input: ExplainInput, o: ExplainOptions): ShapRows | null {
  const { detector, matrices } = input;
  if (o.shap === 'none' || (o.shap === 'own' && detector.explain === undefined)) return null;
  const rows = chooseTestRows(input.test.labels, input.test.scores, input.threshold, o.rows, `${input.seed}:explain`);
  const train = trainingRows(detector, matrices.train, input.trainLabels).x;
  const e = explainAny(detector, matrices.test, train, { seed: input.seed, rows, timeBudgetMs: o.budgetMs });
  return {
    method: e.method,
    rowIds: e.rowIds.subarray(0, e.explained),
    values: e.rows.map((r) => new Map([...r.columns].map((c, k) => [c, r.values[k]!]))),
    skipped: e.skipped.length,
  };
}

function valueAt(x: CsrMatrix, row: number, column: number): number {
  for (let k = x.indptr[row]!; k < x.indptr[row + 1]!; k++) if (x.indices[k] === column) return x.data[k]!;
  return 0;
}

export function writeExplanations(input: ExplainInput, options: Partial<ExplainOptions> = {}): ArtifactRow[] {
  const o = { ...defaultExplainOptions, ...options };
  const names = input.columnNames;
  const out: ArtifactRow[] = [];
  const shap = shapRows(input, o);
  const { detector } = input;
  const test = input.test;
  const rowShap = new Map<number, Map<number, number>>();
  if (shap) {
    shap.rowIds.forEach((r, k) => {
      rowShap.set(r, shap.values[k]!);
    });
    const sumAbs = new Map<number, number>();
    const sum = new Map<number, number>();
    for (const v of shap.values) {
      for (const [c, x] of v) {
        sumAbs.set(c, (sumAbs.get(c) ?? 0) + Math.abs(x));
        sum.set(c, (sum.get(c) ?? 0) + x);
      }
    }
    const n = Math.max(1, shap.values.length);
    const ranked = [...sumAbs]
      .map(([c, s]) => ({ column: c, feature: names[c] ?? `#${c}`, meanAbs: s / n, mean: (sum.get(c) ?? 0) / n }))
      .sort((a, b) => b.meanAbs - a.meanAbs || a.column - b.column);
    const top = ranked.slice(0, o.topK).map((t) => ({
      feature: t.feature,
      points: [...shap.rowIds].map((r, k) => ({
        shap: shap.values[k]!.get(t.column) ?? 0,
        value: valueAt(input.matrices.test, r, t.column),
      })),
    }));
    out.push(
      ...writeShap(
        input.dir,
        {
          method: shap.method,
          explained: shap.rowIds.length,
          skipped: shap.skipped,
          testRows: test.labels.length,
          ranked,
          top,
        },
        o.topK,
        shapUnitOfKind(detector.kind).unit,
      ),
    );
  }

  // Which test rows are flagged, and which are anomalies: the rows a reader asks "why?" about.
  const fp: number[] = [];
  const asked: number[] = [];
  for (let i = 0; i < test.labels.length; i++) {
    const flagged = test.scores[i]! >= input.threshold;
    if (flagged && test.labels[i] === 0) fp.push(i);
    if (test.labels[i] === 1 || flagged) asked.push(i);
  }
  const listed = [...sampleIndices(asked.length, o.rows, `${input.seed}:nearest`)].map((j) => asked[j]!);
  const queries = selectRows(input.matrices.test, listed);
  const matches = nearestNormal(queries, input.matrices.train, input.trainLabels);
  const normalTemplates = new Set<number>();
  if (input.templates) {
    input.trainSeqIds.forEach((s, i) => {
      if (input.trainLabels[i] === 0) for (const t of input.templates!.templatesOf(s) ?? []) normalTemplates.add(t);
    });
  }
  const templateContrast = (a: string, b: string | null) => {
    if (!input.templates) return null;
    const x = new Set(input.templates.templatesOf(a) ?? []);
    const y = new Set(b === null ? [] : (input.templates.templatesOf(b) ?? []));
    const only = (p: Set<number>, q: Set<number>) =>
      [...p]
        .filter((t) => !q.has(t))
        .sort((m, n) => m - n)
        .map((t) => input.templates!.text(t));
    return { onlyInSequence: only(x, y), onlyInNeighbour: only(y, x) };
  };
  const mapping = matches.map((m, k): NearestNormalRow => {
    const row = listed[k]!;
    const seqId = test.seqIds[row]!;
    const neighbour = m.neighbour < 0 ? null : input.trainSeqIds[m.neighbour]!;
    const c = contrastColumns(queries, input.matrices.train, m, names, { topK: o.topK });
    return {
      seqId,
      anomaly: test.labels[row] === 1,
      flagged: test.scores[row]! >= input.threshold,
      score: test.scores[row]!,
      neighbour,
      similarity: Number.isNaN(m.similarity) ? null : m.similarity,
      featuresOnlyInSequence: c.onlyInRow.map((x) => ({ feature: x.name, value: x.value })),
      featuresOnlyInNeighbour: c.onlyInNeighbour.map((x) => ({ feature: x.name, value: x.value })),
      templates: templateContrast(seqId, neighbour),
    };
  });
  out.push(
    writeNearestNormal(input.dir, {
      asked: asked.length,
      listed: listed.length,
      threshold: input.threshold,
      rows: mapping,
    }),
  );

  const falsePositives = fp
    .sort((a, b) => test.scores[b]! - test.scores[a]! || a - b)
    .map((i): FalsePositive => {
      const contributions = rowShap.get(i);
      return {
        seqId: test.seqIds[i]!,
        score: test.scores[i]!,
        topFeatures: contributions
          ? [...contributions]
              .filter(([, v]) => v > 0)
              .sort((a, b) => b[1] - a[1] || a[0] - b[0])
              .slice(0, 5)
              .map(([c, v]) => ({ feature: names[c] ?? `#${c}`, shap: v }))
          : [],
        uniqueTemplates: input.templates
          ? [...(input.templates.templatesOf(test.seqIds[i]!) ?? [])]
              .filter((t) => !normalTemplates.has(t))
              .map((t) => input.templates!.text(t))
          : [],
      };
    });
  out.push(writeFalsePositives(input.dir, input.threshold, falsePositives));
  return out;
}
