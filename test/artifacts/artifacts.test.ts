/**
 * A trial's files through harness/artifacts: each writer's exact bytes (the formats users and
 * scripts read), each reader giving back what was written, and the sha256 guard on every read.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type ArtifactRow,
  exportPredictions,
  type NearestNormalRow,
  parseCsvLine,
  readArtifact,
  readFalsePositives,
  readModel,
  readNearestNormal,
  readPredictions,
  readShapPoints,
  readShapSummary,
  rowsOf,
  writeFalsePositives,
  writeModel,
  writeNearestNormal,
  writePredictions,
  writeShap,
} from '../../harness/artifacts/index.ts';
import { BenchError } from '../../harness/errors/index.ts';
import {
  ALGORITHM_NAMES,
  ALGORITHMS,
  csrFromDense,
  fitDetector,
  makeDetector,
  shapUnit,
  shapUnitOfKind,
} from '../../models/index.ts';
import { tempDir } from '../helpers/fixtures.ts';

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

let tmp: { dir: string; cleanup: () => void };
before(() => {
  tmp = tempDir('lo2-artifacts-');
});
after(() => tmp.cleanup());

/** A fresh trial folder per test. */
let trials = 0;
const trialDir = () => join(tmp.dir, `trial-${++trials}`);

function part(prefix: string, labels: number[], scores: number[]) {
  return {
    seqIds: labels.map((_, i) => `${prefix}${i}`),
    runs: labels.map((_, i) => `run-${i % 2}`),
    testCases: labels.map((l) => (l ? 'error-case' : 'correct')),
    services: labels.map(() => 'client'),
    labels: Uint8Array.from(labels),
    scores: Float64Array.from(scores),
  };
}

describe('every written file', () => {
  it('is registered with its kind, path and the sha256 of its bytes, and leaves no temporary file', () => {
    const dir = trialDir();
    const rows: ArtifactRow[] = [
      writePredictions(
        dir,
        { train: part('a', [0], [0.1]), val: part('b', [1], [0.9]), test: part('c', [0], [0.2]) },
        0.5,
      ),
      writeFalsePositives(dir, 0.5, []),
    ];
    for (const r of rows) {
      assert.equal(r.sha256, sha256(r.path));
      assert.ok(r.path.startsWith(dir));
    }
    assert.deepEqual(
      rows.map((r) => r.kind),
      ['predictions', 'false-positives'],
    );
    assert.deepEqual(readdirSync(dir).sort(), ['false-positives.csv', 'predictions.arrow']);
  });

  it('is read only while its bytes are the ones the trial wrote', () => {
    const dir = trialDir();
    const a = writeFalsePositives(dir, 0.5, []);
    assert.equal(readArtifact(a).toString('utf8'), 'seq_id,score,threshold,top_features,unique_templates\n');
    writeFileSync(a.path, 'seq_id\n');
    assert.throws(
      () => readFalsePositives(a),
      (e: unknown) => e instanceof BenchError && /changed since the trial wrote it/.test(e.message),
    );
    assert.throws(
      () => readArtifact({ ...a, path: join(dir, 'gone.csv') }),
      (e: unknown) => e instanceof BenchError && /cannot read false-positives/.test(e.message),
    );
  });
});

