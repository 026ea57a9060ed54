/**
 * Event-level parity (`scripts/parity/registry.ts --level event`): the event variants on the rows an
 * event-level trial fits — one row per log line, each part's events collapsed to distinct
 * (message, label) rows with their counts (harness/sweep/event-matrices.ts), the vectorizer fit as
 * on every training event with the variant's settings — next to scikit-learn / xgboost on the same
 * rows (`/usr/bin/python3 scripts/parity/events.py`).
 *
 * Fits as the trial fits: detectors that take row weights exactly fit the distinct training rows
 * with their counts (scikit-learn: `sample_weight=`), LOF and OneClassSVM the distinct rows
 * unweighted on both sides; normal-only detectors fit the normal distinct rows. scikit-learn is
 * also timed on the expanded rows (each distinct row repeated by its count), the pipeline we
 * replace, when `expandedTimeout` > 0. Quality on both sides through the trial's own code: scores
 * back to events (`partView`), threshold by max F1 on validation events, metrics on test events; and
 * the sequence view (each sequence the maximum of its events) through the same protocol.
 *
 * With `modelSeeds`, the randomised variants are then refitted once per model seed on every side
 * (same split, untimed) and a second table gives mean ± sd per side: one draw of a random model is
 * not a parity measurement.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import eventLevel from '../../experiments/event-level.ts';
import type { EventMatrices, EventPartIndex } from '../../harness/sweep/event-matrices.ts';
import { partView, perEvent } from '../../harness/sweep/event-trial.ts';
import {
  exportSvmlight,
  makeDetector,
  resolveVariant,
  trainingRows,
  VARIANT_NAMES,
  type VariantName,
} from '../../models/index.ts';
import { chooseThreshold, type Metrics, metricsAt } from '../../splits/eval/index.ts';
import { PARTS, type Part } from '../../splits/index.ts';
import { type SplitDataset, splitDataset } from './split-dataset.ts';

/** The variants experiments/event-level.ts runs at event level: the default selection. */
export const EVENT_VARIANTS: readonly VariantName[] = VARIANT_NAMES.filter(
  (n) => Array.isArray(eventLevel.variants) && eventLevel.variants.includes(n),
);

export interface EventParityOptions {
  preset: 'tiny' | 'standard' | 'large';
  /** Split seed and model seed. */
  seed: number;
  /** Timed runs per side (best of). */
  repeats: number;
  /** Untimed fits of ours before the timed ones (JIT compilation). */
  warmUps: number;
  /** Variants to check, in registry order. @default EVENT_VARIANTS */
  variants?: readonly VariantName[];
  /** Seconds scikit-learn may spend per fit on the expanded rows; 0 skips them. */
  expandedTimeout: number;
  /** Model seeds to refit the randomised variants with, untimed; none skips the second table. @default [] */
  modelSeeds?: readonly number[];
  /** The variants whose result depends on the model seed (registry.ts's RANDOMISED). @default [] */
  randomised?: readonly VariantName[];
}

/** One fit's scores of the distinct val and test rows. */
interface Scores {
  val: number[] | Float64Array;
  test: number[] | Float64Array;
}

/** One side's fit + score: distinct val/test rows' scores and the best times. */
interface SideRun extends Scores {
  wall: number;
  cpu: number;
}

/** Why an expanded fit has no result: it ran past the timeout, or its process failed. */
type NotRun = { timeout: number } | { error: number };

type ExpandedRun = (SideRun & { runs: number; rows: number }) | NotRun | null;

/** One untimed fit per model seed. */
type SeedRuns = Scores[];

type Reference = Record<
  string,
  SideRun & { expanded: ExpandedRun; seeds?: SeedRuns; expanded_seeds?: SeedRuns | NotRun | null }
>;

/** Event-level and sequence-view test metrics of one side. */
interface Quality {
  event: Metrics;
  sequence: Metrics;
}

/** A variant's event matrices, shared by the variants with the same feature set and vectorizer options. */
interface Folder {
  name: string;
  m: EventMatrices;
}

