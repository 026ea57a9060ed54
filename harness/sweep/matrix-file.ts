/**
 * CSR matrices on disk, so that pool workers read them instead of receiving a copy per task:
 * a 16-byte header (nRows, nCols, nnz as uint32, reserved), then indptr and indices (Int32) and data
 * (Float64), each 8-byte aligned. Reading maps the file into typed arrays without parsing.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { CsrMatrix } from '../../models/index.ts';

const align8 = (n: number) => Math.ceil(n / 8) * 8;

export function writeCsrFile(path: string, x: CsrMatrix): void {
  const nnz = x.indptr[x.nRows]!;
  const ptrBytes = align8((x.nRows + 1) * 4);
  const idxBytes = align8(nnz * 4);
  const buf = new ArrayBuffer(16 + ptrBytes + idxBytes + nnz * 8);
  new Uint32Array(buf, 0, 4).set([x.nRows, x.nCols, nnz, 0]);
  new Int32Array(buf, 16, x.nRows + 1).set(x.indptr.subarray(0, x.nRows + 1));
  new Int32Array(buf, 16 + ptrBytes, nnz).set(x.indices.subarray(0, nnz));
  new Float64Array(buf, 16 + ptrBytes + idxBytes, nnz).set(x.data.subarray(0, nnz));
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
  const ptrBytes = align8((nRows + 1) * 4);
  const idxBytes = align8(nnz * 4);
  return {
    nRows,
    nCols,
    indptr: new Int32Array(buf, 16, nRows + 1),
    indices: new Int32Array(buf, 16 + ptrBytes, nnz),
    data: new Float64Array(buf, 16 + ptrBytes + idxBytes, nnz),
  };
}