describe('predictions.arrow', () => {
  const parts = {
    train: part('tr', [0, 0, 1], [0.1, 0.2, 0.8]),
    val: part('va', [0, 1], [0.3, 0.6]),
    test: part('te', [1, 0, 0], [0.7, 0.55, Number.NaN]),
  };

  it('reads back every sequence in part order, decided at the threshold', () => {
    const a = writePredictions(trialDir(), parts, 0.5);
    assert.equal(a.kind, 'predictions');
    assert.match(a.path, /predictions\.arrow$/);
    const p = readPredictions(a);
    assert.deepEqual(p.seqId, ['tr0', 'tr1', 'tr2', 'va0', 'va1', 'te0', 'te1', 'te2']);
    assert.deepEqual(p.part, ['train', 'train', 'train', 'val', 'val', 'test', 'test', 'test']);
    assert.deepEqual([...p.anomaly], [0, 0, 1, 0, 1, 1, 0, 0]);
    assert.deepEqual([...p.predicted], [0, 0, 1, 0, 1, 1, 1, 0]);
    assert.deepEqual(p.run.slice(5), ['run-0', 'run-1', 'run-0']);
    assert.deepEqual(p.testCase.slice(0, 3), ['correct', 'correct', 'error-case']);
    assert.deepEqual(p.service, new Array(8).fill('client'));
    assert.ok(Number.isNaN(p.score[7]));
    assert.deepEqual(rowsOf(p, 'test'), [5, 6, 7]);
  });

  it('writes the same bytes for the same predictions, whatever the process wrote before', () => {
    const first = writePredictions(trialDir(), parts, 0.5);
    // Other tables in between: apache-arrow numbers string dictionaries by a process-wide counter.
    for (let k = 0; k < 3; k++) writePredictions(trialDir(), { ...parts, test: part('x', [1], [0.9]) }, 0.2);
    const again = writePredictions(trialDir(), parts, 0.5);
    assert.equal(again.sha256, first.sha256);
    assert.deepEqual(readFileSync(again.path), readFileSync(first.path));
  });

  it('exports as the Arrow file itself, Parquet, or CSV with its columns and rows', () => {
    const a = writePredictions(trialDir(), parts, 0.5);
    const out = join(tmp.dir, 'export');
    mkdirSync(out, { recursive: true });
    assert.equal(exportPredictions(a, 'arrow', out), 'predictions.arrow');
    assert.equal(sha256(join(out, 'predictions.arrow')), a.sha256);
    assert.equal(exportPredictions(a, 'parquet', out), 'predictions.parquet');
    const parquet = readFileSync(join(out, 'predictions.parquet'));
    assert.equal(parquet.subarray(0, 4).toString('latin1'), 'PAR1');
    assert.equal(exportPredictions(a, 'csv', out), 'predictions.csv');
    const csv = readFileSync(join(out, 'predictions.csv'), 'utf8').split('\n');
    assert.equal(csv[0], 'seq_id,part,run,test_case,service,anomaly,score,predicted');
    assert.equal(csv[1], 'tr0,train,run-0,correct,client,0,0.1,0');
    assert.equal(csv[8], 'te2,test,run-0,correct,client,0,NaN,0');
    assert.equal(csv.length, 10);
    assert.equal(csv[9], '');
  });
});

describe('model.json', () => {
  it('restores a detector that scores as the fitted one', () => {
    const x = csrFromDense([
      [1, 0, 2],
      [0, 1, 0],
      [3, 0, 1],
      [0, 2, 0],
      [1, 1, 1],
      [0, 0, 1],
    ]);
    const labels = Uint8Array.from([1, 0, 1, 0, 1, 0]);
    const detector = makeDetector('event_lr_words', 1);
    fitDetector(detector, x, labels);
    const a = writeModel(trialDir(), detector);
    assert.equal(a.kind, 'model');
    assert.equal(readFileSync(a.path, 'utf8'), JSON.stringify(detector.toJSON()));
    assert.deepEqual([...readModel(a).score(x)], [...detector.score(x)]);
  });
});

describe('SHAP files', () => {
  const shap = {
    method: 'linear',
    explained: 2,
    skipped: 1,
    testRows: 5,
    ranked: [
      { feature: 'status,500', meanAbs: 0.75, mean: -0.25 },
      { feature: 'token "x"', meanAbs: 0.5, mean: 0.5 },
      { feature: 'rare', meanAbs: 0.125, mean: 0.125 },
    ],
    top: [
      {
        feature: 'status,500',
        points: [
          { shap: -1, value: 1 },
          { shap: 0.5, value: 0 },
        ],
      },
      {
        feature: 'token "x"',
        points: [
          { shap: 0.5, value: 2 },
          { shap: 0.5, value: 2 },
        ],
      },
    ],
  };

  it('writes the summary CSV, the points JSON and both charts, in that order', () => {
    const rows = writeShap(trialDir(), shap, 2);
    assert.deepEqual(
      rows.map((r) => [r.kind, r.path.split('/').pop()]),
      [
        ['shap', 'shap.csv'],
        ['shap-points', 'shap-points.json'],
        ['shap-bar-chart', 'shap-bar.svg'],
        ['shap-summary-plot', 'shap-summary.svg'],
      ],
    );
    assert.equal(
      readFileSync(rows[0]!.path, 'utf8'),
      'feature,mean_abs,mean\n"status,500",0.75,-0.25\n"token ""x""",0.5,0.5\nrare,0.125,0.125\n',
    );
    assert.equal(
      readFileSync(rows[1]!.path, 'utf8'),
      '{"method":"linear","explained":2,"skipped":1,"testRows":5,"features":[' +
        '{"feature":"status,500","points":[{"shap":-1,"value":1},{"shap":0.5,"value":0}]},' +
        '{"feature":"token \\"x\\"","points":[{"shap":0.5,"value":2},{"shap":0.5,"value":2}]}]}',
    );
    const bar = readFileSync(rows[2]!.path, 'utf8');
    assert.match(bar, /^<svg/);
    assert.match(bar, /mean \|SHAP\| \(linear, 2 test sequences\)/);
    assert.equal((bar.match(/class="bar"/g) ?? []).length, 2, 'topK bars');
    assert.match(readFileSync(rows[3]!.path, 'utf8'), /SHAP per sequence \(linear\)/);
  });

  it("labels both charts' value axes with the unit of the model's output", () => {
    const rows = writeShap(trialDir(), shap, 2, 'log-odds');
    assert.match(readFileSync(rows[2]!.path, 'utf8'), /mean \|SHAP value\| \(log-odds\)/);
    assert.match(readFileSync(rows[3]!.path, 'utf8'), /SHAP value \(log-odds; impact on anomaly score\)/);
  });

  it('names the unit of each detector kind, aliases included', () => {
    assert.equal(shapUnitOfKind('logistic-regression').unit, 'log-odds');
    assert.equal(shapUnitOfKind('local-outlier-factor').unit, 'LOF');
    assert.equal(shapUnitOfKind('token-rarity').unit, 'rarity score');
    for (const a of ALGORITHM_NAMES) assert.notEqual(shapUnit(a).unit, 'score units', `${a} has a unit`);
    for (const a of ALGORITHM_NAMES) {
      const kind = ALGORITHMS[a].kind;
      assert.equal(shapUnitOfKind(kind), shapUnit(a), `${kind} → ${a}`);
    }
  });

  it('reads back the ranked features and the points document', () => {
    const [summary, points] = writeShap(trialDir(), shap, 2);
    assert.deepEqual(readShapSummary(summary!), shap.ranked);
    assert.deepEqual(readShapPoints(points!), {
      method: 'linear',
      explained: 2,
      skipped: 1,
      testRows: 5,
      features: shap.top,
    });
  });
});

