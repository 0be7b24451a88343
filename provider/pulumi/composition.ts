/**
 * Where the provider's collaborators are built: the clock, the certificate store and the Front
 * End pool, for one engine call. Handlers take a composition (tests pass an in-memory store or
 * a fixed clock); the engine's calls build the real one here.
 *
 * Built inside each call and never captured by the serialized provider (provider.ts): an SDK
 * client captured there breaks the serialization of the provider into state
 * (pulumi/pulumi#13960), and a store holds the passphrase.
 */
import { resolve } from 'node:path';
import { createAwsSecretsManagerStore } from '../adapters/aws-secrets-manager';
import { createLocalStore } from '../adapters/local-store';
import { createPowerShellPool, type PoolSecrets } from '../adapters/powershell';
import { generateAcmeAccountKey, issueCertificate, issuerFromSpec } from '../adapters/issuers';
import { AWS_STORE_KIND } from '../domain/aws-store-options';
import { SfbError, type Finding } from '../domain/errors';
import { nodeVersionProblem } from '../domain/node-support';
import type { FrontEndPoolSpec } from '../domain/front-end-pool-spec';
import type { StoreSpec } from '../domain/resource-state';
import { parseClockShift, testClockRefusal, TEST_CLOCK_VARIABLE, type ClockParties } from '../domain/test-clock';
import type { CertificateStore } from '../ports/certificate-store';
import type { FrontEndPool } from '../ports/front-end-pool';
import { SELF_SIGNED_ORDER_SECONDS, type IssuerSpec } from '../domain/issuer-spec';
import { shiftedClock, systemClock, type Clock } from './clock';

/** Opens the store a resource declares (`passphrase`: the local store's; `null` for AWS). */
export type StoreOpener = (spec: StoreSpec | undefined, passphrase: string | null) => CertificateStore;

/** Opens the pool a resource declares. */
export type PoolOpener = (spec: FrontEndPoolSpec, secrets?: PoolSecrets) => FrontEndPool;

/** What renewal asks of an issuer: a certificate for the SIP domain, on a key of at least `keyBits`. */
export interface OrderRequest {
  readonly sipDomain: string;
  readonly keyBits: number;
  /** Stable across retries of one renewal (the port's `renewalKey`). */
  readonly renewalKey: string;
  /** Abandons the order (its bound: the issuer's `timeoutSeconds`). */
  readonly signal: AbortSignal;
  /** The issuer's secret environment (hooks, a CA command), from the `issuerSecrets` input; never logged. */
  readonly environment?: Readonly<Record<string, string>>;
  /** ACME: the account key the store keeps from an earlier order (PEM, secret); absent: a new account key is made. */
  readonly accountKeyPem?: string;
}

/** An issued certificate with the key the provider made, as a PFX under a fresh password (both secret). */
export interface IssuedPfx {
  readonly pfxBase64: string;
  readonly password: string;
  /** ACME: the account key the order signed with (the request's, or a new one), for the store to keep. Secret. */
  readonly accountKeyPem?: string;
}

/**
 * Makes the key and CSR, has the issuer the spec names sign it (provider/ports/certificate-issuer.ts),
 * checks the chain and writes the PFX. Issuer errors arrive as SfbError codes (ISSUER_FAILED,
 * ACME_CHALLENGE_FAILED, ISSUER_RATE_LIMITED with the CA's `retryAt`, ISSUER_TIMEOUT).
 */
export type CertificateOrderer = (issuer: IssuerSpec, request: OrderRequest) => Promise<IssuedPfx>;

/** Builds the orderer of one engine call on its clock (a self-signed certificate starts at the provider's now, test clock included). */
export type OrdererFactory = (clock: Clock) => CertificateOrderer;

/** The collaborators of one engine call. */
export interface Composition {
  /** The provider's clock: the machine's, or shifted by the test clock. */
  readonly clock: Clock;
  /** Whether the test clock is in force: every plan line then starts with `test clock: `. */
  readonly testClock: boolean;
  readonly openStore: StoreOpener;
  readonly openPool: PoolOpener;
  /** Orders a certificate from an issuer (built per call: an ACME client holds the account key). */
  readonly orderCertificate: CertificateOrderer;
}

/** What a caller may put in place of the real world (tests). */
export interface CompositionOverrides {
  /** @default process.env */
  readonly environment?: Readonly<Record<string, string | undefined>>;
  /** The clock before any test shift. @default the machine's */
  readonly realClock?: Clock;
  readonly openStore?: StoreOpener;
  readonly openPool?: PoolOpener;
  readonly orderCertificate?: CertificateOrderer;
}

