/** Reading the ingest's tables back (Arrow IPC) for the stages downstream. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';

/** What a split needs to know about one sequence: never its content. */
export interface SequenceMeta {
  seqId: string;
  run: string;
  testCase: string;
  service: string;
  anomaly: boolean;
  /** Epoch ms of the sequence's first event (NaN if unknown). */
  startMs: number;
}

/** The metadata of every sequence of an ingest (no token bags), in table order. */
export function readSequenceMeta(ingestDir: string): SequenceMeta[] {
  const t = tableFromIPC(readFileSync(join(ingestDir, 'sequences.arrow')));
  const col = (name: string) => {
    const c = t.getChild(name);
    if (!c)
      throw new Error(
        `${join(ingestDir, 'sequences.arrow')}: column ${name} is missing (hint: re-run the ingest with --force)`,
      );
    return c;
  };
  const [seqId, run, testCase, service, anomaly, start] = [
    'seq_id',
    'run',
    'test_case',
    'service',
    'anomaly',
    'start_time',
  ].map(col);
  const out: SequenceMeta[] = [];
  for (let i = 0; i < t.numRows; i++) {
    const s = start!.get(i);
    out.push({
      seqId: seqId!.get(i) as string,
      run: run!.get(i) as string,
      testCase: testCase!.get(i) as string,
      service: service!.get(i) as string,
      anomaly: anomaly!.get(i) as boolean,
      startMs: s === null ? Number.NaN : Number(s),
    });
  }
  return out;
}
