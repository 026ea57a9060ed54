/**
 * What an experiment's numbers are about, for display next to them: label scope, grouping, dataset
 * order and faults. Read from stored configurations (`experiments.config_json`), which may predate
 * some of these fields: a missing `labels` or `seqBy` is the default they had then.
 */

export interface ExperimentScope {
  labels: string;
  seqBy: string;
  source: 'synthetic' | 'lo2';
  /** Synthetic case order (`v1`, `shuffled`); null for a real LO2 tree. */
  order: string | null;
  /** Synthetic faults (`injected`, or `none` for the null dataset); null for a real LO2 tree. */
  faults: string | null;
}

/** Mean test AUC-ROC above which a detector on a null dataset (`faults: 'none'`) is reported as a leak. */
export const NULL_AUC_LIMIT = 0.6;

const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);

/** The scope of a stored experiment configuration (parsed JSON or its text). */
export function experimentScope(config: unknown): ExperimentScope {
  const c = (typeof config === 'string' ? JSON.parse(config) : config) as Record<string, unknown> | null;
  const dataset = (c?.dataset ?? {}) as Record<string, unknown>;
  const synthetic = dataset.source !== 'lo2';
  return {
    labels: str(c?.labels) ?? 'case',
    seqBy: str(c?.seqBy) ?? 'file',
    source: synthetic ? 'synthetic' : 'lo2',
    // A synthetic config without an order is one written by hand, not by the schema: say so.
    order: synthetic ? (str(dataset.order) ?? 'unknown') : null,
    // Configurations from before `faults` existed generated their faults.
    faults: synthetic ? (str(dataset.faults) ?? 'injected') : null,
  };
}

/** True when the experiment's dataset is the null dataset, where every detector must sit at chance. */
export const isNullDataset = (s: ExperimentScope): boolean => s.faults === 'none';

/** `labels target-service · seqBy file · order shuffled · faults none (null dataset)` */
export function scopeText(s: ExperimentScope): string {
  const data =
    s.source === 'lo2'
      ? 'real LO2 (no fault ground truth)'
      : `order ${s.order} · faults ${s.faults}${isNullDataset(s) ? ' (null dataset)' : ''}`;
  return `labels ${s.labels} · seqBy ${s.seqBy} · ${data}`;
}

/** A compact form for a table column: `target/tc shuf null`, `case/file v1`, `case/file real`. */
export function scopeShort(s: ExperimentScope): string {
  const labels = s.labels === 'target-service' ? 'target' : s.labels;
  const seqBy = s.seqBy === 'test_case' ? 'tc' : s.seqBy;
  const order = s.source === 'lo2' ? 'real' : s.order === 'shuffled' ? 'shuf' : s.order;
  return `${labels}/${seqBy} ${order}${isNullDataset(s) ? ' null' : ''}`;
}

/** The warning a leaking row gets on a null dataset. */
export function leakWarning(experiment: string, variant: string, featureSet: string, aucRoc: number): string {
  return (
    `null dataset (${experiment}): ${variant} on ${featureSet} has mean test AUC-ROC ${aucRoc.toFixed(3)} > ${NULL_AUC_LIMIT.toFixed(2)}` +
    ' — a detector above chance means the harness or generator leaks a label'
  );
}
