/**
 * V8's heap growth while ingests run, for the programs that ask for it (`IngestOptions.tuneHeap`).
 * An ingest's live heap is small, but it promotes a steady trickle of objects that die soon after (a
 * file's column views, kept until their bytes are on disk), so on long inputs V8's own growth factor
 * (up to 4× the live size before a full collection) made headroom of garbage the peak RSS.
 * Letting the old generation grow by half its live size instead trades a few more full collections
 * for a lower peak (docs/PERFORMANCE.md). V8 reads the flag at each collection and has no
 * per-isolate setting: the flag is the process's, set while an ingest that asked for it runs and
 * reset (0: V8's default) after the last one.
 */
import { setFlagsFromString } from 'node:v8';

const HEAP_GROWING_PERCENT = 50;
let tightened = 0;

/** Sets the heap growth for an ingest; returns what resets it (once the last such ingest is done). */
export function tightenHeap(): () => void {
  if (tightened++ === 0) setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  let reset = false;
  return () => {
    if (reset) return;
    reset = true;
    if (--tightened === 0) setFlagsFromString('--heap-growing-percent=0');
  };
}
