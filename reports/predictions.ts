/**
 * A trial's predictions file (written by the trial, see harness/sweep/artifacts.ts): every sequence
 * of train, val and test with its score, label and decision at the validation threshold.
 */
import { tableFromIPC } from 'apache-arrow';
import { BenchError } from '../harness/errors/index.ts';
import type { ArtifactRecord } from '../harness/store/index.ts';
import { readArtifact } from './explanations.ts';

export interface Predictions {
  seqId: string[];
  part: string[];
  run: string[];
  testCase: string[];
  service: string[];
  anomaly: Uint8Array;
  score: Float64Array;
  predicted: Uint8Array;
}

/** Reads a predictions artifact, checking it is the file the trial wrote (its sha256). */
export function readPredictions(artifact: ArtifactRecord): Predictions {
  const bytes = readArtifact(artifact);
  const t = tableFromIPC(bytes);
  const col = (name: string) => {
    const c = t.getChild(name);
    if (!c)
      throw new BenchError('data', `predictions ${artifact.path} have no column '${name}'`, { file: artifact.path });
    return c;
  };
  const strings = (name: string) => Array.from(col(name), (v) => String(v));
  return {
    seqId: strings('seq_id'),
    part: strings('part'),
    run: strings('run'),
    testCase: strings('test_case'),
    service: strings('service'),
    anomaly: Uint8Array.from(col('anomaly'), Number),
    score: Float64Array.from(col('score'), Number),
    predicted: Uint8Array.from(col('predicted'), Number),
  };
}

/** Rows of one part, in file order. */
export function rowsOf(p: Predictions, part: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < p.part.length; i++) if (p.part[i] === part) out.push(i);
  return out;
}
