/**
 * The bad-input corpus: wrong experiment files, flags and paths, each run through the real CLI.
 * Every case must end in a one-line `error:` naming what is wrong (and the right exit code), never a
 * stack trace, an `internal error` or a hang.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { type BundleInfo, writeBundle } from '../../harness/artifacts/index.ts';
import { openStore } from '../../harness/store/index.ts';
import { makeSplit } from '../../splits/index.ts';
import { benchCli, correctAndErrorRuns, line, tempDir, writeExperiment, writeTree } from '../helpers/fixtures.ts';

const { dir, cleanup } = tempDir('bad-input-');
after(cleanup);
const home = join(dir, 'home');
const bench = benchCli(home);
const TINY = "  dataset: { source: 'synthetic', preset: 'tiny' },";

interface BadInput {
  name: string;
  /** Arguments, after writing any files the case needs (paths under the case's folder). */
  args: () => string[];
  exit: 1 | 2;
  /** What the error line must say. */
  says: RegExp;
  /** Extra check after the run (e.g. nothing written). */
  check?: () => void;
  /** BENCH_HOME of the run. @default `home` */
  home?: string;
}

/** A one-run LO2 tree to score (bench score checks its folder before it loads the trial). */
const logs = join(dir, 'logs');
writeTree(logs, {
  'light-oauth2-data-1719592986/correct/light-oauth2-oauth2-token-1.log': `${line('10:00:00.000', 'a request')}\n`,
});

/** A database whose only trial failed. */
const failedDb = join(dir, 'failed.db');
before(async () => {
  const store = await openStore(failedDb);
  try {
    const meta = correctAndErrorRuns(6);
    const experimentId = await store.upsertExperiment({ name: 'broken', file: 'broken.ts', config: {} });
    const sweepId = await store.startSweep(experimentId, { gitSha: null, env: {} });
    const datasetId = await store.upsertDataset({
      hash: 'd'.repeat(32),
      source: 'test',
      nRuns: 6,
      nSequences: meta.length,
      nEvents: 0,
      options: {},
    });
    const splitId = await store.saveSplit(datasetId, makeSplit(meta, { seed: 1 }));
    const claim = await store.claimTrial(
      { sweepId, splitId, variant: 'event_lr_words', featureSet: 'words', seed: 1, params: {}, key: 'broken:1' },
      { failed: false },
    );
    await store.failTrial(claim.id, 'Error: boom\n    at fit');
  } finally {
    await store.close();
  }
});

/** A bundle folder (contents only need to be bytes: the sha256 check comes first), then `spoil` applied to it. */
const bundle = (name: string, spoil: (dir: string) => void) => () => {
  const b = join(dir, name);
  writeBundle(b, {
    info: { lo2Bench: 'test' } as BundleInfo,
    model: Buffer.from('{"kind":"logistic-regression"}'),
    space: '{}',
    threshold: { threshold: 0, chosenOn: 'val', rule: null },
  });
  spoil(b);
  return ['score', b, logs];
};

/** An SQLite file with tables and a user_version, in WAL mode (as a bench database is): what `spoil` damages. */
function sqliteFile(name: string, spoil: (path: string) => void, userVersion = 4): string {
  const path = join(dir, name);
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec(`CREATE TABLE experiments (id INTEGER PRIMARY KEY, name TEXT); CREATE TABLE sweeps (id INTEGER PRIMARY KEY);
    CREATE TABLE trials (id INTEGER PRIMARY KEY, x TEXT); INSERT INTO trials (x) VALUES ('${'x'.repeat(9000)}');`);
  db.pragma(`user_version = ${userVersion}`);
  db.close();
  spoil(path);
  return path;
}

/**
 * A case on a file that is not a bench database: `argv` gets its path; afterwards its bytes are
 * unchanged and no `-wal` or `-shm` file lies beside it (it was never switched to WAL or migrated).
 */
