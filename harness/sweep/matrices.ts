/**
 * The feature matrices of one (split, feature set): vectorizers fit on the training sequences only,
 * then train / val / test transformed. `bench run` writes them to files for the pool workers;
 * `bench export` rebuilds them (deterministically the same) to write svmlight.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  type CsrMatrix,
  type FeatureSource,
  FeatureSpace,
  type FeatureSpaceOptions,
  type Level,
} from '../../models/index.ts';
import { PARTS, type Part } from '../../splits/index.ts';
import type { SequenceBags, SequenceMeta } from '../data/index.ts';
import { type EventPartIndex, writeEventIndexFile } from './event-matrices.ts';
import type { TemplateLookup } from './explain.ts';
import { readCsrFile, writeCsrFile } from './matrix-file.ts';

export interface SplitMatrices {
  matrices: Record<Part, CsrMatrix>;
  columnNames: readonly string[];
  /** Event-level matrices only: each part's map from events to distinct rows and sequences. */
  events?: Record<Part, EventPartIndex>;
}

export function buildMatrices(
  featureSet: string,
  source: FeatureSource,
  parts: Record<Part, readonly SequenceMeta[]>,
  options: Partial<FeatureSpaceOptions> = {},
): SplitMatrices {
  const space = FeatureSpace.fit(featureSet, source, parts.train, options);
  return {
    matrices: Object.fromEntries(PARTS.map((p) => [p, space.transform(parts[p])])) as Record<Part, CsrMatrix>,
    columnNames: space.columnNames,
  };
}

/**
 * Files of one (dataset, split, feature set): `<part>.csr` and `features.txt` (a column name per
 * line); at event level also `<part>.events` (event-matrices.ts).
 */
export interface MatrixFiles {
  parts: Record<Part, string>;
  features: string;
  events?: Record<Part, string>;
}

export function matrixFiles(dir: string, level: Level = 'sequence'): MatrixFiles {
  return {
    parts: Object.fromEntries(PARTS.map((p) => [p, join(dir, `${p}.csr`)])) as Record<Part, string>,
    features: join(dir, 'features.txt'),
    ...(level === 'event' && {
      events: Object.fromEntries(PARTS.map((p) => [p, join(dir, `${p}.events`)])) as Record<Part, string>,
    }),
  };
}

/** Writes the part files, then the column names: the last file in place marks a complete set. */
export function writeMatrices(dir: string, m: SplitMatrices): MatrixFiles {
  mkdirSync(dir, { recursive: true });
  const { parts, features, events } = matrixFiles(dir, m.events ? 'event' : 'sequence');
  for (const p of PARTS) writeCsrFile(parts[p], m.matrices[p]);
  if (m.events && events) for (const p of PARTS) writeEventIndexFile(events[p], m.events[p]);
  const tmp = `${features}.${process.pid}.tmp`;
  // Column names may hold any character but newlines separate them: escape those.
  writeFileSync(tmp, m.columnNames.map((n) => `${n.replaceAll('\\', '\\\\').replaceAll('\n', '\\n')}\n`).join(''));
  renameSync(tmp, features);
  return { parts, features, ...(events && { events }) };
}

export function readColumnNames(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  if (text === '') return [];
  return text
    .slice(0, -1)
    .split('\n')
    .map((n) => n.replace(/\\(\\|n)/g, (_, c: string) => (c === 'n' ? '\n' : '\\')));
}

/**
 * The Drain templates of every sequence of an ingest, for the explanation files: one JSON file per
 * ingest, written by the main thread (which reads the templates for the leakage audit anyway) so the
 * pool workers do not each re-read the ingest's tables.
 */
export function writeTemplates(path: string, bags: SequenceBags): void {
  const doc = {
    vocabulary: bags.vocabulary,
    seqIds: bags.sequences.map((s) => s.seqId),
    templates: bags.sequences.map((s) => [...s.tokens]),
  };
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(doc));
  renameSync(tmp, path);
}

export function readTemplates(path: string): TemplateLookup {
  const doc = JSON.parse(readFileSync(path, 'utf8')) as {
    vocabulary: string[];
    seqIds: string[];
    templates: number[][];
  };
  const bySeq = new Map(doc.seqIds.map((s, i) => [s, Int32Array.from(doc.templates[i]!)]));
  return { templatesOf: (seqId) => bySeq.get(seqId), text: (id) => doc.vocabulary[id] ?? `template ${id}` };
}

export function readMatrices(files: MatrixFiles): Record<Part, CsrMatrix> {
  return Object.fromEntries(PARTS.map((p) => [p, readCsrFile(files.parts[p])])) as Record<Part, CsrMatrix>;
}
