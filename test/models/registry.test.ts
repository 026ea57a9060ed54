import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  csrFromDense,
  fitDetector,
  loadDetector,
  makeDetector,
  trainingRows,
  VARIANT_NAMES,
  VARIANTS,
} from '../../models/index.ts';

/**
 * n rows, 6 columns: anomalies (every `every`-th row) carry column 5; everything else is noise.
 * With `length`, a 7th column holds each row's token count, 3 more than its columns' sum for
 * anomalies (tokens outside the vocabulary), as the OOV detector reads it. Boosting with the
 * pipeline's min_child_weight 5 needs a few hundred rows before a child holds that much hessian.
 */
function data(n = 60, every = 3, length = false) {
  const rows = Array.from({ length: n }, (_, i) => {
    const anomaly = i % every === 0;
    const row = [1 + (i % 4), (i * 7) % 5, i % 2, (i * 3) % 4, 1, anomaly ? 2 + (i % 3) : 0];
    return length ? [...row, row.reduce((a, b) => a + b, 0) + (anomaly ? 3 : 0)] : row;
  });
  const labels = Uint8Array.from(rows, (_, i) => (i % every === 0 ? 1 : 0));
  return { x: csrFromDense(rows), labels };
}

const fixtureOf = (algorithm: string) =>
  algorithm === 'oov' ? data(60, 3, true) : algorithm === 'gradient-boosting' ? data(300) : data();

describe('registry', () => {
  it('names exactly the 14 variants of DESIGN.md', () => {
    assert.deepEqual(VARIANT_NAMES, [
      'isolation_forest',
      'event_lr_words',
      'event_lsvm_words',
      'event_dt_trigrams',
      'event_rf_words',
      'event_xgb_words',
      'event_lof_words',
      'event_oneclass_svm_words',
      'event_kmeans_words',
      'event_rarity_words',
      'event_oov_words',
      'sequence_lr_numeric',
      'sequence_lr_words',
      'sequence_shap_lr_words',
    ]);
  });

  for (const name of VARIANT_NAMES) {
    it(`${name}: fits, scores every row, ranks the planted anomalies up, and reloads with identical scores`, () => {
      const { x, labels } = fixtureOf(VARIANTS[name].algorithm);
      const d = makeDetector(name, 7);
      // LOF, OneClassSVM, OOV, rarity and IsolationForest learn from normal rows only.
      const normalOnly = ['isolation-forest', 'lof', 'one-class-svm', 'oov', 'rarity'].includes(
        VARIANTS[name].algorithm,
      );
      assert.equal(d.trainsOn, normalOnly ? 'normal' : 'all');
      const rows = trainingRows(d, x, labels);
      assert.equal(rows.x.nRows, normalOnly ? labels.filter((l) => l === 0).length : x.nRows);
      fitDetector(d, x, labels);
      const scores = d.score(x);
      assert.equal(scores.length, x.nRows);
      assert.ok(scores.every(Number.isFinite));
      const meanOf = (l: number) => {
        const v = [...scores].filter((_, i) => labels[i] === l);
        return v.reduce((a, b) => a + b, 0) / v.length;
      };
      assert.ok(meanOf(1) > meanOf(0), `${name}: anomalies score ${meanOf(1)} vs normals ${meanOf(0)}`);
      const again = loadDetector(JSON.parse(JSON.stringify(d.toJSON())));
      assert.deepEqual(again.score(x), scores);
    });
  }

  it('rejects unknown names and kinds', () => {
    assert.throws(() => makeDetector('event_nb_words' as never, 1), /unknown variant or algorithm 'event_nb_words'/);
    assert.throws(() => loadDetector({ kind: 'naive-bayes' }), /cannot load a detector of kind "naive-bayes"/);
  });
});
