/**
 * Arrow tables of trial files whose bytes depend only on their values. apache-arrow's
 * `tableFromArrays` stores string columns as dictionaries numbered by a counter that runs across the
 * whole process, so the same predictions written after a different number of earlier tables (one
 * worker or two, a resumed sweep) came out as different bytes and digests. Strings here are plain
 * Utf8 columns; numbers keep their typed arrays' types.
 */
import { makeVector, Table, Utf8, type Vector, vectorFromArray } from 'apache-arrow';

/** The typed arrays trial files store numbers in. */
type NumberArray = Float64Array | Float32Array | Int32Array | Uint8Array;

/** One column: strings (Utf8) or a typed array (its own Arrow type). */
export type ArtifactColumn = readonly string[] | NumberArray;

export function artifactTable(columns: Record<string, ArtifactColumn>): Table {
  const vectors: Record<string, Vector> = {};
  for (const [name, values] of Object.entries(columns)) {
    vectors[name] = Array.isArray(values)
      ? vectorFromArray(values as string[], new Utf8())
      : makeVector(values as NumberArray);
  }
  return new Table(vectors);
}
