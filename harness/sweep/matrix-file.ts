/**
 * CSR matrices on disk, so that pool workers read them instead of receiving a copy per task:
 * a 16-byte header (nRows, nCols, nnz as uint32, reserved), then indptr and indices (Int32) and data
 * (Float64), each 8-byte aligned. Reading maps the file into typed arrays without parsing.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { CsrMatrix } from '../../models/index.ts';
import { Layout } from '../data/index.ts';

const HEADER_BYTES = 16;

/** Where each array starts in the file, and its length in bytes. */
function regions(nRows: number, nnz: number) {
  const l = new Layout(HEADER_BYTES);
  const indptr = l.take((nRows + 1) * 4);
  const indices = l.take(nnz * 4);
  const data = l.take(nnz * 8);
  return { indptr, indices, data, bytes: l.at };
}

export function writeCsrFile(path: string, x: CsrMatrix): void {
  const nnz = x.indptr[x.nRows]!;
  const at = regions(x.nRows, nnz);
  const buf = new ArrayBuffer(at.bytes);
  new Uint32Array(buf, 0, 4).set([x.nRows, x.nCols, nnz, 0]);
  new Int32Array(buf, at.indptr, x.nRows + 1).set(x.indptr.subarray(0, x.nRows + 1));
  new Int32Array(buf, at.indices, nnz).set(x.indices.subarray(0, nnz));
  new Float64Array(buf, at.data, nnz).set(x.data.subarray(0, nnz));
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, new Uint8Array(buf));
  renameSync(tmp, path);
}

export function readCsrFile(path: string): CsrMatrix {
  const file = readFileSync(path);
  // Copy into a fresh, 8-byte aligned buffer (Buffer's pool offset may not be aligned).
  const buf = new ArrayBuffer(file.byteLength);
  new Uint8Array(buf).set(file);
  const [nRows, nCols, nnz] = new Uint32Array(buf, 0, 4) as unknown as [number, number, number];
  const at = regions(nRows, nnz);
  return {
    nRows,
    nCols,
    indptr: new Int32Array(buf, at.indptr, nRows + 1),
    indices: new Int32Array(buf, at.indices, nnz),
    data: new Float64Array(buf, at.data, nnz),
  };
}