function untouched(make: () => string, argv: (path: string) => string[]): Pick<BadInput, 'args' | 'check'> {
  let path = '';
  let bytes: Buffer;
  return {
    args: () => {
      path = make();
      bytes = readFileSync(path);
      return argv(path);
    },
    check: () => {
      assert.ok(readFileSync(path).equals(bytes), `${path} changed`);
      for (const f of [`${path}-wal`, `${path}-shm`]) assert.equal(existsSync(f), false, `${f} appeared`);
    },
  };
}

/** A `--db` path nothing lies at; the check: still nothing there. */
const missingDb = (command: string[]): Pick<BadInput, 'args' | 'check' | 'says'> => {
  const path = join(dir, 'nowhere', `${command[0]}.db`);
  return {
    args: () => [...command, '--db', path],
    says: new RegExp(`no bench database at ${path}\\nhint: run \`bench run`),
    check: () => assert.equal(existsSync(join(dir, 'nowhere')), false, 'a folder or database was created'),
  };
};

const freshHome = join(dir, 'fresh-home');

const experiment = (name: string, fields: string) => () => [
  'run',
  writeExperiment(dir, name, fields),
  '--workers',
  '0',
];

/**
 * `bench data ingest` of a one-run tree: a good code log, and the token log's place taken by what
 * `spoil` puts at the path it is given.
 */
const badLog = (name: string, spoil: (tokenLog: string) => void) => () => {
  const root = join(dir, name);
  const caseDir = join(root, 'light-oauth2-data-1719592986', 'correct');
  writeTree(caseDir, { 'light-oauth2-oauth2-code-1.log': `${line('10:00:00.000', 'a request')}\n` });
  spoil(join(caseDir, 'light-oauth2-oauth2-token-1.log'));
  return ['data', 'ingest', root, '--workers', '0'];
};

