/**
 * Trial files' paths as both stores record them: relative to the store's folder (with `/`) when
 * the file lies under it, absolute otherwise, and read back under the folder where it is now.
 */
import assert from 'node:assert/strict';
import { join, resolve, sep } from 'node:path';
import { describe, it } from 'node:test';
import { storedArtifact, withResolvedArtifacts } from '../../harness/store/artifact-paths.ts';

const root = resolve('/srv/bench-home');
const artifact = (path: string) => ({ kind: 'model', path, sha256: 'ab12' });

describe('artifact paths', () => {
  it('stores a file under the root by its path relative to it, with /', () => {
    assert.deepEqual(
      storedArtifact(root, artifact(join(root, 'artifacts', '7', 'model.json'))),
      artifact('artifacts/7/model.json'),
    );
  });

  it('keeps a file outside the root, the root itself and a sibling folder with its prefix absolute', () => {
    for (const path of [resolve('/elsewhere/model.json'), root, `${root}-other${sep}model.json`]) {
      assert.deepEqual(storedArtifact(root, artifact(path)), artifact(path));
    }
  });

  it('without a root (an in-memory database), every path as given', () => {
    assert.deepEqual(storedArtifact(null, artifact('relative/model.json')), artifact('relative/model.json'));
    const t = { id: 1, artifacts: [artifact('relative/model.json')] };
    assert.deepEqual(withResolvedArtifacts(null, t), t);
  });

  it('reads a stored relative path under the root as it is now, an absolute one as is', () => {
    const moved = resolve('/mnt/moved-home');
    const t = { id: 3, artifacts: [artifact('artifacts/7/model.json'), artifact(resolve('/elsewhere/p.parquet'))] };
    assert.deepEqual(withResolvedArtifacts(moved, t), {
      id: 3,
      artifacts: [artifact(join(moved, 'artifacts', '7', 'model.json')), artifact(resolve('/elsewhere/p.parquet'))],
    });
  });
});
