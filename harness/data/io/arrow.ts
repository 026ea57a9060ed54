/**
 * Arrow IPC files of the ingest: column builders straight from typed arrays (no row objects), the
 * check of a column given as raw buffers against its descriptor, and a streaming file sink so the
 * events table never has to fit in memory. The tables' schemas are in ../schema.ts.
 */
import { closeSync, openSync, write, writeSync, writev, writevSync } from 'node:fs';
import {
  AsyncByteQueue,
  Bool,
  type Data,
  DataType,
  type Dictionary,
  Field,
  Float64,
  type Int8,
  Int32,
  List,
  makeData,
  Precision,
  RecordBatch,
  RecordBatchFileWriter,
  type Schema,
  Struct,
  TimestampMillisecond,
  Utf8,
  type Vector,
  vectorFromArray,
} from 'apache-arrow';
import { BufferRegion, FieldNode, Message, RecordBatch as RecordBatchHeader } from 'apache-arrow/ipc/metadata/message';
import { BenchError } from '../../errors/index.ts';
import { type ColumnDescriptor, dataProblem, inTableOrder, type TableSchema } from '../schema.ts';
import type { Utf8Column } from './utf8.ts';

const listOf = (t: DataType) => new List(new Field('item', t, false));

export const utf8Data = (col: Utf8Column): Data<Utf8> =>
  makeData({
    type: new Utf8(),
    length: col.offsets.length - 1,
    nullCount: 0,
    valueOffsets: col.offsets,
    data: col.data,
  });

export const int32Data = (values: Int32Array): Data<Int32> =>
  makeData({ type: new Int32(), length: values.length, nullCount: 0, data: values });

/** An Int32 column whose nulls are the null values. */
export function nullableInt32Data(values: readonly (number | null)[]): Data<Int32> {
  const data = new Int32Array(values.length);
  const valid = new Uint8Array((values.length + 7) >> 3);
  let nullCount = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) nullCount++;
    else {
      data[i] = v;
      valid[i >> 3]! |= 1 << (i & 7);
    }
  }
  return makeData({
    type: new Int32(),
    length: values.length,
    nullCount,
    nullBitmap: nullCount > 0 ? valid : null,
    data,
  });
}

export const float64Data = (values: Float64Array): Data<Float64> =>
  makeData({ type: new Float64(), length: values.length, nullCount: 0, data: values });

export function boolData(values: ArrayLike<boolean>): Data<Bool> {
  const bits = new Uint8Array((values.length + 7) >> 3);
  for (let i = 0; i < values.length; i++) if (values[i]) bits[i >> 3]! |= 1 << (i & 7);
  return bitmapData(bits, values.length);
}

/** A Bool column from an LSB-first bitmap of `length` values. */
export const bitmapData = (bits: Uint8Array, length: number): Data<Bool> =>
  makeData({ type: new Bool(), length, nullCount: 0, data: bits });

/** Milliseconds since the epoch as an Arrow timestamp column; NaN becomes null. */
export function timestampData(ms: Float64Array): Data<TimestampMillisecond> {
  const halves = new Int32Array(ms.length * 2);
  const valid = new Uint8Array((ms.length + 7) >> 3);
  const nullCount = timestampHalves(ms, halves, valid, 0);
  return makeData({
    type: new TimestampMillisecond('UTC'),
    length: ms.length,
    nullCount,
    nullBitmap: nullCount > 0 ? valid : null,
    data: halves,
  });
}

/**
 * Epoch milliseconds as Arrow's little-endian Int64 values at rows `at`, `at + 1`, … of `halves`
 * (two Int32 halves each: no BigInt per value; exact below 2^53 ms), NaN as null: sets the rows'
 * bits of a zeroed `valid` bitmap and returns how many are null.
 */
export function timestampHalves(ms: Float64Array, halves: Int32Array, valid: Uint8Array, at: number): number {
  let nullCount = 0;
  for (let i = 0; i < ms.length; i++) {
    const v = ms[i]!;
    const row = at + i;
    if (Number.isNaN(v)) {
      nullCount++;
      halves[2 * row] = 0;
      halves[2 * row + 1] = 0;
    } else {
      const high = Math.floor(v / 4_294_967_296);
      halves[2 * row] = v - high * 4_294_967_296;
      halves[2 * row + 1] = high;
      valid[row >> 3]! |= 1 << (row & 7);
    }
  }
  return nullCount;
}

