/**
 * The dynamic provider's behaviour, loaded by name from provider.ts (so only a few lines of
 * code are serialized into state): `check`/`diff` run offline (check.ts), the store operations
 * act (lifecycle.ts).
 */
export { check, checkInputs, diff, storeWarnings, versionIdFor, type CheckFailure, type CheckOutcome } from './check';
export { create, update, read, remove, openStore, RECOVERY_WINDOW_DAYS } from './lifecycle';