const CASES: BadInput[] = [
  {
    name: 'experiment: a misspelt top-level key',
    args: experiment('seedz', `${TINY}\n  seedz: [1, 2],`),
    exit: 1,
    says: /seedz\.ts: seedz: unknown key — did you mean 'seeds'\?/,
  },
  {
    name: 'experiment: `variant` for `variants`',
    args: experiment('variant', `${TINY}\n  variant: ['event_lr_words'],`),
    exit: 1,
    says: /variant: unknown key — did you mean 'variants'\?/,
  },
  {
    name: 'experiment: `featureset` for `featureSets`',
    args: experiment('featureset', `${TINY}\n  featureset: ['words'],`),
    exit: 1,
    says: /featureset: unknown key — did you mean 'featureSets'\?/,
  },
  {
    name: 'experiment: a misspelt key inside the dataset',
    args: experiment('presett', "  dataset: { source: 'synthetic', presett: 'tiny' },"),
    exit: 1,
    says: /dataset\.presett: unknown key — did you mean 'preset'\?/,
  },
  {
    name: 'experiment: a syntax error keeps its line and column',
    args: () => {
      const file = join(dir, 'syntax.ts');
      writeFileSync(
        file,
        "export default {\n  name: 'syntax',\n  seeds: [1, 2,,\n  dataset: { source: 'synthetic' },\n};\n",
      );
      return ['run', file];
    },
    exit: 1,
    says: /syntax\.ts:4:\d+: syntax error: /,
  },
  {
    name: 'experiment: a seed listed twice',
    args: experiment('dupseeds', `${TINY}\n  seeds: [1, 2, 1],`),
    exit: 1,
    says: /seeds: seed 1 is listed twice/,
  },
  {
    name: "experiment: the name '..' cannot become a folder outside its own",
    args: () => {
      const file = join(dir, 'dotdot.ts');
      writeFileSync(file, `export default { name: '..', ${TINY.trim()} };\n`);
      return ['run', file];
    },
    exit: 1,
    says: /name: "\.\." cannot name an experiment/,
  },
  {
    name: 'experiment: a name with a path separator',
    args: () => {
      const file = join(dir, 'slash.ts');
      writeFileSync(file, `export default { name: '../../etc', ${TINY.trim()} };\n`);
      return ['run', file];
    },
    exit: 1,
    says: /cannot name an experiment/,
  },
  {
    name: '--workers far above the machine',
    args: () => ['run', 'experiments/quickstart.ts', '--workers', '200'],
    exit: 2,
    says: /--workers 200 is more than this machine can use/,
  },
  {
    name: '--workers 100000 on data ingest',
    args: () => ['data', 'ingest', dir, '--workers', '100000'],
    exit: 2,
    says: /--workers 100000 is more than this machine can use/,
  },
  {
    name: 'data synth --out on a file',
    args: () => {
      const file = join(dir, 'a-file');
      writeFileSync(file, 'not a folder\n');
      return ['data', 'synth', '--preset', 'tiny', '--out', file];
    },
    exit: 1,
    says: /cannot create synthetic tree folder .*a-file is a file, not a folder/,
  },
  {
    name: 'data synth --out under /proc (no endless mkdir loop)',
    args: () => ['data', 'synth', '--preset', 'tiny', '--out', '/proc/lo2-bench-x/tree'],
    exit: 1,
    says: /cannot create synthetic tree folder \/proc\/lo2-bench-x\/tree/,
  },
  {
    name: 'score: a trial that is not in the database',
    args: () => ['score', '99', logs, '--db', failedDb],
    exit: 2,
    says: /trial 99 is not in the database/,
  },
  {
    name: 'score: a trial that failed',
    args: () => ['score', '1', logs, '--db', failedDb],
    exit: 1,
    says: /trial 1 is failed, not done: it has no model: Error: boom$/m,
  },
  {
    name: 'score: a folder without LO2 runs',
    args: () => {
      const empty = join(dir, 'no-runs');
      mkdirSync(join(empty, 'not-a-run'), { recursive: true });
      return ['score', '1', empty];
    },
    exit: 1,
    says: /no LO2 runs found under .*no-runs/,
  },
  {
    name: 'score: neither a trial id nor a bundle folder',
    args: () => ['score', join(dir, 'no-such-bundle'), logs],
    exit: 2,
    says: /'.*no-such-bundle' is neither a trial id nor a bundle folder/,
  },
  {
    name: 'score: a bundle with a file missing',
    args: bundle('bundle-missing', (b) => rmSync(join(b, 'threshold.json'))),
    exit: 1,
    says: /bundle .*bundle-missing: threshold\.json is missing/,
  },
  {
    name: 'score: a bundle with an altered file',
    args: bundle('bundle-altered', (b) => writeFileSync(join(b, 'model.json'), '{"kind":"random-forest"}')),
    exit: 1,
    says: /bundle .*bundle-altered: model\.json changed since it was exported \(sha256 differs\)/,
  },
  ...(['ls', 'show 1', 'board', 'report', 'compare 1 2', 'export 1', 'rm --experiment x'] as const).map(
    (command): BadInput => ({
      name: `${command} --db on a missing path: no database is created`,
      exit: 1,
      ...missingDb(command.split(' ')),
    }),
  ),
  {
    name: 'ls in a fresh BENCH_HOME: the same answer, nothing created',
    home: freshHome,
    args: () => ['ls'],
    exit: 1,
    says: /no bench database at .*fresh-home\/bench\.db/,
    check: () => assert.equal(existsSync(freshHome), false),
  },
  {
    name: 'ls --db on a text file',
    exit: 1,
    says: /notes\.txt is not a bench database: not an SQLite file\nhint: the file was left untouched/,
    ...untouched(
      () => {
        const path = join(dir, 'notes.txt');
        writeFileSync(path, 'not a database\n'.repeat(50));
        return path;
      },
      (path) => ['ls', '--db', path],
    ),
  },
  {
    name: 'board --db on an SQLite file with random bytes after its header',
    exit: 1,
    says: /random\.db is not a bench database: (a corrupt SQLite file|not an SQLite database)/,
    ...untouched(
      () =>
        sqliteFile('random.db', (path) => {
          const bytes = readFileSync(path);
          randomBytes(bytes.length - 100).copy(bytes, 100);
          writeFileSync(path, bytes);
        }),
      (path) => ['board', '--db', path],
    ),
  },
  {
    name: 'show --db on a truncated SQLite file',
    exit: 1,
    says: /truncated\.db is not a bench database: a truncated SQLite file/,
    ...untouched(
      () => sqliteFile('truncated.db', (path) => truncateSync(path, 4096)),
      (path) => ['show', '1', '--db', path],
    ),
  },
  {
    name: "report --db on another program's SQLite database",
    exit: 1,
    says: /foreign\.db is not a bench database: an SQLite database of something else \(user_version 0, tables customers\)/,
    ...untouched(
      () => {
        const path = join(dir, 'foreign.db');
        const db = new Database(path);
        db.exec('CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)');
        db.close();
        return path;
      },
      (path) => ['report', '--db', path],
    ),
  },
  {
    name: 'run --db on a corrupt file: a writing command does not take it over either',
    exit: 1,
    says: /run-corrupt\.db is not a bench database/,
    ...untouched(
      () => sqliteFile('run-corrupt.db', (path) => truncateSync(path, 5000)),
      (path) => ['run', writeExperiment(dir, 'onfile', TINY), '--db', path],
    ),
  },
  {
    name: 'run --tag without a value',
    args: () => ['run', 'experiments/quickstart.ts', '--tag', 'baseline'],
    exit: 2,
    says: /run: --tag 'baseline' is not key=value/,
  },
  {
    name: 'run --tag with a space in its key',
    args: () => ['run', 'experiments/quickstart.ts', '--tag', 'my tag=1'],
    exit: 2,
    says: /run: --tag 'my tag=1' is not key=value/,
  },
  {
    name: 'run --tag: one key twice',
    args: () => ['run', 'experiments/quickstart.ts', '--tag', 'k=1', '--tag', 'k=2'],
    exit: 2,
    says: /run: --tag k is given twice/,
  },
  {
    name: 'ls --tag =v',
    args: () => ['ls', '--tag', '=v'],
    exit: 2,
    says: /ls: --tag '=v' is not key=value/,
  },
  {
    name: 'rm without a target',
    args: () => ['rm', '--dry-run'],
    exit: 2,
    says: /rm: give one of --experiment NAME or --sweep ID/,
  },
  {
    name: 'rm --sweep that is not an id',
    args: () => ['rm', '--sweep', 'latest'],
    exit: 2,
    says: /rm: expected a sweep id \(a positive integer\), got 'latest'/,
  },
  {
    name: 'board --format xml',
    args: () => ['board', '--format', 'xml'],
    exit: 2,
    says: /board: --format must be one of table, csv, json \(got 'xml'\)/,
  },
  {
    name: 'data ingest: a FIFO in place of a log file (refused unopened, no hang)',
    args: badLog('fifo', (log) => assert.equal(spawnSync('mkfifo', [log]).status, 0, 'mkfifo')),
    exit: 1,
    says: /1 log file could not be read: .*light-oauth2-oauth2-token-1\.log: not a regular file \(a FIFO\)$/m,
  },
  {
    name: 'data ingest: a small .gz that expands past the bound (gzip bomb)',
    args: badLog('bomb', (log) => writeFileSync(`${log}.gz`, gzipSync(Buffer.alloc(70e6)))),
    exit: 1,
    says: /light-oauth2-oauth2-token-1\.log\.gz: expands past 64 MB \(gzip bomb\?\)/,
  },
  {
    name: 'data ingest: a truncated .gz',
    args: badLog('truncated-gz', (log) =>
      writeFileSync(`${log}.gz`, gzipSync(line('10:00:00.000', 'x')).subarray(0, 20)),
    ),
    exit: 1,
    says: /light-oauth2-oauth2-token-1\.log\.gz: not a valid gzip file .*\n.*hint: fix or remove them, or pass --on-bad-file skip/,
  },
  {
    name: 'run: a log file that cannot be read stops the sweep, naming it',
    args: () => {
      const root = badLog('run-truncated-gz', (log) =>
        writeFileSync(`${log}.gz`, gzipSync(line('10:00:00.000', 'x')).subarray(0, 20)),
      )()[2]!;
      const file = writeExperiment(dir, 'bad-file-run', `  dataset: { source: 'lo2', path: ${JSON.stringify(root)} },`);
      return ['run', file, '--workers', '0'];
    },
    exit: 1,
    says: /1 log file could not be read: .*token-1\.log\.gz: not a valid gzip file.*\n.*hint: fix or remove them, or set `ingest: \{ onBadFile: 'skip' \}`/,
  },
  {
    name: "run: with ingest.onBadFile 'skip' the bad file is passed over (and the tree, without runs to use, then cannot be split)",
    args: () => {
      const root = badLog('run-skip-gz', (log) =>
        writeFileSync(`${log}.gz`, gzipSync(line('10:00:00.000', 'x')).subarray(0, 20)),
      )()[2]!;
      const file = writeExperiment(
        dir,
        'skip-file-run',
        `  dataset: { source: 'lo2', path: ${JSON.stringify(root)} },\n  ingest: { onBadFile: 'skip' },`,
      );
      return ['run', file, '--workers', '0'];
    },
    exit: 1,
    says: /cannot split \d+ run\(s\) into train, validation and test/,
  },
  {
    name: 'data ingest: a directory named like a log',
    args: badLog('log-dir', (log) => mkdirSync(log)),
    exit: 1,
    says: /light-oauth2-oauth2-token-1\.log: is a directory, expected a log file/,
  },
  {
    name: 'data ingest: no runs, only a dangling symlink and a log of an unknown service (the hint names them)',
    args: () => {
      const caseDir = join(dir, 'no-logs', 'light-oauth2-data-1719592986', 'correct');
      writeTree(caseDir, { 'light-oauth2-oauth2-foo-1.log': `${line('10:00:00.000', 'x')}\n` });
      symlinkSync(join(dir, 'nowhere.log'), join(caseDir, 'light-oauth2-oauth2-token-1.log'));
      return ['data', 'ingest', join(dir, 'no-logs')];
    },
    exit: 1,
    says: /no LO2 runs found under .*no-logs\nhint: .*not used: (?=.*1 × dangling symlink)(?=.*1 × log of an unknown service)/,
  },
  {
    name: 'data ingest: --on-bad-file with an unknown choice',
    args: () => ['data', 'ingest', dir, '--on-bad-file', 'sometimes'],
    exit: 2,
    says: /--on-bad-file must be one of fail, skip \(got 'sometimes'\)/,
  },
  {
    name: 'experiment: ingest.onBadFile with an unknown choice',
    args: experiment('onbadfile', `${TINY}\n  ingest: { onBadFile: 'sometimes' },`),
    exit: 1,
    says: /ingest\.onBadFile: must be one of 'fail', 'skip' \(got "sometimes"\)/,
  },
  {
    name: 'experiment: a misspelt key inside ingest',
    args: experiment('onbadfiles', `${TINY}\n  ingest: { onBadFiles: 'skip' },`),
    exit: 1,
    says: /ingest\.onBadFiles: unknown key — did you mean 'onBadFile'\?/,
  },
];

describe('bad input ends in a clear one-line error', () => {
  for (const c of CASES) {
    test(c.name, () => {
      const r = (c.home === undefined ? bench : benchCli(c.home))(...c.args());
      const err = r.stderr;
      assert.equal(r.status, c.exit, `exit ${r.status}, stderr:\n${err}`);
      assert.match(err, c.says);
      assert.match(err, /^error: /m);
      assert.doesNotMatch(err, /internal error|\n\s+at .+:\d+:\d+\)?\n/, `a stack trace or internal error:\n${err}`);
      c.check?.();
    });
  }
});