/** A dictionary-encoded column whose dictionary is shared by every batch of a file. */
export function dictionaryData<T extends Int8 | Int32>(
  type: Dictionary<Utf8, T>,
  indices: T extends Int8 ? Int8Array : Int32Array,
  dictionary: Vector<Utf8>,
): Data<Dictionary<Utf8, T>> {
  return makeData({
    type,
    length: indices.length,
    nullCount: 0,
    data: indices,
    dictionary,
  } as never) as unknown as Data<Dictionary<Utf8, T>>;
}

export const stringVector = (values: readonly string[]): Vector<Utf8> =>
  vectorFromArray(values as string[], new Utf8());

/**
 * Where a column's arrays get their memory: by default fresh buffers; an ingest lends reused ones
 * (io/buffer-pool.ts), whose old bytes the column then overwrites.
 */
export interface Allocator {
  take(bytes: number): ArrayBuffer;
}
const fresh: Allocator = { take: (bytes) => new ArrayBuffer(bytes) };
const int32s = (n: number, memory: Allocator) => new Int32Array(memory.take(4 * n), 0, n);

/**
 * A List<Utf8> column from per-row lists of token ids and the vocabulary they index, given as its
 * tokens' UTF-8 bytes: each token's bytes are copied, no string is encoded.
 */
export function tokenListData(
  rows: readonly Int32Array[],
  vocab: Utf8Column,
  memory: Allocator = fresh,
): Data<List<Utf8>> {
  const offsets = int32s(rows.length + 1, memory);
  const bytes = listOffsets(rows, vocab.offsets, offsets);
  const total = offsets[rows.length]!;
  const valueOffsets = int32s(total + 1, memory);
  const data = new Uint8Array(memory.take(bytes), 0, bytes);
  copyTokens(rows, vocab, valueOffsets, data);
  const child = utf8Data({ offsets: valueOffsets, data });
  return makeData({
    type: listOf(new Utf8()) as List<Utf8>,
    length: rows.length,
    nullCount: 0,
    valueOffsets: offsets,
    child,
  });
}

// The per-token loops are small functions of their own: called a few times per ingest on
// hundreds of thousands of tokens, they run unoptimised until V8 has compiled them, sooner when small.

/** Fills `offsets` with the rows' running token counts; returns the bytes of all their tokens. */
function listOffsets(rows: readonly Int32Array[], vo: Int32Array, offsets: Int32Array): number {
  let total = 0;
  let bytes = 0;
  offsets[0] = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    total += row.length;
    offsets[i + 1] = total;
    for (let j = 0; j < row.length; j++) bytes += vo[row[j]! + 1]! - vo[row[j]!]!;
  }
  return bytes;
}

/** The rows' tokens' bytes back to back in `data`, and where each ends in `valueOffsets`. */
function copyTokens(rows: readonly Int32Array[], vocab: Utf8Column, valueOffsets: Int32Array, data: Uint8Array): void {
  const vo = vocab.offsets;
  const vd = vocab.data;
  let t = 0;
  let b = 0;
  valueOffsets[0] = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    for (let j = 0; j < row.length; j++) {
      // Tokens are a few bytes (trigrams three): a loop beats a `set` call per token, and three
      // bytes unrolled beat the loop.
      const start = vo[row[j]!]!;
      const end = vo[row[j]! + 1]!;
      if (end - start === 3) {
        data[b] = vd[start]!;
        data[b + 1] = vd[start + 1]!;
        data[b + 2] = vd[start + 2]!;
        b += 3;
      } else for (let k = start; k < end; k++) data[b++] = vd[k]!;
      valueOffsets[++t] = b;
    }
  }
}

/** A List<Int32> column from per-row typed arrays. */
export function int32ListData(rows: readonly Int32Array[], memory: Allocator = fresh): Data<List<Int32>> {
  const offsets = int32s(rows.length + 1, memory);
  let total = 0;
  offsets[0] = 0;
  for (let i = 0; i < rows.length; i++) {
    total += rows[i]!.length;
    offsets[i + 1] = total;
  }
  const flat = int32s(total, memory);
  for (let i = 0; i < rows.length; i++) flat.set(rows[i]!, offsets[i]!);
  return makeData({
    type: listOf(new Int32()) as List<Int32>,
    length: rows.length,
    nullCount: 0,
    valueOffsets: offsets,
    child: int32Data(flat),
  });
}