/** The store for these inputs; built per call, never captured (it holds the passphrase). */
export function openStore(spec: StoreSpec | undefined, passphrase: string | null): CertificateStore {
  // refresh and destroy run the provider without the program (whose constructor checks too).
  const unsupportedNode = nodeVersionProblem(process.version);
  if (unsupportedNode !== undefined) throw new SfbError('NODE_UNSUPPORTED', unsupportedNode);
  if (spec?.kind === AWS_STORE_KIND) {
    // Credentials: the SDK's default chain, when each call is made (never state, never captured).
    const { kind: _kind, recoveryWindowDays: _window, ...options } = spec;
    return createAwsSecretsManagerStore(options);
  }
  if (spec?.kind !== 'local') throw new SfbError('INVALID_ARGUMENT', `The store kind "${String((spec as { kind?: unknown } | undefined)?.kind)}" is not known; use CertificateStores.local().`);
  // A relative directory is relative to the program's directory, where the engine starts this
  // provider: state then stays the same whichever path a checkout (or CI runner) has.
  return createLocalStore({ directory: resolve(spec.directory), passphrase: passphrase ?? '', passphraseSource: 'the `storePassphrase` input (config sfb-oauth-cert:storePassphrase or SFB_STORE_PASSPHRASE)' });
}

/** The pool for these inputs: Windows PowerShell (or the emulator the command names). */
export const openPool: PoolOpener = (spec, secrets) => createPowerShellPool(spec, secrets);

/**
 * Orders from the issuer adapters (provider/adapters/issuers/) on the provider's clock (a
 * self-signed certificate starts at the provider's now, test clock included). Each order is
 * bounded here as well as by the caller: by the issuer's own `timeoutSeconds`, or
 * SELF_SIGNED_ORDER_SECONDS for the self-signed issuer, which calls nothing outside.
 */
export const ordererOn: OrdererFactory = (clock) => async (spec, request) => {
  const accountKeyPem = spec.kind === 'acme' ? (request.accountKeyPem ?? (await generateAcmeAccountKey())) : undefined;
  const issuer = issuerFromSpec(spec, { now: clock, ...(request.environment ? { environment: request.environment } : {}), ...(accountKeyPem ? { accountKeyPem } : {}) });
  const bound = AbortSignal.timeout((spec.kind === 'selfSigned' ? SELF_SIGNED_ORDER_SECONDS : spec.timeoutSeconds) * 1000);
  const issued = await issueCertificate(issuer, { sipDomain: request.sipDomain, minKeyBits: request.keyBits, renewalKey: request.renewalKey, signal: AbortSignal.any([request.signal, bound]), now: clock });
  return { pfxBase64: issued.pfxBase64, password: issued.password, ...(accountKeyPem ? { accountKeyPem } : {}) };
};

/** The parties of a resource, from its inputs or state (`pool` unchecked: only its command counts). */
export function partiesOf(props: { readonly store?: unknown; readonly pool?: unknown }): ClockParties {
  const pool = props.pool;
  const command = typeof pool === 'object' && pool !== null ? (pool as { command?: unknown }).command : undefined;
  const hasPool = pool !== undefined && pool !== null;
  // A pool without a readable command runs the default shell: a real one.
  const poolCommand = !hasPool ? undefined : Array.isArray(command) && command.every((c) => typeof c === 'string') ? (command as string[]) : ['powershell.exe'];
  return { store: props.store, ...(poolCommand ? { poolCommand } : {}) };
}

/**
 * The test clock's shift for these parties, or why it may not be used: `variable` for a value
 * that is not a shift, else the party that is not a local stand-in.
 */
export function testClockOf(
  parties: ClockParties,
  overrides: Pick<CompositionOverrides, 'environment'> = {},
): { readonly ok: true; readonly shiftSeconds?: number } | { readonly ok: false; readonly party: 'variable' | 'pool' | 'store'; readonly problem: Finding<'INVALID_ARGUMENT'> } {
  const shift = parseClockShift((overrides.environment ?? process.env)[TEST_CLOCK_VARIABLE]);
  if (!shift.ok) return { ok: false, party: 'variable', problem: shift.problem };
  if (shift.seconds === undefined) return { ok: true };
  const refusal = testClockRefusal(parties);
  if (refusal) return { ok: false, party: refusal.party, problem: { code: refusal.code, message: refusal.message } };
  return { ok: true, shiftSeconds: shift.seconds };
}

/**
 * The collaborators for a resource whose store and pool are `parties`. Throws INVALID_ARGUMENT
 * when the test clock's variable is invalid, or set while a party is real.
 */
export function compose(parties: ClockParties, overrides: CompositionOverrides = {}): Composition {
  const clock = testClockOf(parties, overrides);
  if (!clock.ok) throw new SfbError(clock.problem.code, clock.problem.message);
  const realClock = overrides.realClock ?? systemClock;
  return {
    clock: clock.shiftSeconds === undefined ? realClock : shiftedClock(realClock, clock.shiftSeconds),
    testClock: clock.shiftSeconds !== undefined,
    openStore: overrides.openStore ?? openStore,
    openPool: overrides.openPool ?? openPool,
    orderCertificate: overrides.orderCertificate ?? ordererOn(clock.shiftSeconds === undefined ? realClock : shiftedClock(realClock, clock.shiftSeconds)),
  };
}