/** Runs the event-level check and prints its markdown table. */
export async function eventParity(o: EventParityOptions): Promise<void> {
  const names = o.variants ?? EVENT_VARIANTS;
  const modelSeeds = o.modelSeeds ?? [];
  const reseeded = modelSeeds.length > 0 ? names.filter((n) => o.randomised?.includes(n)) : [];
  const data = await splitDataset(o.preset, o.seed);
  const work = mkdtempSync(join(tmpdir(), 'lo2-parity-events-'));
  try {
    const folderOf = exportFolders(work, data, names, reseeded, o.seed);
    const ref = reference(work, o.repeats, o.expandedTimeout, modelSeeds);
    printHeader(data, o, folderOf);
    const totals = new Totals();
    for (const name of names) {
      const { m } = folderOf.get(name)!;
      const r = ref[name];
      const ours = timeOurs(name, o.seed, m, o.repeats, o.warmUps);
      const shape = `${resolveVariant(name).featureSet}: ${n(ours.fitted.rows)} / ${n(ours.fitted.events)} (${m.columnNames.length})`;
      if (!r) {
        console.log(`| ${name} | ${shape} | no reference (xgboost not importable) |||||||||`);
        continue;
      }
      const ex = r.expanded;
      const exRun = ex && 'wall' in ex ? ex : null;
      totals.add(ours, r, exRun);
      console.log(
        variantRow(`${name} | ${shape}`, [ours, r, exRun], expandedCell(ex, o.expandedTimeout), (run) =>
          evaluate(run, m, data),
        ),
      );
    }
    console.log(totals.row());
    console.log(
      '\nref. w: scikit-learn on the same distinct rows, their counts as sample_weight (LOF and OneClassSVM unweighted, as ours); ' +
        'ref. x: scikit-learn on the expanded rows, one per event, as the pipeline we replace (summed over the variants it finished, ' +
        'its ratio against ours over the same variants). Ratios: ours / ref. w and ours / ref. x.\n' +
        '¹ not run: LOF and OneClassSVM fit the distinct rows unweighted on our side, so the expanded rows are another model.',
    );
    if (reseeded.length > 0) printSeedTable(reseeded, modelSeeds, o.expandedTimeout, ref, folderOf, data);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** A variant's table row from its three runs (ours, ref. w, ref. x or null: `missing` says why). */
function variantRow(
  head: string,
  [ours, weighted, expanded]: [SideRun, SideRun, SideRun | null],
  missing: string,
  quality: (run: Scores) => Quality,
): string {
  const q = [quality(ours), quality(weighted), ...(expanded ? [quality(expanded)] : [])];
  const three = (pick: (x: Quality) => number) =>
    [...q.map((x) => f(pick(x))), ...(expanded ? [] : [missing])].join(' / ');
  const times = (pick: (x: SideRun) => number) =>
    `${s(pick(ours))} / ${s(pick(weighted))} / ${expanded ? s(pick(expanded)) : missing} | ` +
    `${ratio(pick(ours), pick(weighted))} / ${expanded ? ratio(pick(ours), pick(expanded)) : '—'}`;
  return (
    `| ${head} | ${three((x) => x.event.auc_pr)} | ${three((x) => x.event.f1)} | ` +
    `${three((x) => x.sequence.auc_pr)} | ${three((x) => x.sequence.f1)} | ${times((x) => x.wall)} | ${times((x) => x.cpu)} |`
  );
}

/** The sum row: ours and ref. w over every variant, ref. x over the variants it finished (ours over the same). */
class Totals {
  readonly #ours = { wall: 0, cpu: 0 };
  readonly #weighted = { wall: 0, cpu: 0 };
  readonly #expanded = { wall: 0, cpu: 0, oursWall: 0, oursCpu: 0, variants: 0 };

  add(ours: SideRun, weighted: SideRun, expanded: SideRun | null): void {
    this.#ours.wall += ours.wall;
    this.#ours.cpu += ours.cpu;
    this.#weighted.wall += weighted.wall;
    this.#weighted.cpu += weighted.cpu;
    if (!expanded) return;
    const x = this.#expanded;
    x.wall += expanded.wall;
    x.cpu += expanded.cpu;
    x.oursWall += ours.wall;
    x.oursCpu += ours.cpu;
    x.variants++;
  }

  row(): string {
    const [o, w, x] = [this.#ours, this.#weighted, this.#expanded];
    const xCell = (v: number) =>
      x.variants > 0 ? `${v.toFixed(2)} (${x.variants} variant${x.variants === 1 ? '' : 's'})` : 'n/a';
    const xRatio = (a: number, b: number) => (x.variants > 0 ? ratio(a, b) : '—');
    return (
      `| **sum** | | | | | | ${o.wall.toFixed(2)} / ${w.wall.toFixed(2)} / ${xCell(x.wall)} | ` +
      `${ratio(o.wall, w.wall)} / ${xRatio(x.oursWall, x.wall)} | ` +
      `${o.cpu.toFixed(2)} / ${w.cpu.toFixed(2)} / ${xCell(x.cpu)} | ${ratio(o.cpu, w.cpu)} / ${xRatio(x.oursCpu, x.cpu)} |`
    );
  }
}

/**
 * Builds and exports each distinct (feature set, vectorizer options) once: svmlight rows, labels and
 * `<part>.weights`, and variants.json for the python side.
 */
function exportFolders(
  work: string,
  data: SplitDataset,
  names: readonly VariantName[],
  reseeded: readonly VariantName[],
  seed: number,
): Map<VariantName, Folder> {
  const byConfig = new Map<string, Folder>();
  const folderOf = new Map<VariantName, Folder>();
  const chosen: Record<string, { folder: string; weighted: boolean; reseed: boolean }> = {};
  for (const name of names) {
    const c = resolveVariant(name, { level: 'event' });
    const id = JSON.stringify([c.featureSet, c.vectorizer]);
    let folder = byConfig.get(id);
    if (!folder) {
      folder = { name: `${c.featureSet}-${byConfig.size}`, m: data.eventMatrices(c.featureSet, c.vectorizer) };
      byConfig.set(id, folder);
      exportEventRows(join(work, folder.name), folder.m, seed);
    }
    folderOf.set(name, folder);
    chosen[name] = {
      folder: folder.name,
      weighted: makeDetector(name, seed).rowWeights === 'exact',
      reseed: reseeded.includes(name),
    };
  }
  writeFileSync(join(work, 'variants.json'), JSON.stringify(chosen));
  return folderOf;
}

function exportEventRows(dir: string, m: EventMatrices, seed: number): void {
  const part = (p: Part) => ({ x: m.matrices[p], labels: m.events[p].labels });
  exportSvmlight(dir, { train: part('train'), val: part('val'), test: part('test') }, m.columnNames, {
    n_features: m.columnNames.length,
    seed,
  });
  for (const p of PARTS) writeFileSync(join(dir, `${p}.weights`), `${Array.from(m.events[p].weights).join('\n')}\n`);
}

function reference(work: string, repeats: number, expandedTimeout: number, modelSeeds: readonly number[]): Reference {
  return JSON.parse(
    execFileSync(
      '/usr/bin/python3',
      [join(import.meta.dirname, 'events.py'), work, String(repeats), String(expandedTimeout), modelSeeds.join(',')],
      { encoding: 'utf8', maxBuffer: 1 << 28 },
    ),
  ) as Reference;
}

/**
 * Our fit + score of the distinct val and test rows, as an event trial fits: weighted where the
 * detector takes weights exactly. Best of `repeats` after `warmUps` untimed fits (JIT compilation);
 * selecting the normal rows is outside the clock, as on the python side.
 */
function timeOurs(
  name: VariantName,
  seed: number,
  m: EventMatrices,
  repeats: number,
  warmUps: number,
): SideRun & { fitted: { rows: number; events: number } } {
  const rows = fittedRows(name, seed, m);
  let wall = Number.POSITIVE_INFINITY;
  let cpu = Number.POSITIVE_INFINITY;
  let val: Float64Array = new Float64Array(0);
  let test: Float64Array = new Float64Array(0);
  for (let k = -warmUps; k < repeats; k++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    ({ val, test } = fitOurs(name, seed, rows, m));
    if (k >= 0) {
      wall = Math.min(wall, (performance.now() - t0) / 1000);
      const c = process.cpuUsage(c0);
      cpu = Math.min(cpu, (c.user + c.system) / 1e6);
    }
  }
  let events = 0;
  for (const w of rows.weights ?? []) events += w;
  return { val, test, wall, cpu, fitted: { rows: rows.x.nRows, events: rows.weights ? events : rows.x.nRows } };
}

/** The distinct training rows a variant fits, with their counts where the detector takes them exactly. */
function fittedRows(name: VariantName, seed: number, m: EventMatrices): ReturnType<typeof trainingRows> {
  const probe = makeDetector(name, seed);
  const train = m.events.train;
  const weights = probe.rowWeights === 'exact' ? train.weights : undefined;
  return trainingRows(probe, m.matrices.train, train.labels, weights);
}

/** One fit of ours on `rows` and its scores of the distinct val and test rows. */
function fitOurs(
  name: VariantName,
  seed: number,
  rows: ReturnType<typeof trainingRows>,
  m: EventMatrices,
): { val: Float64Array; test: Float64Array } {
  const d = makeDetector(name, seed);
  if (rows.weights) d.fit(rows.x, rows.labels, rows.weights);
  else d.fit(rows.x, rows.labels);
  return { val: d.score(m.matrices.val), test: d.score(m.matrices.test) };
}

/**
 * The second table: each randomised variant refitted once per model seed on every side, mean ± sd of
 * event AUC-PR and the sequence view's AUC-PR and F1, and the difference of the means against the
 * pipeline we replace (ref. x), or against ref. w where ref. x has no result.
 */
function printSeedTable(
  names: readonly VariantName[],
  modelSeeds: readonly number[],
  expandedTimeout: number,
  ref: Reference,
  folderOf: Map<VariantName, Folder>,
  data: SplitDataset,
): void {
  console.log(`\n## randomised variants over model seeds ${modelSeeds.join(', ')} (mean ± sd, same split, untimed)\n`);
  console.log(
    '| variant | event AUC-PR ours / ref. w / ref. x | sequence-view AUC-PR ours / ref. w / ref. x | ' +
      'sequence-view F1 ours / ref. w / ref. x | Δ means ours − ref. x: event AUC-PR / sequence-view AUC-PR / F1 |',
  );
  console.log('|---|---|---|---|---|');
  const picks = [(q: Quality) => q.event.auc_pr, (q: Quality) => q.sequence.auc_pr, (q: Quality) => q.sequence.f1];
  for (const name of names) {
    const r = ref[name];
    if (!r?.seeds) continue;
    const { m } = folderOf.get(name)!;
    const quality = (runs: SeedRuns) => runs.map((run) => evaluate(run, m, data));
    const rows = fittedRows(name, modelSeeds[0]!, m);
    const ours = quality(modelSeeds.map((seed) => fitOurs(name, seed, rows, m)));
    const weighted = quality(r.seeds);
    const ex = r.expanded_seeds ?? null;
    const expanded = Array.isArray(ex) ? quality(ex) : null;
    const missing = Array.isArray(ex) ? '' : expandedCell(ex, expandedTimeout);
    const cells = picks.map((pick) =>
      [ours, weighted, expanded].map((side) => (side ? meanSd(side.map(pick)).text : missing)).join(' / '),
    );
    const against = expanded ?? weighted;
    const deltas = picks.map((pick) => signed(meanSd(ours.map(pick)).mean - meanSd(against.map(pick)).mean));
    console.log(`| ${name} | ${cells.join(' | ')} | ${deltas.join(' / ')}${expanded ? '' : ' (against ref. w)'} |`);
  }
}

/** Mean and sample standard deviation (0 for one value). */
function meanSd(xs: readonly number[]): { mean: number; text: string } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean, text: Number.isNaN(mean) ? 'n/a' : `${f(mean)} ± ${f(sd)}` };
}

/** Test metrics of distinct-row scores: per event, and per sequence through the sequence view. */
function evaluate(run: Scores, m: EventMatrices, data: SplitDataset): Quality {
  const view = (p: 'val' | 'test', scores: ArrayLike<number>) =>
    partView(Float64Array.from(scores), m.events[p], data.split.parts[p].length);
  const val = view('val', run.val);
  const test = view('test', run.test);
  const labels = (idx: EventPartIndex) => perEvent(idx.labels, idx);
  const eventThreshold = chooseThreshold(val.events, labels(m.events.val)).threshold;
  const sequenceThreshold = chooseThreshold(val.sequences, data.labelsOf('val')).threshold;
  return {
    event: metricsAt(test.events, labels(m.events.test), eventThreshold),
    sequence: metricsAt(test.sequences, data.labelsOf('test'), sequenceThreshold),
  };
}

function printHeader(data: SplitDataset, o: EventParityOptions, folderOf: Map<VariantName, Folder>): void {
  const { parts } = data.split;
  const anyFolder = folderOf.values().next().value!;
  const events = (p: Part) => anyFolder.m.events[p].eventRow.length.toLocaleString('en-US');
  console.log(
    `# registry parity, event level — ${o.preset} preset, target-service labels, random-runs seed ${o.seed}: ` +
      `train ${parts.train.length}, val ${parts.val.length}, test ${parts.test.length} sequences; ` +
      `${events('train')} / ${events('val')} / ${events('test')} events; best of ${o.repeats} per side, ours after ${o.warmUps} untimed fit(s)\n`,
  );
  console.log(
    '| variant | feature set: rows fitted / events they stand for (columns) | event AUC-PR ours / ref. w / ref. x | event F1 ours / ref. w / ref. x | ' +
      'sequence-view AUC-PR ours / ref. w / ref. x | sequence-view F1 ours / ref. w / ref. x | fit+score s ours / ref. w / ref. x | ratio w / x | ' +
      'CPU s ours / ref. w / ref. x | CPU ratio w / x |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
}

function expandedCell(ex: ExpandedRun, timeout: number): string {
  if (ex === null) return timeout > 0 ? 'skipped ¹' : 'off';
  if ('timeout' in ex) return `n/a (> ${ex.timeout} s)`;
  if ('error' in ex) return `failed (exit ${ex.error})`;
  return '';
}

const n = (x: number) => x.toLocaleString('en-US');
const f = (x: number) => (Number.isNaN(x) ? 'n/a' : x.toFixed(3));
const s = (x: number) => x.toFixed(3);
// Rounded before the sign, so a difference that shows as 0.000 is never '−0.000'.
const signed = (x: number) => {
  if (Number.isNaN(x)) return 'n/a';
  const r = Number(x.toFixed(3));
  return r >= 0 ? `+${f(Math.abs(r))}` : `−${f(-r)}`;
};
const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : 'n/a');
