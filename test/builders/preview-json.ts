/**
 * Builders of `pulumi preview --json` documents in the shapes the real CLI (v3.274.1) printed for
 * this provider in test/integration/review.int.test.ts: a create, an update with a scheduled
 * roll, a check failure, a warning on the provider's stderr. Trimmed to what the review reads,
 * plus the secret inputs as the CLI masks them, so that leaks would show.
 */
import { readPreviewDocument } from '../../provider/adapters/pulumi-preview/preview-document';
import { CERTIFICATE_TYPE } from '../../provider/adapters/pulumi-preview/urn';
import { reviewPreview, type PreviewReview } from '../../provider/domain/review';

export const A = { thumbprint: '999F89E137CEA7A0C35740D6F19592CF209226A3', notAfter: '2035-01-01T00:00:00.000Z' };
export const B = { thumbprint: '4D95D96A2E24ABC18EE10F94DFF0A52738A6C684', notAfter: '2035-01-01T00:00:00.000Z' };

export const STACK_URN = 'urn:pulumi:test::rvexp::pulumi:pulumi:Stack::rvexp-test';
export const urnOf = (name: string, type = CERTIFICATE_TYPE) => `urn:pulumi:test::rvexp::${type}::${name}`;
export const URN = urnOf('oauth');

/** Pulumi's JSON for a value known only after `up`. */
export const UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';
/** A serialized secret envelope, as state exports hold them. */
export const SECRET_ENVELOPE = { '4dabf18193072939515e22adb298388d': '1b47061264138c4ac30d75fd1eb44270', ciphertext: 'v1:abc' };

export interface CertificateProps {
  thumbprint?: unknown;
  /** null: absent (state written before it was recorded). */
  notBefore?: unknown;
  notAfter?: unknown;
  plan?: unknown;
  effectiveDate?: unknown;
  /** The secret inputs (masked by the CLI). */
  pfx?: unknown;
  password?: unknown;
  storePassphrase?: unknown;
  /** A Front End pool (`poolOf`). */
  pool?: unknown;
  /** Outputs of a recorded state only: the previous certificate, and the declared one while its roll is pending. */
  previousThumbprint?: unknown;
  pendingThumbprint?: unknown;
}

type Json = Record<string, unknown>;

function inputsOf(props: CertificateProps): Json {
  return {
    adopt: false,
    keyBits: 2048,
    minKeyBits: 2048,
    notAfter: props.notAfter ?? A.notAfter,
    notBefore: 'notBefore' in props ? props.notBefore : '2025-01-01T00:00:00.000Z',
    owner: 'organization/rvexp/test',
    password: props.password ?? '[secret]',
    pfx: props.pfx ?? '[secret]',
    plan: props.plan ?? `new ${A.thumbprint.slice(0, 4)}.. current now`,
    secretName: 'sfb/oauth-token-issuer/contoso.com',
    sipDomain: 'contoso.com',
    store: { directory: '.sfb-store', kind: 'local' },
    storePassphrase: props.storePassphrase ?? '[secret]',
    subject: 'CN=sfb-fe01.contoso.com',
    thumbprint: props.thumbprint ?? A.thumbprint,
    versionId: `${String(props.thumbprint ?? A.thumbprint)}-4fa14837bfe4ae02`,
    warnBeforeExpiryDays: 30,
    ...(props.effectiveDate !== undefined ? { effectiveDate: props.effectiveDate } : {}),
    ...(props.pool !== undefined ? { pool: props.pool } : {}),
  };
}

/** A checked new state, as preview shows it: inputs only. */
export function newState(props: CertificateProps = {}, urn = URN): Json {
  return { urn, custom: true, type: CERTIFICATE_TYPE, inputs: inputsOf(props), parent: STACK_URN, additionalSecretOutputs: ['pfx', 'password', 'storePassphrase'] };
}

/**
 * A recorded old state: inputs and outputs (without the secret inputs `up` never returns); with a
 * pool, `servers` is what each Front End Server reported at the last up or refresh.
 */
export function oldState(props: CertificateProps = {}, urn = URN, servers?: Record<string, unknown>): Json {
  const inputs = inputsOf(servers && props.pool === undefined ? { ...props, pool: poolOf(Object.keys(servers)) } : props);
  const { pfx: _pfx, password: _password, ...outputs } = inputs;
  return {
    ...newState(props, urn),
    id: 'sfb/oauth-token-issuer/contoso.com',
    inputs,
    outputs: { ...outputs, pendingThumbprint: props.pendingThumbprint ?? null, previousThumbprint: props.previousThumbprint ?? null, schemaVersion: 1, storeDescription: 'local store at /tmp/x/.sfb-store', ...(servers ? { servers } : {}) },
  };
}

