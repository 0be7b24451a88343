/**
 * The rules for the resource's declared inputs, in one place: the constructor applies them to
 * the values it already knows (so a forgotten `sipDomain` fails at once, naming the argument,
 * instead of hanging the program), and `check` applies them to every value during preview
 * (nothing defaults silently, every input gets a clear code and fix).
 * Pure: no Pulumi, no clock.
 */
import { AWS_STORE_KIND, awsStoreOptionProblems } from './aws-store-options';
import { isPlausibleDomain } from './sip-domain';
import { MAX_SECRET_NAME_LENGTH, SECRET_NAME_CHARACTERS } from './secret-names';
import { checkPoolSpec, type FrontEndPoolSpec } from './front-end-pool-spec';
import { parseIsoInstant } from './time';
import { printValue } from './printed-value';
import { sourceRule, type CertificateSource } from './certificate-source';
import { checkIssuerInputs, isIssuerSource, type IssuerSpec, type RenewalSettings } from './issuer-spec';

/** Skype's minimum RSA key size for the OAuthTokenIssuer certificate. */
export const SKYPE_MIN_KEY_BITS = 2048;
/** Above this, no CA issues RSA keys and Windows' CNG refuses them. */
export const MAX_KEY_BITS = 16384;
export const DEFAULT_WARN_BEFORE_EXPIRY_DAYS = 30;
const MAX_WARN_BEFORE_EXPIRY_DAYS = 3650;

// Secrets Manager appends "-" and six characters to form the ARN; a name that already ends so
// makes lookups by partial ARN ambiguous, and AWS documents "do not end the name" that way.
const ARN_SUFFIX_LOOKALIKE = /-[A-Za-z0-9]{6}$/;

/** One problem with a declared input. */
export interface InputIssue {
  /** The constructor argument, as users write it (`sipDomain`). */
  readonly argument: string;
  /**
   * The state property `check` reports it on. Never `pfx`, `password` or `storePassphrase`:
   * Pulumi prints a failing property's value next to the reason.
   */
  readonly property: string;
  readonly message: string;
}

/** The declared inputs after the rules: canonical, defaults applied where documented. */
export interface DeclaredInputs {
  /** Lower case, no trailing dot. */
  readonly sipDomain: string;
  readonly secretName: string;
  /** ISO 8601 in UTC (`toISOString`), or absent: now. */
  readonly effectiveDate?: string;
  /** `effectiveDate` as read: the same instant. */
  readonly effectiveAt?: Date;
  readonly minKeyBits: number;
  readonly warnBeforeExpiryDays: number;
  readonly adopt: boolean;
  /** The Front End pool to converge; absent: the store only. */
  readonly pool?: FrontEndPoolSpec;
  /** Where the certificate comes from; absent while a value it depends on is not known (preview), or for an issuer (`issuer`). */
  readonly source?: CertificateSource;
  /** The issuer the certificate comes from (automatic renewal), with its settings; absent: a PFX or a certificate a server holds. */
  readonly issuer?: IssuerSpec;
  readonly renewal?: RenewalSettings;
}

/** The source rule on what is known: a value still to be computed is checked by `check` at up. */
function declaredSource(raw: Readonly<Record<string, unknown>>, known: (key: string) => boolean, pool: FrontEndPoolSpec | undefined, poolKnown: boolean): ReturnType<typeof sourceRule> {
  if (known('pfx') && known('password') && known('certificate')) return sourceRule(raw, pool, poolKnown);
  // A PFX computed elsewhere: the PFX rules wait for its value.
  if (!known('pfx') && known('certificate') && (raw.certificate === undefined || raw.certificate === null)) return { source: { kind: 'pfx' }, issues: [] };
  return { issues: [] };
}

const describe = printValue;

/** The secret's name when the resource does not name it. */
export function defaultSecretName(canonicalSipDomain: string): string {
  return `sfb/oauth-token-issuer/${canonicalSipDomain}`;
}

/** `CONTOSO.COM.` and `contoso.com` are one domain: one canonical form, one secret. */
export function canonicalSipDomain(value: string): string {
  return value.toLowerCase().replace(/\.$/, '');
}

