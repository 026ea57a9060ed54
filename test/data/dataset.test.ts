import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { materializeDataset } from '../../harness/data/dataset.ts';
import { tempDir } from '../helpers/fixtures.ts';

describe('materializeDataset', () => {
  const { dir, cleanup } = tempDir();
  after(cleanup);
  const cacheDir = join(dir, 'cache');

  it('generates a synthetic tree into the cache once, then reuses it', async () => {
    const first = await materializeDataset({ source: 'synthetic', preset: 'tiny', seed: 3 }, { cacheDir });
    assert.equal(first.generated, true);
    assert.equal(first.synth?.runs, 6);
    assert.equal(readdirSync(first.root).filter((n) => n.startsWith('oauth2_logs_LO2_run_')).length, 6);
    const again = await materializeDataset({ source: 'synthetic', preset: 'tiny', seed: 3 }, { cacheDir });
    assert.equal(again.generated, false);
    assert.equal(again.root, first.root);
    const other = await materializeDataset({ source: 'synthetic', preset: 'tiny', seed: 4 }, { cacheDir });
    assert.notEqual(other.root, first.root);
  });

  it('passes a real tree through and names a missing folder', async () => {
    const real = await materializeDataset({ source: 'lo2', path: dir }, { cacheDir });
    assert.deepEqual(real, { root: dir, generated: false });
    await assert.rejects(
      materializeDataset({ source: 'lo2', path: join(dir, 'nope') }, { cacheDir }),
      /dataset folder not found: .*nope/,
    );
  });

  it('rejects bad synthetic options naming the option', async () => {
    await assert.rejects(
      materializeDataset({ source: 'synthetic', preset: 'huge' as never }, { cacheDir }),
      /preset must be one of tiny, standard, large \(got 'huge'\)/,
    );
  });
});