/** The checked `pool` input (CertificatePools.frontEnd's shape, defaults filled in by check). */
export function poolOf(servers: string[]): Json {
  return {
    kind: 'powershell',
    servers,
    command: ['pwsh', '-NoProfile'],
    dateCulture: 'en-US',
    serverTimeZone: 'UTC',
    replicationTimeoutSeconds: 900,
    pollIntervalSeconds: 10,
    callTimeoutSeconds: 120,
    parallelism: 8,
  };
}

export interface StepSpec {
  op: string;
  urn?: string;
  old?: Json;
  new?: Json;
}

export function step(spec: StepSpec): Json {
  return {
    op: spec.op,
    urn: spec.urn ?? URN,
    ...(spec.old ? { oldState: spec.old } : {}),
    ...(spec.new ? { newState: spec.new } : {}),
    detailedDiff: null,
  };
}

/** A check failure as the engine reports it on the resource's URN. */
export function checkFailure(property: string, value: string, reason: string, urn = URN): Json {
  return { urn, message: `error: ${CERTIFICATE_TYPE} resource 'oauth': property ${property} value {${value}} has a problem: ${reason}\n`, severity: 'error' };
}

/** A provider warning: the dynamic provider's stderr line, which the engine reports with no URN. */
export function providerWarning(line: string): Json {
  return { message: `${line}\n\n`, severity: 'info#err' };
}

/** A whole document: the stack step first, as the CLI prints it. */
export function previewDocument(steps: Json[] = [], diagnostics?: Json[]): Json {
  return {
    config: { 'rvexp:pfxFile': 'a.pfx', 'rvexp:pfxPassword': '[secret]', 'sfb-oauth-cert:storePassphrase': '[secret]' },
    steps: [{ op: 'same', urn: STACK_URN, oldState: { urn: STACK_URN, custom: false, type: 'pulumi:pulumi:Stack' }, newState: { urn: STACK_URN, custom: false, type: 'pulumi:pulumi:Stack' }, detailedDiff: null }, ...steps],
    ...(diagnostics ? { diagnostics } : {}),
    duration: 1000000000,
    changeSummary: { same: 1 },
  };
}

/** The moment the reviews count days left from, unless a test says otherwise. */
export const NOW = new Date('2026-12-01T00:00:00Z');
/** Days from NOW to A's and B's NotAfter (2026-12-01 .. 2035-01-01). */
export const DAYS_TO_A = 2953;
export const ROLL_AT = '2027-01-15T00:00:00.000Z';
/** The plan line of a roll from A to B scheduled at ROLL_AT. */
export const ROLL_PLAN = 'current 999F.. → previous at 2027-01-15T00:00Z; new 4D95.. current at 2027-01-15T00:00Z';
/** A check failure's reason, as the provider words it. */
export const BAD_PASSWORD = 'PFX_BAD_PASSWORD: The password does not open the `pfx` input: its integrity check or decryption failed; supply the password the file was exported with.';
/** The provider's expiry warning line for a thumbprint. */
export const EXPIRES_SOON = (thumbprint: string) =>
  `warning CERT_EXPIRES_SOON: The \`pfx\` input's certificate (${thumbprint}) expires at 2026-12-06T03:59Z, within 30 days of now (2026-11-26T03:59Z); plan its renewal.`;
/**
 * The provider's late-renewal warning line for an issuer's certificate with A's NotAfter (renewal
 * due 240 h before it, the roll moved to NotAfter - 24 h), worded as test/integration/renewal.int.test.ts
 * sees the engine print it.
 */
export const RENEWAL_LATE = (thumbprint: string) =>
  `warning RENEWAL_LATE: Renewal of the OAuthTokenIssuer certificate ${thumbprint} was due at 2034-12-22T00:00:00Z; a roll 24h ahead would land less than 24 hours before its NotAfter 2035-01-01T00:00:00Z, so the new certificate rolls at 2034-12-31T00:00:00Z, the latest instant Skype's 24-hour rule allows, and partners have less time to see it. Run \`pulumi up\` on a schedule (README, "Renewal") so renewal starts at its due date.`;
/** The provider's warning line for the pool's deprecated `dateCulture`. */
export const DATE_CULTURE_DEPRECATED =
  'warning POOL_OPTION_DEPRECATED: The pool\'s `dateCulture` ("de-DE") is deprecated and ignored: the effective date reaches the servers as an instant, not as text in a culture, so the servers\' Region and Language format no longer matters; remove it.';

/** A document read by the preview reader and reviewed as of `now`, as the CLI does; throws when it is not a preview. */
export function reviewOf(document: unknown, now = NOW): PreviewReview {
  const read = readPreviewDocument(document);
  if (!read.ok) throw new Error(`not reviewed: ${read.reason}`);
  return reviewPreview(read.facts, now);
}