function sipDomainRule(value: unknown, issues: InputIssue[]): string | undefined {
  const issue = (message: string) => issues.push({ argument: 'sipDomain', property: 'sipDomain', message });
  if (typeof value !== 'string') {
    issue(`The \`sipDomain\` argument must be the Skype SIP domain as a string, e.g. "contoso.com"; got ${describe(value)}. If it comes from config, set it with \`pulumi config set sipDomain contoso.com\` and read it with config.require("sipDomain").`);
    return undefined;
  }
  if (value.trim() !== value) {
    issue(`The \`sipDomain\` argument ${describe(value)} has white space around it; write it without, e.g. "${value.trim()}".`);
    return undefined;
  }
  if (!isPlausibleDomain(value)) {
    issue(`The \`sipDomain\` argument ${describe(value)} is not a DNS domain; write the Skype SIP domain, e.g. "contoso.com".`);
    return undefined;
  }
  return canonicalSipDomain(value);
}

function secretNameRule(value: unknown, sipDomain: string | undefined, issues: InputIssue[]): string | undefined {
  if (value === undefined || value === null) return sipDomain === undefined ? undefined : defaultSecretName(sipDomain);
  const issue = (message: string) => issues.push({ argument: 'secretName', property: 'secretName', message });
  const fix = `or leave it out for the default ${sipDomain === undefined ? '"sfb/oauth-token-issuer/<sipDomain>"' : `"${defaultSecretName(sipDomain)}"`}`;
  if (typeof value !== 'string' || value.length === 0) {
    issue(`The \`secretName\` argument must be a non-empty string; got ${describe(value)}; name the secret, e.g. "sfb/oauth-token-issuer/contoso.com", ${fix}.`);
    return undefined;
  }
  if (value.length > MAX_SECRET_NAME_LENGTH) {
    issue(`The \`secretName\` argument is ${value.length} characters long, above the ${MAX_SECRET_NAME_LENGTH} a secret's name may have; shorten it ${fix}.`);
    return undefined;
  }
  if (!SECRET_NAME_CHARACTERS.test(value)) {
    issue(`The \`secretName\` argument ${describe(value)} has characters a secret's name may not have; use only letters, digits and / _ + = . @ - ${fix}.`);
    return undefined;
  }
  if (ARN_SUFFIX_LOOKALIKE.test(value)) {
    issue(`The \`secretName\` argument ${describe(value)} ends with a hyphen and six characters, which AWS Secrets Manager reserves for the suffix it adds to the ARN; change its end ${fix}.`);
    return undefined;
  }
  return value;
}

function effectiveDateRule(value: unknown, issues: InputIssue[]): Date | undefined {
  if (value === undefined || value === null) return undefined;
  const parsed = parseIsoInstant(value);
  if (!parsed.ok) {
    issues.push({
      argument: 'effectiveDate',
      property: 'effectiveDate',
      message: `The \`effectiveDate\` argument ${parsed.reason}; or leave it out to make the certificate current now.`,
    });
    return undefined;
  }
  return parsed.date;
}

function wholeNumberRule(argument: 'minKeyBits' | 'warnBeforeExpiryDays', value: unknown, min: number, max: number, fallback: number, why: string, issues: InputIssue[]): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    issues.push({ argument, property: argument, message: `The \`${argument}\` argument must be a whole number (not a string); got ${describe(value)}; write e.g. ${argument}: ${fallback === 2048 ? 4096 : fallback}.` });
    return fallback;
  }
  if (value < min || value > max) {
    issues.push({ argument, property: argument, message: `The \`${argument}\` argument is ${value}, outside ${min}..${max}${why}; choose a value in that range or leave it out for ${fallback}.` });
    return fallback;
  }
  return value;
}

/**
 * Applies every rule to the declared inputs. Values that are not known yet (preview with
 * computed inputs) are passed over: `isKnown` tells which. Returns every issue at once.
 */
