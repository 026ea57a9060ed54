/** `bench board --format csv`'s renderer: one record per board row, in the board's order, RFC 4180 quoting. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csvColumns, csvField, renderCsv } from '../../reports/board/index.ts';
import { fixtureRows, rank } from '../helpers/board-fixture.ts';
import { parseCsv } from './csv-parse.ts';

describe('renderCsv', () => {
  it('quotes only what RFC 4180 asks to, doubling quotes; missing numbers are empty', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('two\nlines'), '"two\nlines"');
    assert.equal(csvField('cr\r'), '"cr\r"');
    assert.equal(csvField(0.125), '0.125');
    assert.equal(csvField(Number.NaN), '');
    assert.equal(csvField(Number.POSITIVE_INFINITY), '');
    assert.equal(csvField(null), '');
    assert.equal(csvField(false), 'false');
  });

  it('writes the board’s rows in its order, every field read back as written', () => {
    const raw = fixtureRows();
    // A reason with every character that needs quoting.
    raw[0]!.flags = [{ flag: 'trivial', reason: 'within 0.02 of "seq_len", on\nevery seed' }];
    const board = rank(raw, 'auc_pr', ['feature-sets', 'quickstart']);
    const text = renderCsv(board);
    const [header, ...rows] = parseCsv(text);
    assert.deepEqual(header, csvColumns());
    assert.equal(rows.length, board.rows.length);
    const col = (name: string) => csvColumns().indexOf(name);
    for (const [i, r] of board.rows.entries()) {
      const row = rows[i]!;
      assert.equal(row.length, csvColumns().length);
      assert.deepEqual(
        [row[col('experiment')], row[col('rank')], row[col('variant')], row[col('feature_set')], row[col('ranked_by')]],
        [r.experiment, String(r.rank), r.variant, r.featureSet, 'auc_pr'],
      );
      assert.equal(Number(row[col('f1_mean')]), r.f1.mean, 'full precision');
      assert.equal(Number(row[col('primary_mean')]), r.aucPr);
      assert.equal(row[col('sequences_per_s')], r.throughputPerS === null ? '' : String(r.throughputPerS));
      assert.equal(row[col('trials')], r.trials.join(' '));
      assert.equal(row[col('flag_reasons')], r.flags.map((f) => `${f.flag}: ${f.reason}`).join('; '));
    }
    const quoted = rows.find((r) => r[col('flag_reasons')]!.includes('\n'))!;
    assert.equal(quoted[col('flag_reasons')], 'trivial: within 0.02 of "seq_len", on\nevery seed');
  });

  it('an empty board is its header line', () => {
    assert.equal(renderCsv(rank([], 'f1', [])), `${csvColumns().join(',')}\r\n`);
  });
});
