/**
 * Screen geometry and the text of the detail and compare views, as plain lines that fit a width.
 * Pure, so the reducer can ask how many lines a scrollable list gets and tests can read the text.
 */
import { type ExperimentScope, scopeText } from '../../harness/experiment/index.ts';
import {
  type BoardRow,
  entryMetric,
  type MeanInterval,
  type RowDetail,
  type SelectorComparison,
  shownMetrics,
} from '../index.ts';
import { fit, fmtDelta, fmtMetric, fmtMs, fmtP, truncate } from './format.ts';

/** One line of a view; the components map the style hints to Ink props. */
export interface Line {
  text: string;
  /** `alarm`: a result that must not be missed (a leaking label on a null dataset). */
  tone?: 'title' | 'warn' | 'good' | 'bad' | 'dim' | 'alarm';
}

/** Board header + footer around every view. */
const CHROME_LINES = 2;

/**
 * Lines the whole screen may use: one less than the terminal, because Ink redraws the full screen
 * (and flickers) once its output is as tall as the terminal.
 */
export const usableRows = (height: number): number => Math.max(4, height - 1);

/** Table body rows: the usable height minus header, column titles, footer and `banner` lines above the table. */
export const tableBodyRows = (height: number, banner = 0): number =>
  Math.max(1, usableRows(height) - CHROME_LINES - 1 - banner);

const MAX_ALARM_LINES = 3;

/**
 * Lines above the table: every leak warning first (a null-dataset result above chance), then the
 * experiment's scope when all rows come from one experiment (with several, the table has a scope
 * column instead).
 */
export function bannerLines(
  board: {
    readonly rows: readonly BoardRow[];
    readonly scopes: Readonly<Record<string, ExperimentScope>>;
    readonly warnings: readonly string[];
  },
  width: number,
): Line[] {
  const line = (text: string, tone: Line['tone']): Line => ({ text: truncate(text, width), tone });
  const lines = board.warnings.slice(0, MAX_ALARM_LINES).map((w) => line(`⚠ LEAK ${w}`, 'alarm'));
  if (board.warnings.length > MAX_ALARM_LINES) {
    lines.push(
      line(`⚠ LEAK … ${board.warnings.length - MAX_ALARM_LINES} more (bench board --json lists them)`, 'alarm'),
    );
  }
  const names = [...new Set(board.rows.map((r) => r.experiment))];
  if (names.length === 1) {
    const scope = board.scopes[names[0]!] ?? board.rows[0]!.scope;
    lines.push(line(`${names[0]}: ${scopeText(scope)}`, 'dim'));
  }
  return lines;
}

export interface DetailLayout {
  /** Lines above the recall list. */
  head: Line[];
  /** Title of the recall list (shows the scroll window). */
  listTitle: (scroll: number) => Line;
  /** One line per error case, worst first. */
  list: Line[];
  /** How many list lines fit. */
  listRows: number;
}

const MAX_LEAK_LINES = 3;