export function checkDeclaredInputs(
  raw: Readonly<Record<string, unknown>>,
  isKnown: (value: unknown) => boolean = () => true,
): { readonly inputs?: DeclaredInputs; readonly issues: readonly InputIssue[] } {
  const issues: InputIssue[] = [];
  const known = (key: string) => isKnown(raw[key]);

  const sipDomain = known('sipDomain') ? sipDomainRule(raw.sipDomain, issues) : undefined;
  const secretName = known('secretName') && (known('sipDomain') || (raw.secretName !== undefined && raw.secretName !== null))
    ? secretNameRule(raw.secretName, sipDomain, issues)
    : undefined;
  const effectiveAt = known('effectiveDate') ? effectiveDateRule(raw.effectiveDate, issues) : undefined;
  const minKeyBits = known('minKeyBits')
    ? wholeNumberRule('minKeyBits', raw.minKeyBits, SKYPE_MIN_KEY_BITS, MAX_KEY_BITS, SKYPE_MIN_KEY_BITS, ` (Skype requires at least ${SKYPE_MIN_KEY_BITS} bits)`, issues)
    : SKYPE_MIN_KEY_BITS;
  const warnBeforeExpiryDays = known('warnBeforeExpiryDays')
    ? wholeNumberRule('warnBeforeExpiryDays', raw.warnBeforeExpiryDays, 0, MAX_WARN_BEFORE_EXPIRY_DAYS, DEFAULT_WARN_BEFORE_EXPIRY_DAYS, ' days', issues)
    : DEFAULT_WARN_BEFORE_EXPIRY_DAYS;
  let adopt = false;
  if (known('adopt') && raw.adopt !== undefined && raw.adopt !== null) {
    if (typeof raw.adopt === 'boolean') adopt = raw.adopt;
    else issues.push({ argument: 'adopt', property: 'adopt', message: `The \`adopt\` argument must be true or false; got ${describe(raw.adopt)}.` });
  }

  // A certificate from an issuer has no PFX: its rules (issuer-spec.ts) refuse one given; the
  // other sources' rules (certificate-source.ts) run below, once the pool is known.
  const issued = checkIssuerInputs(raw, isKnown);
  for (const issue of issued.issues) issues.push({ argument: issue.argument, property: issue.argument === 'pfx' || issue.argument === 'password' ? 'certificate' : issue.argument, message: issue.message });
  const fromIssuer = known('certificate') && isIssuerSource(raw.certificate);

  const storeKind = known('store') && typeof raw.store === 'object' && raw.store !== null ? (raw.store as { kind?: unknown }).kind : undefined;
  // The AWS store has no passphrase: IAM and KMS protect it.
  if (known('storePassphrase') && storeKind !== AWS_STORE_KIND) {
    const passphrase = raw.storePassphrase;
    if (typeof passphrase !== 'string' || passphrase.length === 0) {
      issues.push({
        argument: 'store',
        property: 'store',
        message: `The store's passphrase ${typeof passphrase === 'string' ? 'is empty' : 'is missing'}; set it with \`pulumi config set --secret sfb-oauth-cert:storePassphrase\` (type the value at the prompt, or pipe it in) or the SFB_STORE_PASSPHRASE environment variable.`,
      });
    }
  }
  if (known('store')) {
    const store = raw.store as { kind?: unknown; directory?: unknown } | null | undefined;
    if (typeof store === 'object' && store !== null && store.kind === AWS_STORE_KIND) {
      for (const message of awsStoreOptionProblems(store as Record<string, unknown>, isKnown)) issues.push({ argument: 'store', property: 'store', message });
    } else if (typeof store !== 'object' || store === null || store.kind !== 'local') {
      issues.push({ argument: 'store', property: 'store', message: 'The `store` argument is not a store this version knows; build it with CertificateStores.local().' });
    } else if (typeof store.directory !== 'string' || store.directory.length === 0 || store.directory.includes('\u0000')) {
      issues.push({ argument: 'store', property: 'store', message: `The local store's directory must be a non-empty path; got ${describe(store.directory)}; leave it out for ".sfb-store" beside the program.` });
    }
  }

  const pool = known('pool') ? checkPoolSpec(raw.pool) : { problems: [] };
  for (const message of pool.problems) issues.push({ argument: 'pool', property: 'pool', message });

  // The PFX and password are secret: the rules describe their kind, never their value; every
  // source's issue is reported on `certificate`, never on `pfx` or `password`.
  const source = fromIssuer ? { issues: [] } : declaredSource(raw, known, pool.spec, known('pool') && pool.problems.length === 0);
  for (const issue of source.issues) issues.push({ argument: issue.argument, property: 'certificate', message: issue.message });

  const complete = sipDomain !== undefined && secretName !== undefined;
  if (issues.length > 0 || !complete) return { issues };
  return {
    issues,
    inputs: { sipDomain, secretName, ...(effectiveAt !== undefined ? { effectiveDate: effectiveAt.toISOString(), effectiveAt } : {}), minKeyBits, warnBeforeExpiryDays, adopt, ...(pool.spec ? { pool: pool.spec } : {}), ...(source.source ? { source: source.source } : {}), ...(issued.issuer && issued.renewal ? { issuer: issued.issuer, renewal: issued.renewal } : {}) },
  };
}
