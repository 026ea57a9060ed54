/**
 * What a sweep reads from one ingest, each at most once and in the sweep's sequence scope (see
 * scope.ts): the sequence metadata the split and the protocol use, the token bags per part (shared
 * by the feature matrices and the leakage audits), the numeric columns, the Drain-template file
 * the trials' explanations use, and for event-level trials the events and their messages.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  type FeatureSource,
  isTokenPart,
  type MessageBags,
  parseFeatureSet,
  type TokenPart,
} from '../../models/index.ts';
import {
  AUDIT_VERSION,
  assign,
  auditSplit,
  DEFAULT_SCOPE,
  isDefaultScope,
  type SequenceScope,
  type SplitManifest,
} from '../../splits/index.ts';
import {
  hashKey,
  type IngestTables,
  openIngest,
  type SequenceBags,
  type SequenceMeta,
  type SequenceNumeric,
} from '../data/index.ts';
import type { Store } from '../store/index.ts';
import { type EventColumns, readEventColumns, readMessageBags } from './event-inputs.ts';
import { writeTemplates } from './matrices.ts';
import { groupSeqId, scopeSequences } from './scope.ts';

export class IngestInputs {
  /** The ingest's tables, each parsed once whatever this reads from them. */
  readonly #tables: IngestTables;
  readonly scope: SequenceScope;
  readonly #bags = new Map<TokenPart, SequenceBags>();
  #meta: SequenceMeta[] | undefined;
  #numeric: SequenceNumeric | undefined;
  #events: EventColumns | undefined;
  readonly #messages = new Map<TokenPart, MessageBags>();

  constructor(ingestDir: string, scope: SequenceScope = DEFAULT_SCOPE) {
    this.#tables = openIngest(ingestDir);
    this.scope = scope;
  }

  get #raw(): readonly SequenceMeta[] {
    return this.#tables.meta();
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
      const raw = this.#tables.bags(part);
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
    this.#numeric ??= scopeSequences({ meta: this.#raw, numeric: this.#tables.numeric() }, this.scope).numeric!;
    return { ...source, numeric: this.#numeric };
  }

  /** The events table's columns event-level trials need, read once (see event-inputs.ts). */
  events(): EventColumns {
    this.#events ??= readEventColumns(this.#tables.dir);
    return this.#events;
  }

  /** Each message's bag of `part` tokens, by message id, read once per part. */
  messageBags(part: TokenPart): MessageBags {
    let b = this.#messages.get(part);
    if (!b) {
      b = readMessageBags(this.#tables.dir, part, () => this.#tables.templates());
      this.#messages.set(part, b);
    }
    return b;
  }

  /**
   * The sequence in scope each file of `fileSeqIds` belongs to, or null for a file the scope leaves
   * out: what an event's file maps to (under `seqBy: 'test_case'`, its (run, test case) group).
   */
  scopedSequenceOf(fileSeqIds: readonly string[]): (string | null)[] {
    const kept = scopeSequences({ meta: this.#raw }, { labels: this.scope.labels, seqBy: 'file' }).meta;
    const of = new Map(
      kept.map((f) => [f.seqId, this.scope.seqBy === 'file' ? f.seqId : groupSeqId(f.run, f.testCase)]),
    );
    return fileSeqIds.map((id) => of.get(id) ?? null);
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
  async audit(
    store: Store,
    splitId: number,
    manifest: SplitManifest,
    featureSets: readonly string[],
    stop?: AbortSignal,
  ): Promise<void> {
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
      if (stop?.aborted || (await store.hasAudit(splitId, part, AUDIT_VERSION))) continue;
      const b = this.bags(part);
      await store.saveAudit(
        splitId,
        part,
        auditSplit(manifest, part, assign(b.sequences, manifest).parts, b.vocabulary),
      );
    }
  }
}
