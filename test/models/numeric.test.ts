import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NumericScaler, type NumericTable, toDense } from '../../models/vectorize/index.ts';

const table = (cols: Record<string, number[]>): NumericTable => ({
  names: Object.keys(cols),
  values: Object.values(cols).map((c) => Float64Array.from(c)),
});

const near = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= 1e-12, `${what}: expected ${expected}, got ${actual}`);

describe('NumericScaler', () => {
  const train = table({ len: [1, 2, 3, 4], flat: [5, 5, 5, 5] });

  it('learns the training mean and population standard deviation; a constant column gets scale 1', () => {
    const s = new NumericScaler().fit(train);
    assert.deepEqual([...s.mean], [2.5, 5]);
    near(s.scale[0]!, Math.sqrt(1.25), 'std of 1..4 (population, not sample)');
    assert.equal(s.scale[1], 1);
    assert.deepEqual(s.columnNames, ['len', 'flat']);
  });

  it('transforms other rows with the training statistics; exact zeros are not stored', () => {
    const s = new NumericScaler().fit(train);
    const x = s.transform(table({ len: [2.5, 6], flat: [7, 5] }));
    assert.equal(x.nRows, 2);
    assert.equal(x.nCols, 2);
    // Row 0: len is the mean (0, implicit), flat 7 − 5 = 2. Row 1: (6 − 2.5)/std, flat 0.
    assert.deepEqual([...x.indptr], [0, 1, 2]);
    assert.deepEqual([...x.indices], [1, 0]);
    assert.equal(x.data[0], 2);
    near(x.data[1]!, 3.5 / Math.sqrt(1.25), 'scaled len');
    const d = toDense(s.transform(train));
    const z = [-1.5, -0.5, 0.5, 1.5].map((v) => v / Math.sqrt(1.25));
    for (let i = 0; i < 4; i++) near(d[i]![0]!, z[i]!, `row ${i}`);
    // Standardised training columns have mean 0 and population variance 1.
    near(d.reduce((a, r) => a + r[0]! ** 2, 0) / 4, 1, 'variance');
  });

  it('withMean / withStd off', () => {
    const s = new NumericScaler({ withMean: false, withStd: false }).fit(train);
    assert.deepEqual(toDense(s.transform(train))[3], Float64Array.from([4, 5]));
    const m = new NumericScaler({ withStd: false }).fit(train);
    assert.deepEqual(toDense(m.transform(train))[0], Float64Array.from([-1.5, 0]));
  });

  it('fails on bad input naming the column or option', () => {
    assert.throws(() => new NumericScaler({ withMean: 1 as unknown as boolean }), {
      name: 'TypeError',
      message: 'numeric.withMean must be a boolean (got 1)',
    });
    assert.throws(() => new NumericScaler().fit(table({ len: [1, Number.NaN] })), {
      message: 'NumericScaler.fit: column len row 1 is NaN',
    });
    assert.throws(() => new NumericScaler().fit(table({ len: [] })), {
      message: 'NumericScaler.fit: no training rows',
    });
    const s = new NumericScaler().fit(train);
    assert.throws(
      () => s.transform(table({ flat: [1], len: [1] })),
      /columns \[flat, len\] differ from the fitted \[len, flat\]/,
    );
  });

  it('round-trips through JSON', () => {
    const s = new NumericScaler().fit(train);
    const loaded = NumericScaler.load(JSON.parse(JSON.stringify(s)));
    assert.deepEqual(toDense(loaded.transform(train)), toDense(s.transform(train)));
    assert.throws(() => NumericScaler.load({ kind: 'x' }), /kind must be 'numeric-scaler' \(got 'x'\)/);
  });
});
