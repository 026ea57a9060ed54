import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { csrFromDense, exportSvmlight, toDense, writeSvmlight } from '../../models/vectorize/index.ts';
import { tempDir } from '../helpers/fixtures.ts';

const ROWS = [
  [0, 1.5, 0, 0],
  [0, 0, 0, 0],
  [2, 0, 1e-7, 0.1 + 0.2],
  [-1 / 3, 0, 0, 123456789012],
];
const X = csrFromDense(ROWS);
const LABELS = Uint8Array.from([1, 0, 0, 1]);
const EXPECTED_TEXT = '1 2:1.5\n0\n0 1:2 3:1e-7 4:0.30000000000000004\n1 1:-0.3333333333333333 4:123456789012\n';

/** A minimal svmlight reader for the round trip: dense rows and labels. */
function parseSvmlight(text: string, nCols: number): { rows: number[][]; labels: number[] } {
  const rows: number[][] = [];
  const labels: number[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const [label, ...pairs] = line.split(' ');
    const row = new Array<number>(nCols).fill(0);
    let previous = 0;
    for (const pair of pairs) {
      const [idx, value] = pair.split(':');
      const i = Number(idx);
      assert.ok(Number.isInteger(i) && i > previous && i <= nCols, `index ${idx} is 1-based and ascending`);
      previous = i;
      row[i - 1] = Number(value);
    }
    rows.push(row);
    labels.push(Number(label));
  }
  return { rows, labels };
}

const hasSklearn = spawnSync('/usr/bin/python3', ['-c', 'import sklearn'], { stdio: 'ignore' }).status === 0;

describe('svmlight', () => {
  const { dir, cleanup } = tempDir();
  after(cleanup);

  it('writes the exact text: 1-based ascending indices, shortest round-trip numbers, empty rows as the label', () => {
    const path = join(dir, 'small.svm');
    writeSvmlight(path, X, LABELS);
    assert.equal(readFileSync(path, 'utf8'), EXPECTED_TEXT);
  });

  it('round-trips exactly when parsed back', () => {
    const path = join(dir, 'round.svm');
    writeSvmlight(path, X, LABELS);
    const back = parseSvmlight(readFileSync(path, 'utf8'), 4);
    assert.deepEqual(back.rows, ROWS);
    assert.deepEqual(back.labels, [...LABELS]);
  });

  it('writes a matrix larger than one chunk', () => {
    const rows = Array.from({ length: 3000 }, (_, i) => Array.from({ length: 50 }, (_, j) => ((i * 31 + j) % 7) / 3));
    const path = join(dir, 'big.svm');
    writeSvmlight(path, csrFromDense(rows), new Uint8Array(3000));
    const back = parseSvmlight(readFileSync(path, 'utf8'), 50);
    assert.equal(back.rows.length, 3000);
    assert.deepEqual(back.rows[2999], rows[2999]);
    assert.deepEqual(back.rows, rows);
  });

  it('rejects bad labels and non-finite values', () => {
    assert.throws(
      () => writeSvmlight(join(dir, 'x.svm'), X, Uint8Array.from([1, 0, 2, 0])),
      /label 2 of row 2 is not 0 or 1/,
    );
    assert.throws(() => writeSvmlight(join(dir, 'x.svm'), X, Uint8Array.from([1])), /1 labels for 4 rows/);
    const nan = csrFromDense([[Number.NaN]]);
    assert.throws(() => writeSvmlight(join(dir, 'x.svm'), nan, Uint8Array.from([0])), /value NaN is not finite/);
  });

  it('exports train/val/test, features.txt and meta.json', () => {
    const out = join(dir, 'export');
    const val = csrFromDense([[0, 0, 0, 0]]);
    exportSvmlight(
      out,
      {
        train: { x: X, labels: LABELS },
        val: { x: val, labels: Uint8Array.from([0]) },
        test: { x: X, labels: LABELS },
      },
      ['words:a', 'words:b', 'numeric:seq_len', 'drain:line\nbreak'],
      { trial: 7, seqIds: { val: ['s9'] } },
    );
    assert.equal(readFileSync(join(out, 'train.svm'), 'utf8'), EXPECTED_TEXT);
    assert.equal(readFileSync(join(out, 'val.svm'), 'utf8'), '0\n');
    assert.equal(
      readFileSync(join(out, 'features.txt'), 'utf8'),
      'words:a\nwords:b\nnumeric:seq_len\ndrain:line\\nbreak\n',
    );
    assert.deepEqual(JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8')), { trial: 7, seqIds: { val: ['s9'] } });
    assert.throws(
      () =>
        exportSvmlight(
          out,
          {
            train: { x: X, labels: LABELS },
            val: { x: val, labels: Uint8Array.from([0]) },
            test: { x: X, labels: LABELS },
          },
          ['a'],
          {},
        ),
      /export train: 4 columns but 1 column names/,
    );
  });

  it("scikit-learn's load_svmlight_file reads the file with the same shape and values", (t) => {
    if (!hasSklearn) return t.skip('python3-sklearn not installed');
    const path = join(dir, 'sklearn.svm');
    writeSvmlight(path, X, LABELS);
    const script = [
      'import json, sys',
      'from sklearn.datasets import load_svmlight_file',
      'x, y = load_svmlight_file(sys.argv[1], n_features=4)',
      'print(json.dumps({"shape": list(x.shape), "dense": x.toarray().tolist(), "y": y.tolist()}))',
    ].join('\n');
    const r = spawnSync('/usr/bin/python3', ['-c', script, path], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const got = JSON.parse(r.stdout) as { shape: number[]; dense: number[][]; y: number[] };
    assert.deepEqual(got.shape, [4, 4]);
    assert.deepEqual(got.y, [1, 0, 0, 1]);
    assert.equal(got.dense[2]![3], 0.1 + 0.2);
    assert.equal(got.dense[3]![0], -1 / 3);
    assert.deepEqual(
      got.dense,
      toDense(X).map((r) => [...r]),
    );
  });
});
