/**
 * A fitted feature space as a file, for scoring logs the trial never saw: the vectorizers fit on the
 * trial's training part (token columns with their training document frequencies, numeric means and
 * scales), its column names, the feature-set name, and the recipe that made the tokens and sequences
 * (the ingest settings and the sequence scope). New logs ingested and scoped by that recipe and
 * vectorized by the loaded space get the columns the model was trained on; their tokens that are no
 * column are dropped, as they were at training.
 */
import type { ContinuationPolicy, IngestSummary } from '../../harness/data/index.ts';
import type { SequenceScope } from '../../splits/index.ts';
import { type FeatureSource, FeatureSpace, type FeatureSpaceJSON } from './space.ts';

/** What turns an LO2 tree into the sequences and tokens a feature space reads. */
export interface SequenceRecipe {
  /** Physical lines dropped at the start of each file (IngestOptions.trimLines). */
  trimLines: number;
  /** What the ingest did with continuation lines (IngestOptions.continuation). */
  continuation: ContinuationPolicy;
  /** Drain's parameters: the template tokens depend on them. */
  drain: IngestSummary['options']['drain'];
  /** Services whose logs were read. */
  services: readonly string[];
  /** The ingest code's identity when the space was fit (`ingestCodeVersion`): other code may tokenise differently. */
  ingestCode: string;
  /** Which files are sequences and what one sequence is (label scope, grouping). */
  scope: SequenceScope;
}

export interface FeatureSpaceFile {
  kind: 'feature-space-file';
  version: 1;
  featureSet: string;
  /** Column names in column order, prefixed with their part (what the model's weights index). */
  columns: string[];
  recipe: SequenceRecipe;
  space: FeatureSpaceJSON;
}

const KIND = 'feature-space-file';

/** The file's text: plain JSON, the same bytes for the same space and recipe. */
export function featureSpaceFileText(space: FeatureSpace, recipe: SequenceRecipe): string {
  const file: FeatureSpaceFile = {
    kind: KIND,
    version: 1,
    featureSet: space.featureSet,
    columns: [...space.columnNames],
    recipe: {
      trimLines: recipe.trimLines,
      continuation: recipe.continuation,
      drain: { ...recipe.drain },
      services: [...recipe.services],
      ingestCode: recipe.ingestCode,
      scope: { labels: recipe.scope.labels, seqBy: recipe.scope.seqBy },
    },
    space: space.toJSON(),
  };
  return JSON.stringify(file);
}

/** A parsed feature-space file: its recipe, and the space restored over any source of sequences. */
export interface SavedFeatureSpace {
  readonly featureSet: string;
  readonly columns: readonly string[];
  readonly recipe: SequenceRecipe;
  /** The fitted space over `source`; throws when the restored columns differ from the file's. */
  load(source: FeatureSource): FeatureSpace;
}

/** Parses a feature-space file; throws a TypeError naming the first field that is wrong. */
export function parseFeatureSpaceFile(text: string): SavedFeatureSpace {
  let j: Partial<FeatureSpaceFile> | null;
  try {
    j = JSON.parse(text) as Partial<FeatureSpaceFile> | null;
  } catch (err) {
    throw new TypeError(`feature-space file: not JSON (${(err as Error).message})`);
  }
  if (j?.kind !== KIND) throw new TypeError(`feature-space file: kind must be '${KIND}' (got '${j?.kind}')`);
  if (j.version !== 1) throw new TypeError(`feature-space file: unsupported version ${j.version}`);
  if (typeof j.featureSet !== 'string') throw new TypeError('feature-space file: featureSet must be a string');
  if (!Array.isArray(j.columns)) throw new TypeError('feature-space file: columns must be an array');
  const r = j.recipe;
  if (
    !r ||
    !Number.isInteger(r.trimLines) ||
    typeof r.continuation !== 'string' ||
    !Array.isArray(r.services) ||
    typeof r.drain !== 'object' ||
    typeof r.scope?.labels !== 'string' ||
    typeof r.scope?.seqBy !== 'string'
  ) {
    throw new TypeError(
      'feature-space file: recipe must hold trimLines, continuation, drain, services, ingestCode and scope',
    );
  }
  if (j.space?.featureSet !== j.featureSet) {
    throw new TypeError(`feature-space file: the space is of '${j.space?.featureSet}', not '${j.featureSet}'`);
  }
  const columns = Object.freeze(j.columns.map(String));
  const spaceJson = j.space;
  return {
    featureSet: j.featureSet,
    columns,
    recipe: Object.freeze({ ...r, services: Object.freeze([...r.services]) }),
    load(source) {
      const space = FeatureSpace.load(spaceJson, source);
      const got = space.columnNames;
      if (got.length !== columns.length || got.some((c, i) => c !== columns[i])) {
        throw new TypeError('feature-space file: the restored space has other columns than the file lists');
      }
      return space;
    },
  };
}