describe('nearest-normal.json', () => {
  const row: NearestNormalRow = {
    seqId: 's1',
    anomaly: true,
    flagged: false,
    score: 0.25,
    neighbour: 'n7',
    similarity: 0.5,
    featuresOnlyInSequence: [{ feature: 'error', value: 2 }],
    featuresOnlyInNeighbour: [],
    templates: { onlyInSequence: ['Error <*>'], onlyInNeighbour: [] },
  };

  it('has its fields in the file order whatever order the caller built them in', () => {
    const shuffled = Object.fromEntries(Object.entries(row).reverse()) as unknown as NearestNormalRow;
    const a = writeNearestNormal(trialDir(), {
      rows: [shuffled, { ...row, seqId: 's2', score: Number.NaN, neighbour: null, similarity: null, templates: null }],
      threshold: 0.5,
      listed: 2,
      asked: 3,
    });
    assert.equal(a.kind, 'nearest-normal');
    assert.equal(
      readFileSync(a.path, 'utf8'),
      '{"asked":3,"listed":2,"threshold":0.5,"rows":[' +
        '{"seqId":"s1","anomaly":true,"flagged":false,"score":0.25,"neighbour":"n7","similarity":0.5,' +
        '"featuresOnlyInSequence":[{"feature":"error","value":2}],"featuresOnlyInNeighbour":[],' +
        '"templates":{"onlyInSequence":["Error <*>"],"onlyInNeighbour":[]}},' +
        '{"seqId":"s2","anomaly":true,"flagged":false,"score":null,"neighbour":null,"similarity":null,' +
        '"featuresOnlyInSequence":[{"feature":"error","value":2}],"featuresOnlyInNeighbour":[],"templates":null}]}',
    );
    const back = readNearestNormal(a);
    assert.deepEqual(back.rows[0], row);
    assert.equal(back.asked, 3);
  });
});

describe('false-positives.csv', () => {
  it('formats the top features and unique templates, and reads the cells back', () => {
    const a = writeFalsePositives(trialDir(), 0.5, [
      {
        seqId: 'q1',
        score: 0.9,
        topFeatures: [
          { feature: 'a,b', shap: 0.123456 },
          { feature: 'c', shap: 0.00001 },
        ],
        uniqueTemplates: ['T1 <*>', 'T2'],
      },
      { seqId: 'q2', score: 0.6, topFeatures: [], uniqueTemplates: [] },
    ]);
    assert.equal(a.kind, 'false-positives');
    const text = readFileSync(a.path, 'utf8');
    assert.equal(
      text,
      'seq_id,score,threshold,top_features,unique_templates\n' +
        'q1,0.9,0.5,"a,b (+0.123); c (+0.0000100)",T1 <*> | T2\n' +
        'q2,0.6,0.5,,\n',
    );
    assert.deepEqual(parseCsvLine(text.split('\n')[1]!), [
      'q1',
      '0.9',
      '0.5',
      'a,b (+0.123); c (+0.0000100)',
      'T1 <*> | T2',
    ]);
    assert.deepEqual(readFalsePositives(a), [
      {
        seqId: 'q1',
        score: 0.9,
        threshold: 0.5,
        topFeatures: 'a,b (+0.123); c (+0.0000100)',
        uniqueTemplates: 'T1 <*> | T2',
      },
      { seqId: 'q2', score: 0.6, threshold: 0.5, topFeatures: '', uniqueTemplates: '' },
    ]);
  });
});