/**
 * A record batch of `table` from its columns by name, checked against the table's descriptors
 * (schema.ts): a missing, unknown or mistyped column is a ColumnMismatch naming it.
 */
export function tableBatch<N extends string>(table: TableSchema<N>, columns: Readonly<Record<N, Data>>): RecordBatch {
  return makeBatch(table.arrow, inTableOrder(table, columns, dataProblem));
}

/** Assembles a record batch from columns given in schema order. */
export function makeBatch(schema: Schema, columns: readonly Data[]): RecordBatch {
  const length = columns[0]?.length ?? 0;
  for (const [i, c] of columns.entries()) {
    if (c.length !== length)
      throw new Error(`column ${schema.fields[i]?.name} has ${c.length} rows, expected ${length}`);
  }
  const struct = makeData({ type: new Struct(schema.fields), length, nullCount: 0, children: columns as Data[] });
  return new RecordBatch(schema, struct);
}

/**
 * The byte sink the Arrow writer writes into, sending bytes straight to a file descriptor. Arrow's
 * own Node stream adapter queues chunks in an array it drains with `shift()`, which turns
 * quadratic on a table as long as the events table.
 *
 * Chunks are not copied: the sink keeps references to them (so a written batch's arrays must not
 * change afterwards, which holds for every caller: they are built for the batch) and writes them
 * with one `writev` per `GROUP_BYTES` in the background, at their file positions, up to
 * `MAX_IN_FLIGHT` bytes at once; past that a write waits synchronously, so memory stays bounded.
 * Copying the events' per-file column pieces into larger buffers, or writing synchronously, would
 * cost the main thread (the ingest's bottleneck) a copy or a wait per batch, while the reader
 * workers wait for it (docs/PERFORMANCE.md).
 */
class FileByteSink extends AsyncByteQueue {
  readonly #fd: number;
  readonly #path: string;
  /** Chunks not sent yet, and their bytes. */
  #group: NodeJS.ArrayBufferView[] = [];
  #groupBytes = 0;
  #position = 0;
  /** Bytes of background writes not finished yet (every send is at least one byte). */
  #inFlightBytes = 0;
  #error: Error | null = null;
  #drained: (() => void) | null = null;
  /** Groups sent so far; group g is the g-th `#send`. */
  #sent = 0;
  /** Groups below this one are on disk; `#done` holds the finished ones above it. */
  #writtenBelow = 0;
  readonly #done = new Set<number>();
  /** Callbacks waiting for every group below `below` to be on disk. */
  #waiting: { below: number; then: () => void }[] = [];

  constructor(path: string) {
    super();
    this.#path = path;
    this.#fd = openSync(path, 'w');
  }

