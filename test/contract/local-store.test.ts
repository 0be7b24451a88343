// The store contract (certificate-store.contract.ts) against the embedded local store, in a
// fresh temporary directory per test.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createLocalStore } from '../../provider/adapters/local-store';
import { certificateStoreContract } from './certificate-store.contract';

certificateStoreContract('local store', async () => ({
  // Small scrypt parameters: the contract is about labels and rules, not key derivation cost.
  store: createLocalStore({ directory: join(mkdtempSync(join(tmpdir(), 'sfb-contract-')), 'store'), passphrase: 'contract-passphrase-51c2', scryptParams: { N: 1024, r: 8, p: 1 } }),
  firstVersionIsAlwaysCurrent: false,
}));