/** The detail view of one row at a given terminal size. */
export function detailLayout(d: RowDetail, width: number, height: number): DetailLayout {
  const r = d.row;
  const line = (text: string, tone?: Line['tone']): Line => ({ text: truncate(text, width), ...(tone && { tone }) });
  const head: Line[] = [
    line(`${r.variant} · ${r.featureSet} · ${r.experiment}`, 'title'),
    line(`scope: ${scopeText(r.scope)}`, 'dim'),
    ...(r.leak
      ? [
          line(
            `⚠ LEAK: mean test AUC-ROC ${fmtMetric(r.aucRoc)} on a null dataset — the harness or generator leaks a label`,
            'alarm',
          ),
        ]
      : []),
    line(
      `${r.algorithm} · ${r.supervised ? 'supervised' : 'unsupervised'} · rank ${r.tied ? '≈' : ''}${r.rank} · ` +
        `${r.seeds} seed${r.seeds === 1 ? '' : 's'}${r.failed > 0 ? ` · ${r.failed} failed` : ''}`,
    ),
    line(
      shownMetrics([r])
        .map((m) => {
          const v = entryMetric(r, m.id);
          return `${m.short} ${fmtMetric(v.mean)}${m.interval === 'always' ? intervalText(v) : ''}`;
        })
        .join(' · '),
    ),
    line(`  ${intervalNote(r.f1, r.seeds)}`, 'dim'),
    // The leak has its own line above; the other flags with their reasons.
    ...r.flags.filter((f) => f.flag !== 'leak').map((f) => line(`⚠ ${f.flag}: ${f.reason}`, 'warn')),
    ...confusionLines(d.confusion).map((t) => line(t)),
    ...faultLines(r).map((t) => line(t)),
    line(
      `false positives ${d.confusion.fp} · best trivial rule ` +
        (d.trivialRule ? `"${d.trivialRule.name}" F1 ${fmtMetric(d.trivialRule.f1)}` : `F1 ${fmtMetric(d.trivialF1)}`),
    ),
    line(
      `stages: ${d.timings.length === 0 ? 'none recorded' : d.timings.map((t) => `${t.stage} ${fmtMs(t.wallMs)}`).join(' · ')}`,
    ),
    line(
      `top features: ${
        d.topFeatures.length === 0
          ? 'none recorded'
          : d.topFeatures.map((f) => `${f.feature} ${f.meanAbs.toPrecision(2)}`).join(' · ')
      }`,
    ),
    // Hyperparameters: the configuration and, for a tuned row, the point each seed chose.
    ...(d.configuration ?? []).map((t) => line(t, 'dim')),
  ];
  if (d.leakageWarnings.length === 0) head.push(line('leakage audit: no warnings', 'dim'));
  for (const w of d.leakageWarnings.slice(0, MAX_LEAK_LINES)) head.push(line(`⚠ leakage: ${w}`, 'warn'));
  if (d.leakageWarnings.length > MAX_LEAK_LINES) {
    head.push(line(`  … ${d.leakageWarnings.length - MAX_LEAK_LINES} more leakage warnings`, 'warn'));
  }
  const listRows = Math.max(1, usableRows(height) - CHROME_LINES - head.length - 1);
  const n = d.recallByCase.length;
  const nameWidth = Math.max(8, width - 30);
  const list = d.recallByCase.map((c) => {
    const bar = c.recall === null ? '' : '█'.repeat(Math.round(c.recall * 10)).padEnd(10, '·');
    return line(
      `  ${fit(c.testCase, nameWidth)} ${fit(fmtMetric(c.recall), 5, 'right')} ${fit(`${c.detected}/${c.total}`, 9, 'right')} ${bar}`,
      c.recall !== null && c.recall < 0.5 ? 'bad' : undefined,
    );
  });
  const listTitle = (scroll: number): Line => {
    const from = Math.min(n, scroll + 1);
    const to = Math.min(n, scroll + listRows);
    const where = n > listRows ? ` · ${from}–${to} of ${n} · ↑↓ scroll` : n === 0 ? ' · none recorded' : '';
    return line(`recall by error case, worst first${where}`, 'title');
  };
  return { head, listTitle, list, listRows };
}

/** ` [lo, hi]`, or nothing when the mean carries no interval. */
function intervalText(v: MeanInterval): string {
  return v.interval === 'corrected-t' ? ` [${fmtMetric(v.lo)}, ${fmtMetric(v.hi)}]` : '';
}

/** Which interval the row's numbers carry, or why there is none. */
export function intervalNote(v: MeanInterval, seeds: number): string {
  switch (v.interval) {
    case 'corrected-t':
      return `[lo, hi]: 95 % corrected resampled t-interval over ${seeds} split seeds (Nadeau & Bengio)`;
    case 'single-seed':
      return v.reason ?? '1 seed: no interval over splits';
    case 'none':
      return 'no seed has a finite value';
  }
}

/** The ground-truth slices, or nothing where the data has no truth. */
function faultLines(r: BoardRow): string[] {
  const f = r.faultSlices;
  if (!f) return [];
  return (['visible', 'hidden'] as const).map((k) => {
    const m = f[k];
    return (
      `fault=${k.padEnd(7)} recall ${fmtMetric(m.recall)} (${m.detected}/${m.anomalies}) · F1 ${fmtMetric(m.f1)} · ` +
      `AUC-ROC ${fmtMetric(m.aucRoc)}${k === 'hidden' ? ' · caught without seeing the fault' : ''}`
    );
  });
}

