/**
 * A trial whose feature space cannot be built on its split (vectorizer options this split's training
 * sequences cannot meet) fails alone, as a fit's error would: the other trials run, the sweep ends
 * `failed`, and the error says what failed. Real SQLite files, inline and in worker threads.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { parseExperiment } from '../../harness/experiment/index.ts';
import { openStore } from '../../harness/store/index.ts';
import { runSweep } from '../../harness/sweep/index.ts';
import { tempDir } from '../helpers/fixtures.ts';

const experiment = parseExperiment(
  {
    name: 'clash',
    dataset: { source: 'synthetic', preset: 'tiny', runs: 12, seed: 2 },
    ingest: { trimLines: 0 },
    seeds: [1],
    variants: [
      'event_rarity_words',
      // Each option is valid; together they ask for a word in at least half the training sequences
      // and in at most 2 of them, which no vocabulary of this split meets.
      { name: 'lr_df_clash', from: 'event_lr_words', vectorizer: { minDf: 0.5, maxDf: 2 } },
      'event_lr_words',
    ],
    explain: false,
    throughput: false,
  },
  'clash.ts',
);

function storedErrors(db: string): Record<string, string | null> {
  const d = new Database(db, { readonly: true });
  try {
    const rows = d.prepare('SELECT variant, status, error FROM trials ORDER BY id').all() as {
      variant: string;
      status: string;
      error: string | null;
    }[];
    return Object.fromEntries(rows.map((r) => [`${r.variant} ${r.status}`, r.error?.split('\n')[0] ?? null]));
  } finally {
    d.close();
  }
}

describe('a trial whose feature space cannot be built', () => {
  const { dir, cleanup } = tempDir();
  after(cleanup);
  const cacheDir = join(dir, 'cache');

  for (const workers of [0, 2]) {
    it(`fails alone; the other trials run and the sweep ends failed (workers: ${workers})`, async () => {
      const db = join(dir, `w${workers}`, 'bench.db');
      const store = await openStore(db);
      try {
        const run = (retryFailed: boolean) =>
          runSweep('clash.ts', experiment, {
            store,
            cacheDir,
            artifactsDir: join(dir, `w${workers}`, 'artifacts'),
            workers,
            retryFailed,
          });
        const first = await run(false);
        assert.equal(first.status, 'failed');
        const states = Object.fromEntries(first.outcomes.map((o) => [o.trial.variant, o.state]));
        assert.deepEqual(states, { event_rarity_words: 'done', lr_df_clash: 'failed', event_lr_words: 'done' });
        const failed = first.outcomes.find((o) => o.state === 'failed');
        assert.ok(failed?.state === 'failed');
        assert.match(failed.error, /^feature set words: .*maxDf 2 keeps fewer training sequences than minDf 0\.5/);

        const errors = storedErrors(db);
        assert.match(errors['lr_df_clash failed'] ?? '', /maxDf 2 keeps fewer training sequences than minDf 0\.5/);
        assert.equal(errors['event_rarity_words done'], null);
        assert.equal(errors['event_lr_words done'], null);

        // Deterministic: run again, the failed trial fails the same way; the done ones are kept.
        const again = await run(true);
        assert.deepEqual(again.outcomes.map((o) => `${o.trial.variant} ${o.state}`).sort(), [
          'event_lr_words skipped',
          'event_rarity_words skipped',
          'lr_df_clash failed',
        ]);
      } finally {
        await store.close();
      }
    });
  }
});
