/** Strings packed the way Arrow lays out a Utf8 column, built in workers and transferred. */

/** A column of strings as Arrow lays out Utf8: `data[offsets[i]..offsets[i+1])`. */
export interface Utf8Column {
  offsets: Int32Array;
  data: Uint8Array;
}

const encoder = new TextEncoder();

/** Packs strings into an Arrow-style Utf8 column. */
export function packUtf8(values: readonly string[]): Utf8Column {
  const offsets = new Int32Array(values.length + 1);
  const joined = values.join('');
  const data = encoder.encode(joined);
  if (data.length === joined.length) {
    // ASCII only (the usual case): byte offsets equal string offsets.
    let o = 0;
    for (let i = 0; i < values.length; i++) {
      o += values[i]!.length;
      offsets[i + 1] = o;
    }
  } else {
    let o = 0;
    for (let i = 0; i < values.length; i++) {
      o += Buffer.byteLength(values[i]!);
      offsets[i + 1] = o;
    }
  }
  return { offsets, data };
}
