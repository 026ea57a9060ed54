/**
 * What a sweep reads from one ingest, each at most once: the sequence token bags per part (shared by
 * the feature matrices and the leakage audits), the numeric columns, and the Drain-template file the
 * trials' explanations use.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type FeatureSource, isTokenPart, parseFeatureSet, type TokenPart } from '../../models/index.ts';
import { assign, auditSplit, type SplitManifest } from '../../splits/index.ts';
import { readSequenceBags, type SequenceBags } from '../data/read.ts';
import { readSequenceNumeric, type SequenceNumeric } from '../data/read-numeric.ts';
import type { Db } from '../store/db.ts';
import { hasAudit, saveAudit } from '../store/splits.ts';
import { writeTemplates } from './matrices.ts';

export class IngestInputs {
  readonly #dir: string;
  readonly #bags = new Map<TokenPart, SequenceBags>();
  #numeric: SequenceNumeric | undefined;

  constructor(ingestDir: string) {
    this.#dir = ingestDir;
  }

  bags(part: TokenPart): SequenceBags {
    let b = this.#bags.get(part);
    if (!b) this.#bags.set(part, (b = readSequenceBags(this.#dir, part)));
    return b;
  }

  /** The data `featureSet` is built from. */
  source(featureSet: string): FeatureSource {
    const parts = parseFeatureSet(featureSet);
    const source: FeatureSource = { bags: Object.fromEntries(parts.filter(isTokenPart).map((p) => [p, this.bags(p)])) };
    if (!parts.includes('numeric')) return source;
    this.#numeric ??= readSequenceNumeric(this.#dir);
    return { ...source, numeric: this.#numeric };
  }

  /**
   * The Drain templates of every sequence, as a file the pool workers read (see matrices.ts).
   * Content-addressed by the ingest key: written by the first sweep, reused by later ones.
   */
  templatesFile(cacheDir: string, ingestKey: string): string {
    const path = join(cacheDir, 'matrices', `templates-${ingestKey}.json`);
    if (!existsSync(path)) writeTemplates(path, this.bags('drain'));
    return path;
  }

  /**
   * Stores the leakage audit of a split for each token part of `featureSets` not audited yet
   * (numeric-only feature sets get the drain audit, for its trivial baselines).
   */
  audit(db: Db, splitId: number, manifest: SplitManifest, featureSets: readonly string[], stop?: AbortSignal): void {
    const parts = new Set(
      featureSets.flatMap((fs) => {
        const tokenParts = parseFeatureSet(fs).filter(isTokenPart);
        return tokenParts.length > 0 ? tokenParts : ['drain' as const];
      }),
    );
    for (const part of parts) {
      if (stop?.aborted || hasAudit(db, splitId, part)) continue;
      const b = this.bags(part);
      saveAudit(db, splitId, part, auditSplit(manifest, part, assign(b.sequences, manifest).parts, b.vocabulary));
    }
  }
}