  override write(value: ArrayBufferView | ArrayBufferLike | string): void {
    const bytes =
      typeof value === 'string'
        ? Buffer.from(value)
        : ArrayBuffer.isView(value)
          ? (value as NodeJS.ArrayBufferView)
          : new Uint8Array(value);
    if (bytes.byteLength === 0) return;
    this.#group.push(bytes);
    this.#groupBytes += bytes.byteLength;
    if (this.#groupBytes >= GROUP_BYTES) this.flush();
  }

  flush(): void {
    if (this.#groupBytes === 0) return;
    const group = this.#group;
    const bytes = this.#groupBytes;
    this.#group = [];
    this.#groupBytes = 0;
    this.#send(group, bytes);
  }

  /**
   * Calls `then` once every byte written so far is on disk (or failed to get there): the buffers
   * behind them are free again. At once when they already are.
   */
  whenWritten(then: () => void): void {
    const below = this.#sent + (this.#groupBytes > 0 ? 1 : 0);
    if (below <= this.#writtenBelow) then();
    else this.#waiting.push({ below, then });
  }

  #written(g: number): void {
    this.#done.add(g);
    while (this.#done.delete(this.#writtenBelow)) this.#writtenBelow++;
    if (this.#waiting.length === 0 || this.#waiting[0]!.below > this.#writtenBelow) return;
    const ready = this.#waiting.filter((w) => w.below <= this.#writtenBelow);
    this.#waiting = this.#waiting.filter((w) => w.below > this.#writtenBelow);
    for (const w of ready) w.then();
  }

  /** Writes `group` at the current end of the file. */
  #send(group: NodeJS.ArrayBufferView[], bytes: number): void {
    if (this.#error) throw this.#error;
    const at = this.#position;
    const g = this.#sent++;
    this.#position += bytes;
    if (this.#inFlightBytes + bytes > MAX_IN_FLIGHT) {
      try {
        let done = writevSync(this.#fd, group, at);
        if (done < bytes) {
          const all = concat(group, bytes);
          while (done < bytes) done += writeSync(this.#fd, all, done, bytes - done, at + done);
        }
      } catch (err) {
        throw (this.#error = this.#failed(err as Error));
      } finally {
        this.#written(g);
      }
      return;
    }
    this.#inFlightBytes += bytes;
    const finish = (err: Error | null) => {
      if (err && !this.#error) this.#error = this.#failed(err);
      this.#inFlightBytes -= bytes;
      this.#written(g);
      if (this.#inFlightBytes === 0) this.#drained?.();
    };
    // libuv writes the whole group (in IOV_MAX slices) unless the disk refuses; a short write
    // then goes on from one buffer.
    const rest = (all: Buffer, off: number) =>
      write(this.#fd, all, off, bytes - off, at + off, (err, n) => {
        if (err) finish(err);
        else if (off + n < bytes) rest(all, off + n);
        else finish(null);
      });
    writev(this.#fd, group, at, (err, n) => {
      if (err || n === bytes) finish(err);
      else rest(concat(group, bytes), n);
    });
  }

  /** A write error that names the file: background writes surface later, far from their cause. */
  #failed(err: Error): BenchError {
    return new BenchError('io', `writing ${this.#path} failed: ${err.message}`, {
      file: this.#path,
      hint:
        (err as NodeJS.ErrnoException).code === 'ENOSPC'
          ? 'the disk is full: free space, or set BENCH_HOME to a folder on another disk'
          : 'check that the cache folder is writable',
    });
  }

  /** Flushes, waits for the background writes, closes the file; rejects with the first write error. */
  async closeFile(): Promise<void> {
    try {
      this.flush();
      if (this.#inFlightBytes > 0) await new Promise<void>((resolve) => (this.#drained = resolve));
      if (this.#error) throw this.#error;
    } finally {
      closeSync(this.#fd);
    }
  }
}

const concat = (group: NodeJS.ArrayBufferView[], bytes: number) =>
  Buffer.concat(
    group.map((v) => new Uint8Array(v.buffer, v.byteOffset, v.byteLength)),
    bytes,
  );

/** Bytes of chunks sent with one `writev`. */
const GROUP_BYTES = 4 << 20;
/** Bytes being written in the background at most. */
const MAX_IN_FLIGHT = 16 << 20;

/** One Arrow buffer of a column, as consecutive pieces written one after the other. */
export type BufferPieces = readonly ArrayBufferView[];

/** A record batch column given by its IPC field node and buffers (see `ArrowFileSink.writeColumns`). */
export interface RawColumn {
  length: number;
  nullCount: number;
  /** The buffers in IPC order: validity (empty when no value is null), then offsets and/or values. */
  buffers: readonly BufferPieces[];
}

/**
 * A record batch's raw columns by name, in `table`'s order, each checked against its descriptor:
 * a missing, unknown or mistyped column is a ColumnMismatch naming it. Raw columns carry no type,
 * so the check is the IPC layout of the descriptor's type: how many buffers, and the bytes `length`
 * rows of it take (an Int32 column handed over for an Int8 one has four times the bytes).
 */
export function rawTableColumns<N extends string>(
  table: TableSchema<N>,
  length: number,
  columns: Readonly<Record<N, RawColumn>>,
): RawColumn[] {
  return inTableOrder(table, columns, (d, c) => rawColumnProblem(d, c, length));
}

const bytesOf = (pieces: BufferPieces): number => {
  let bytes = 0;
  for (const p of pieces) bytes += p.byteLength;
  return bytes;
};

function rawColumnProblem(d: ColumnDescriptor, c: RawColumn, length: number): string | null {
  if (c.length !== length) return `has ${c.length} rows, its batch ${length}`;
  if (c.nullCount > 0 && !d.nullable) return `has ${c.nullCount} null value(s) but is not nullable`;
  const layout = rawLayout(d.type, length);
  if (layout === null) return `is ${d.type}, which is not written from raw buffers`;
  if (c.buffers.length !== layout.length + 1)
    return `has ${c.buffers.length} buffers, a ${d.type} column ${layout.length + 1}`;
  const validity = bytesOf(c.buffers[0]!);
  const bitmap = (length + 7) >> 3;
  if (validity !== bitmap && (c.nullCount > 0 || validity !== 0))
    return `has a validity bitmap of ${validity} bytes, ${length} rows take ${bitmap}`;
  for (let b = 0; b < layout.length; b++) {
    const want = layout[b];
    const got = bytesOf(c.buffers[b + 1]!);
    if (want !== null && got !== want)
      return `has ${got} bytes in buffer ${b + 1}, ${length} rows of ${d.type} take ${want}`;
  }
  return null;
}

/** Bytes of each buffer after the validity bitmap for `n` rows of `type` (null: any), or null for types not written raw. */
function rawLayout(type: DataType, n: number): (number | null)[] | null {
  const t: DataType = DataType.isDictionary(type) ? type.indices : type;
  if (DataType.isBool(t)) return [(n + 7) >> 3];
  if (DataType.isUtf8(t)) return [4 * (n + 1), null];
  if (DataType.isInt(t)) return [(n * t.bitWidth) / 8];
  if (DataType.isTimestamp(t)) return [8 * n];
  if (DataType.isFloat(t))
    return [n * (t.precision === Precision.DOUBLE ? 8 : t.precision === Precision.SINGLE ? 4 : 2)];
  return null;
}

/**
 * apache-arrow's file writer, plus record batches written from their buffers: the metadata is
 * apache-arrow's own, the body is the pieces, so a column can be written from per-file pieces
 * without concatenating them or going through apache-arrow's generic assembly of a batch, which
 * walks every column on the main thread. The bytes are those `write` produces for
 * the same data (test/data/arrow-columns.test.ts).
 */
const ZEROS = new Uint8Array(8);

class ColumnWriter extends RecordBatchFileWriter {
  writeColumns(length: number, columns: readonly RawColumn[], dictionaries: ReadonlyMap<number, Vector>): void {
    const nodes: FieldNode[] = [];
    const regions: BufferRegion[] = [];
    let bodyLength = 0;
    for (const c of columns) {
      nodes.push(new FieldNode(c.length, c.nullCount));
      for (const pieces of c.buffers) {
        let bytes = 0;
        for (const p of pieces) bytes += p.byteLength;
        const padded = (bytes + 7) & ~7;
        regions.push(new BufferRegion(bodyLength, padded));
        bodyLength += padded;
      }
    }
    this._writeDictionaries({ dictionaries } as unknown as RecordBatch);
    this._writeMessage(Message.from(new RecordBatchHeader(length, nodes, regions, null), bodyLength));
    // The body goes to the sink directly: a few hundred pieces per batch.
    const sink = this._sink as unknown as FileByteSink;
    for (const c of columns) {
      for (const pieces of c.buffers) {
        let bytes = 0;
        for (const p of pieces) {
          sink.write(p);
          bytes += p.byteLength;
        }
        if (bytes & 7) sink.write(ZEROS.subarray(0, 8 - (bytes & 7)));
      }
    }
    this._position += bodyLength;
  }
}

export class ArrowFileSink {
  readonly #writer = new ColumnWriter({ autoDestroy: false });
  readonly #sink: FileByteSink;

  constructor(path: string, schema: Schema) {
    this.#sink = new FileByteSink(path);
    this.#writer.reset(this.#sink, schema);
  }

  write(batch: RecordBatch): void {
    this.#writer.write(batch);
  }

  /**
   * Writes a record batch of `length` rows from its columns' buffers, in schema order; the
   * dictionaries of dictionary-encoded columns are written before the first batch (by id).
   */
  writeColumns(length: number, columns: readonly RawColumn[], dictionaries: ReadonlyMap<number, Vector>): void {
    this.#writer.writeColumns(length, columns, dictionaries);
  }

  /** Calls `then` once every batch written so far is on disk: their buffers may be reused. */
  whenWritten(then: () => void): void {
    this.#sink.whenWritten(then);
  }

  /** Writes the footer, waits for the background writes and closes the file. */
  async close(): Promise<void> {
    this.#writer.finish();
    await this.#sink.closeFile();
  }
}
