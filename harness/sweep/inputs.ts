/**
 * What a sweep reads from one ingest, each at most once and in the sweep's sequence scope (see
 * scope.ts): the sequence metadata the split and the protocol use, the token bags per part (shared
 * by the feature matrices and the leakage audits), the numeric columns, and the Drain-template file
 * the trials' explanations use.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type FeatureSource, isTokenPart, parseFeatureSet, type TokenPart } from '../../models/index.ts';
import {
  AUDIT_VERSION,
  assign,
  auditSplit,
  DEFAULT_SCOPE,
  isDefaultScope,
  type SequenceScope,
  type SplitManifest,
} from '../../splits/index.ts';
import { hashKey } from '../data/cache.ts';
import { readSequenceBags, readSequenceMeta, type SequenceBags, type SequenceMeta } from '../data/read.ts';
import { readSequenceNumeric, type SequenceNumeric } from '../data/read-numeric.ts';
import type { Db } from '../store/db.ts';
import { hasAudit, saveAudit } from '../store/splits.ts';
import { writeTemplates } from './matrices.ts';
import { scopeSequences } from './scope.ts';

export class IngestInputs {
  readonly #dir: string;
  readonly scope: SequenceScope;
  readonly #bags = new Map<TokenPart, SequenceBags>();
  #rawMeta: SequenceMeta[] | undefined;
  #meta: SequenceMeta[] | undefined;
  #numeric: SequenceNumeric | undefined;

  constructor(ingestDir: string, scope: SequenceScope = DEFAULT_SCOPE) {
    this.#dir = ingestDir;
    this.scope = scope;
  }

  get #raw(): SequenceMeta[] {
    this.#rawMeta ??= readSequenceMeta(this.#dir);
    return this.#rawMeta;
  }

  /**
   * Every file of the ingest, whatever the scope: what splits are made from, so that every scope of
   * a dataset puts the same runs in the same parts for a seed (scopes compare run for run).
   */
  fileMeta(): readonly SequenceMeta[] {
    return this.#raw;
  }

  /** The sequences in scope (no content): what the split, the parts and the protocol see. */
  meta(): SequenceMeta[] {
    this.#meta ??= scopeSequences({ meta: this.#raw }, this.scope).meta;
    return this.#meta;
  }

  bags(part: TokenPart): SequenceBags {
    let b = this.#bags.get(part);
    if (!b) {
      const raw = readSequenceBags(this.#dir, part);
      b = scopeSequences({ meta: this.#raw, bags: { [part]: raw } }, this.scope).bags[part]!;
      this.#bags.set(part, b);
    }
    return b;
  }

  /** The data `featureSet` is built from. */
  source(featureSet: string): FeatureSource {
    const parts = parseFeatureSet(featureSet);
    const source: FeatureSource = { bags: Object.fromEntries(parts.filter(isTokenPart).map((p) => [p, this.bags(p)])) };
    if (!parts.includes('numeric')) return source;
    this.#numeric ??= scopeSequences({ meta: this.#raw, numeric: readSequenceNumeric(this.#dir) }, this.scope).numeric!;
    return { ...source, numeric: this.#numeric };
  }

  /**
   * The Drain templates of every sequence in scope, as a file the pool workers read (see
   * matrices.ts). Content-addressed by the ingest key and the scope: written by the first sweep,
   * reused by later ones.
   */
  templatesFile(cacheDir: string, ingestKey: string): string {
    const key = isDefaultScope(this.scope) ? ingestKey : hashKey({ ingest: ingestKey, scope: this.scope });
    const path = join(cacheDir, 'matrices', `templates-${key}.json`);
    if (!existsSync(path)) writeTemplates(path, this.bags('drain'));
    return path;
  }

  /**
   * Stores the leakage audit of a split for each token part of `featureSets` not audited yet, or
   * audited by an older audit version (numeric-only feature sets get the drain audit, for its
   * trivial baselines). Audits are keyed by
   * split: a split's manifest records its scope, so two scopes never share an audit.
   */
  audit(db: Db, splitId: number, manifest: SplitManifest, featureSets: readonly string[], stop?: AbortSignal): void {
    const parts = new Set(
      featureSets.flatMap((fs) => {
        const tokenParts = parseFeatureSet(fs).filter(isTokenPart);
        return tokenParts.length > 0 ? tokenParts : ['drain' as const];
      }),
    );
    const own = manifest.scope ?? DEFAULT_SCOPE;
    if (own.labels !== this.scope.labels || own.seqBy !== this.scope.seqBy) {
      throw new Error(`split ${manifest.hash.slice(0, 12)} was made for another sequence scope than these inputs`);
    }
    for (const part of parts) {
      if (stop?.aborted || hasAudit(db, splitId, part, AUDIT_VERSION)) continue;
      const b = this.bags(part);
      saveAudit(db, splitId, part, auditSplit(manifest, part, assign(b.sequences, manifest).parts, b.vocabulary));
    }
  }
}
