/** The Store contract over SqliteStore, each test on a fresh database file. */
import { join } from 'node:path';
import { SqliteStore } from '../../harness/store/index.ts';
import { tempDir } from '../helpers/fixtures.ts';
import { storeContract } from './contract.ts';

storeContract('SqliteStore', async () => {
  const { dir, cleanup } = tempDir('lo2-bench-store-');
  const path = join(dir, 'bench.db');
  const store = await SqliteStore.open(path);
  return {
    store,
    // Another host's process: its trials count as live whatever its pid.
    another: () => SqliteStore.open(path, { owner: 'contract-peer.invalid:1' }),
    cleanup: async () => {
      await store.close();
      cleanup();
    },
  };
});
