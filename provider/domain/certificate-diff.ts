/**
 * Pulumi `diff` decided: which changes replace the resource (another secret or store), which
 * update it in place, from the state and the checked inputs, both read by
 * parseCertificateState. The shell resolves store directories (the program's directory is a fact
 * of the machine) and prints the warnings. Pure: no clock (`now` is given), no file system.
 */
import { AWS_STORE_KIND } from './aws-store-options';
import type { StoredState } from './certificate-state';
import { serversBehind } from './front-end-pool-plan';
import type { StoreSpec } from './resource-state';
import { sameStoreDirectory } from './store-location';
import { withoutTestClockPrefix } from './test-clock';
import { isDriftPlan } from './plan-lines';

/** The decision: the properties that replace and those that update in place. */
export interface CertificateDiff {
  readonly changes: boolean;
  readonly replaces: readonly string[];
  readonly updates: readonly string[];
}

/** What the decision needs of the machine. */
export interface DiffContext {
  readonly now: Date;
  /** The machine's platform: `c:\Sfb` and `C:\sfb` are one directory on Windows. */
  readonly platform: string;
  /** A store directory as an absolute path (relative ones: to the program's directory). */
  readonly resolveDirectory: (directory: string) => string;
}

type Key = keyof StoredState;

/** JSON with object keys sorted, so two specs compare equal whatever order state kept their keys in. */
function sortedJson(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

function isLocalDirectory(value: unknown): value is { directory: string } & Record<string, unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { directory?: unknown }).directory === 'string';
}

/** Decides the diff of `news` (checked inputs) against `state`. */
export function diffCertificate(state: StoredState, news: StoredState, context: DiffContext): CertificateDiff {
  // Compare store directories as resolved paths: `.sfb-store` and its absolute path are one store.
  // An AWS store is identified by its region: its endpoint, tags, KMS key, description and
  // deletion options change in place (a replace would create, then delete, the same secret).
  const comparable = (props: StoredState, key: Key): unknown => {
    const value = props[key];
    if (key !== 'store' || typeof value !== 'object' || value === null) return value ?? null;
    const spec = value as StoreSpec;
    if (spec.kind === AWS_STORE_KIND) return { kind: spec.kind, region: spec.region };
    return { ...spec, directory: typeof spec.directory === 'string' ? context.resolveDirectory(spec.directory) : spec.directory };
  };
  const same = (key: Key): boolean => {
    const before = comparable(state, key);
    const after = comparable(news, key);
    if (key === 'store' && isLocalDirectory(before) && isLocalDirectory(after)) {
      const { directory: beforeDirectory, ...beforeRest } = before;
      const { directory: afterDirectory, ...afterRest } = after;
      return sameStoreDirectory(beforeDirectory, afterDirectory, context.platform) && JSON.stringify(beforeRest) === JSON.stringify(afterRest);
    }
    return JSON.stringify(before) === JSON.stringify(after);
  };
  const replaces = (['secretName', 'store'] as const).filter((key) => !same(key));
  const awsOptionsChanged = !replaces.includes('store') && news.store?.kind === AWS_STORE_KIND && sortedJson(state.store) !== sortedJson(news.store);
  // A new PFX shows as a new versionId (its digest); the PFX and password are not in the outputs.
  const updates: string[] = (['versionId', 'sipDomain', 'effectiveDate', 'minKeyBits', 'warnBeforeExpiryDays', 'storePassphrase', 'poolPassword'] as const).filter((key) => !same(key));
  if (awsOptionsChanged) updates.push('store');
  // State written before owners were recorded has none: that is not a change of owner.
  if (state.owner !== undefined && !same('owner')) updates.push('owner');
  if ((state.adopt ?? false) !== (news.adopt ?? false)) updates.push('adopt');
  // A scheduled roll whose date has passed while the store still labels it pending: nothing in
  // the inputs changed, but an update must run to record the roll (move `current` onto it).
  if (typeof state.pendingThumbprint === 'string' && state.effectiveDate !== undefined && state.effectiveDate.getTime() <= context.now.getTime()) updates.push('pendingThumbprint');
  // The Front End pool: another pool, or servers that (at the last refresh or up) did not
  // report the declared certificate: an update converges them.
  if (JSON.stringify(state.pool ?? null) !== JSON.stringify(news.pool ?? null)) updates.push('pool');
  else if (news.pool && news.thumbprint !== undefined) {
    const behind = serversBehind(state.servers, { servers: news.pool.servers }, { thumbprint: news.thumbprint, ...(news.effectiveDate ? { effectiveDate: news.effectiveDate } : {}) }, context.now);
    if (behind.length > 0) updates.push('servers');
  }
  // A refresh recorded drift and the store has since come back to the declared certificate:
  // nothing to write, but the `drift: ...` line must not outlive it.
  if (state.plan !== undefined && isDriftPlan(withoutTestClockPrefix(state.plan)) && updates.length === 0 && replaces.length === 0) updates.push('plan');
  return { changes: replaces.length > 0 || updates.length > 0, replaces, updates };
}