function confusionLines(c: RowDetail['confusion']): string[] {
  const w = Math.max(6, ...[c.tp, c.fp, c.tn, c.fn].map((x) => String(x).length + 3));
  const cell = (label: string, x: number) => `${label} ${String(x).padStart(w - 3)}`;
  const col = Math.max(w, 'pred anomaly'.length) + 2;
  return [
    `confusion       ${'pred anomaly'.padEnd(col)}pred normal`,
    `actual anomaly  ${cell('tp', c.tp).padEnd(col)}${cell('fn', c.fn)}`,
    `actual normal   ${cell('fp', c.fp).padEnd(col)}${cell('tn', c.tn)}`,
  ];
}

/** The compare view: metric deltas b − a, the corrected resampled t-test and its verdict, Wilcoxon, the pairs. */
export function compareLines(a: BoardRow, b: BoardRow, cmp: SelectorComparison, width: number, height: number): Line[] {
  const line = (text: string, tone?: Line['tone']): Line => ({ text: truncate(text, width), ...(tone && { tone }) });
  const name = (r: BoardRow) => `${r.variant} · ${r.featureSet}`;
  const lines: Line[] = [
    line(`a: ${name(a)}`, 'title'),
    line(`b: ${name(b)}`, 'title'),
    line(`paired on ${cmp.pairs.length} split seed${cmp.pairs.length === 1 ? '' : 's'}; differences are b − a`, 'dim'),
    line(`${'metric'.padEnd(16)}${'a'.padStart(8)}${'b'.padStart(8)}${'b − a'.padStart(9)}`),
  ];
  for (const d of cmp.deltas) {
    const tone = d.delta === null || d.delta === 0 ? undefined : d.delta > 0 ? 'good' : 'bad';
    lines.push(
      line(
        `${d.name.padEnd(16)}${fmtMetric(d.a).padStart(8)}${fmtMetric(d.b).padStart(8)}${fmtDelta(d.delta).padStart(9)}`,
        // Lower is better for the false-positive rate: flip its colour.
        d.name === 'fpr_at_alpha' && tone ? (tone === 'good' ? 'bad' : 'good') : tone,
      ),
    );
  }
  const w = cmp.wilcoxon;
  const c = cmp.corrected_t;
  const bs = cmp.bootstrap;
  if (c.state === 'interval') {
    const t = Number.isFinite(c.t) ? c.t.toFixed(2) : c.t > 0 ? '+∞' : '−∞';
    lines.push(
      line(
        `corrected resampled t over ${c.k} seeds, F1 b − a: ${fmtDelta(c.mean)} [${fmtDelta(c.ci[0])}, ${fmtDelta(c.ci[1])}], ` +
          `t = ${t}, df = ${c.df}, p = ${fmtP(c.p)}`,
      ),
      cmp.tied
        ? line(`tied: ${c.k} seeds cannot order a and b (p ≥ 0.05; not evidence that they are equal)`, 'warn')
        : line(`not tied: ${c.mean > 0 ? 'b' : 'a'} is better on F1 over these seeds`, 'good'),
    );
  } else {
    lines.push(line(`${c.reason}`, 'warn'));
    if (bs) {
      lines.push(
        line(
          `this split only — paired bootstrap over ${bs.unit}, F1 b − a: ${fmtDelta(bs.meanDiff)} [${fmtDelta(bs.ci[0])}, ${fmtDelta(bs.ci[1])}], p = ${fmtP(bs.pValue)}`,
        ),
      );
    }
  }
  lines.push(
    line(
      `side note: Wilcoxon signed-rank on F1, p = ${fmtP(w.pValue)} (W = ${w.statistic}, n = ${w.n}, ${w.method})`,
      'dim',
    ),
  );
  const room = usableRows(height) - CHROME_LINES - lines.length - 1;
  if (room > 0 && cmp.pairs.length > 0) {
    lines.push(line('per seed F1 (a → b)', 'dim'));
    const shown = cmp.pairs.slice(0, room - (cmp.pairs.length > room ? 1 : 0));
    for (const p of shown) {
      lines.push(line(`  seed ${p.seed}: ${fmtMetric(p.f1A)} → ${fmtMetric(p.f1B)}  (trials ${p.a}, ${p.b})`));
    }
    if (shown.length < cmp.pairs.length) lines.push(line(`  … ${cmp.pairs.length - shown.length} more`, 'dim'));
  }
  return lines;
}
