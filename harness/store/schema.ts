/**
 * The SQLite schema: the tables and columns DESIGN.md promises to users' SQL, versioned with
 * `PRAGMA user_version`. Migrations are applied in order inside one transaction each.
 */

/** Migration i brings the database from user_version i to i + 1. */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE experiments (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    file TEXT,
    created_at TEXT NOT NULL,
    config_json TEXT NOT NULL
  );
  CREATE TABLE sweeps (
    id INTEGER PRIMARY KEY,
    experiment_id INTEGER NOT NULL REFERENCES experiments(id),
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed', 'interrupted')),
    git_sha TEXT,
    env_json TEXT
  );
  CREATE TABLE datasets (
    id INTEGER PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    n_runs INTEGER NOT NULL,
    n_sequences INTEGER NOT NULL,
    n_events INTEGER NOT NULL,
    options_json TEXT NOT NULL
  );
  CREATE TABLE splits (
    id INTEGER PRIMARY KEY,
    dataset_id INTEGER NOT NULL REFERENCES datasets(id),
    seed INTEGER NOT NULL,
    strategy TEXT NOT NULL,
    manifest_hash TEXT NOT NULL,
    manifest_json TEXT NOT NULL,
    UNIQUE (dataset_id, manifest_hash)
  );
  -- One row per (split, run): the primary key is what proves no run sits in two parts.
  CREATE TABLE split_members (
    split_id INTEGER NOT NULL REFERENCES splits(id) ON DELETE CASCADE,
    run TEXT NOT NULL,
    part TEXT NOT NULL CHECK (part IN ('train', 'val', 'test')),
    PRIMARY KEY (split_id, run)
  );
  CREATE TABLE leakage_audits (
    split_id INTEGER NOT NULL REFERENCES splits(id) ON DELETE CASCADE,
    feature_set TEXT NOT NULL,
    audit_json TEXT NOT NULL,
    PRIMARY KEY (split_id, feature_set)
  );
  CREATE TABLE trials (
    id INTEGER PRIMARY KEY,
    sweep_id INTEGER NOT NULL REFERENCES sweeps(id),
    split_id INTEGER NOT NULL REFERENCES splits(id),
    variant TEXT NOT NULL,
    feature_set TEXT NOT NULL,
    seed INTEGER NOT NULL,
    params_json TEXT NOT NULL,
    key TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed')),
    error TEXT,
    started_at TEXT,
    finished_at TEXT
  );
  CREATE TABLE metrics (
    trial_id INTEGER NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
    part TEXT NOT NULL CHECK (part IN ('train', 'val', 'test')),
    name TEXT NOT NULL,
    value REAL,
    slice TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (trial_id, part, name, slice)
  );
  CREATE TABLE timings (
    trial_id INTEGER NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
    stage TEXT NOT NULL,
    wall_ms REAL NOT NULL,
    cpu_ms REAL,
    peak_rss_mb REAL,
    PRIMARY KEY (trial_id, stage)
  );
  CREATE TABLE artifacts (
    trial_id INTEGER NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    PRIMARY KEY (trial_id, kind, path)
  );
  `,
  `
  -- 2: which process runs a trial (two live bench processes never run the same trial), and the
  -- inference throughput of each trial's model, measured with tinybench.
  ALTER TABLE trials ADD COLUMN owner TEXT;
  CREATE TABLE throughput (
    trial_id INTEGER PRIMARY KEY REFERENCES trials(id) ON DELETE CASCADE,
    rows INTEGER NOT NULL,
    mean_ms REAL NOT NULL,
    p99_ms REAL NOT NULL,
    rme REAL NOT NULL,
    samples INTEGER NOT NULL,
    sequences_per_s REAL
  );
  `,
  `
  -- 3: which experiments planned each trial. A trial is computed once (its key) but belongs to every
  -- experiment whose plan holds it; its sweep only says who computed it (or last reran it).
  CREATE TABLE experiment_trials (
    experiment_id INTEGER NOT NULL REFERENCES experiments(id),
    trial_id INTEGER NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
    PRIMARY KEY (experiment_id, trial_id)
  );
  CREATE INDEX experiment_trials_trial ON experiment_trials(trial_id);
  INSERT OR IGNORE INTO experiment_trials (experiment_id, trial_id)
    SELECT w.experiment_id, t.id FROM trials t JOIN sweeps w ON w.id = t.sweep_id;
  `,
  `
  -- 4: what a person says about a sweep (\`bench run --note --tag k=v\`), and which process runs it
  -- (\`bench rm\` refuses to remove a sweep a live process is still running).
  ALTER TABLE sweeps ADD COLUMN note TEXT;
  ALTER TABLE sweeps ADD COLUMN owner TEXT;
  CREATE TABLE sweep_tags (
    sweep_id INTEGER NOT NULL REFERENCES sweeps(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (sweep_id, key)
  );
  CREATE INDEX sweep_tags_key ON sweep_tags(key, value);
  `,
  `
  -- 5: which process (host:pid) ran each finished trial: \`owner\` is cleared when a trial ends, and a
  -- trial a queue worker retried after another worker died was run by the second one.
  ALTER TABLE trials ADD COLUMN worker TEXT;
  `,
  `
  -- 6: why a sweep failed on its main thread (a full disk, the store, the progress display): a
  -- trial's own failure is that trial's \`error\`.
  ALTER TABLE sweeps ADD COLUMN error TEXT;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
