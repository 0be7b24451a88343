/**
 * The rules for the resource's declared inputs, in one place: the constructor applies them to
 * the values it already knows (so a forgotten `sipDomain` fails at once, naming the argument,
 * instead of hanging the program), and `check` applies them to every value during preview
 * (nothing defaults silently, every input gets a clear code and fix).
 * Pure: no Pulumi, no clock.
 */
import { z } from 'zod';
import { AWS_STORE_KIND, awsStoreOptionProblems } from './aws-store-options';
import { isPlausibleDomain } from './sip-domain';
import { MAX_SECRET_NAME_LENGTH, SECRET_NAME_CHARACTERS } from './secret-names';
import { checkPoolSpec, type FrontEndPoolSpec } from './front-end-pool-spec';
import { parseIsoInstant } from './time';
import { printValue } from './printed-value';
import { builtOnFirstUse, parseWith, worded } from './schema-sentences';
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

/** Null or left out: the default (or nothing). */
const orAbsent = <S extends z.ZodType>(schema: S) => schema.nullish().transform((value) => value ?? undefined);

const sipDomainSchema = builtOnFirstUse(() =>
  z
    .string(worded((input) => `The \`sipDomain\` argument must be the Skype SIP domain as a string, e.g. "contoso.com"; got ${describe(input)}. If it comes from config, set it with \`pulumi config set sipDomain contoso.com\` and read it with config.require("sipDomain").`))
    .refine((value) => value.trim() === value, { ...worded((input) => `The \`sipDomain\` argument ${describe(input)} has white space around it; write it without, e.g. "${String(input).trim()}".`), abort: true })
    .refine(isPlausibleDomain, worded((input) => `The \`sipDomain\` argument ${describe(input)} is not a DNS domain; write the Skype SIP domain, e.g. "contoso.com".`))
    .transform(canonicalSipDomain),
);

/** The secret's name; the fix its sentences give names the default for this SIP domain. */
function secretNameSchema(sipDomain: string | undefined) {
  const fix = `or leave it out for the default ${sipDomain === undefined ? '"sfb/oauth-token-issuer/<sipDomain>"' : `"${defaultSecretName(sipDomain)}"`}`;
  const nonEmpty = worded((input) => `The \`secretName\` argument must be a non-empty string; got ${describe(input)}; name the secret, e.g. "sfb/oauth-token-issuer/contoso.com", ${fix}.`);
  return orAbsent(
    z
      .string(nonEmpty)
      .min(1, { ...nonEmpty, abort: true })
      .max(MAX_SECRET_NAME_LENGTH, { ...worded((input) => `The \`secretName\` argument is ${String(input).length} characters long, above the ${MAX_SECRET_NAME_LENGTH} a secret's name may have; shorten it ${fix}.`), abort: true })
      .regex(SECRET_NAME_CHARACTERS, { ...worded((input) => `The \`secretName\` argument ${describe(input)} has characters a secret's name may not have; use only letters, digits and / _ + = . @ - ${fix}.`), abort: true })
      .refine((value) => !ARN_SUFFIX_LOOKALIKE.test(value), worded((input) => `The \`secretName\` argument ${describe(input)} ends with a hyphen and six characters, which AWS Secrets Manager reserves for the suffix it adds to the ARN; change its end ${fix}.`)),
  ).transform((value) => value ?? (sipDomain === undefined ? undefined : defaultSecretName(sipDomain)));
}

const effectiveDateSchema = builtOnFirstUse(() =>
  orAbsent(
    z.unknown().transform((value, context) => {
      const parsed = parseIsoInstant(value);
      if (parsed.ok) return parsed.date;
      context.addIssue({ code: 'custom', message: `The \`effectiveDate\` argument ${parsed.reason}; or leave it out to make the certificate current now.` });
      return z.NEVER;
    }),
  ),
);

/** A whole number within limits, or its default; a fraction, text or NaN is refused before the range is. */
function wholeNumberSchema(argument: 'minKeyBits' | 'warnBeforeExpiryDays', min: number, max: number, fallback: number, why: string) {
  const whole = worded((input) => `The \`${argument}\` argument must be a whole number (not a string); got ${describe(input)}; write e.g. ${argument}: ${fallback === 2048 ? 4096 : fallback}.`);
  const inRange = worded((input) => `The \`${argument}\` argument is ${String(input)}, outside ${min}..${max}${why}; choose a value in that range or leave it out for ${fallback}.`);
  return orAbsent(
    z
      .number(whole)
      .refine(Number.isInteger, { ...whole, abort: true })
      .min(min, { ...inRange, abort: true })
      .max(max, inRange),
  ).transform((value) => value ?? fallback);
}

const minKeyBitsSchema = builtOnFirstUse(() =>
  wholeNumberSchema('minKeyBits', SKYPE_MIN_KEY_BITS, MAX_KEY_BITS, SKYPE_MIN_KEY_BITS, ` (Skype requires at least ${SKYPE_MIN_KEY_BITS} bits)`),
);
const warnBeforeExpiryDaysSchema = builtOnFirstUse(() =>
  wholeNumberSchema('warnBeforeExpiryDays', 0, MAX_WARN_BEFORE_EXPIRY_DAYS, DEFAULT_WARN_BEFORE_EXPIRY_DAYS, ' days'),
);
const adoptSchema = builtOnFirstUse(() =>
  orAbsent(z.boolean(worded((input) => `The \`adopt\` argument must be true or false; got ${describe(input)}.`))).transform((value) => value ?? false),
);

// The passphrase is secret: its sentence says what is wrong with it, never its value.
const storePassphraseSchema = builtOnFirstUse(() =>
  z.string(worded(() => 'missing')).min(1, worded(() => 'empty')),
);
const storePassphraseSentence = (wrong: string) =>
  `The store's passphrase is ${wrong}; set it with \`pulumi config set --secret sfb-oauth-cert:storePassphrase\` (type the value at the prompt, or pipe it in) or the SFB_STORE_PASSPHRASE environment variable.`;

/** The store's kind, when the store is an object that names one. */
const storeKindSchema = builtOnFirstUse(() =>
  z.looseObject({ kind: z.unknown().optional() }).transform((store) => store.kind).catch(undefined),
);

const notAStore = worded(() => 'The `store` argument is not a store this version knows; build it with CertificateStores.local().');
const directorySentence = worded((input) => `The local store's directory must be a non-empty path; got ${describe(input)}; leave it out for ".sfb-store" beside the program.`);

/** The local store: its kind first, then its directory (other keys, such as the passphrase, are read elsewhere). */
const localStoreSchema = builtOnFirstUse(() =>
  z.looseObject({ kind: z.literal('local', notAStore) }, notAStore).pipe(
    z.looseObject({
      kind: z.literal('local'),
      directory: z
        .string(directorySentence)
        .min(1, directorySentence)
        .refine((directory) => !directory.includes('\u0000'), directorySentence),
    }),
  ),
);

function localStoreProblems(store: unknown): readonly string[] {
  const parsed = parseWith(localStoreSchema(), store);
  return parsed.ok ? [] : parsed.problems;
}

/** Parses one argument with its schema; its problems become issues on that argument's property. */
function ruled<S extends z.ZodType>(argument: string, schema: S, value: unknown, issues: InputIssue[]): z.output<S> | undefined {
  const parsed = parseWith(schema, value);
  if (parsed.ok) return parsed.value;
  for (const message of parsed.problems) issues.push({ argument, property: argument, message });
  return undefined;
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

  const sipDomain = known('sipDomain') ? ruled('sipDomain', sipDomainSchema(), raw.sipDomain, issues) : undefined;
  const secretName = known('secretName') && (known('sipDomain') || (raw.secretName !== undefined && raw.secretName !== null))
    ? ruled('secretName', secretNameSchema(sipDomain), raw.secretName, issues)
    : undefined;
  const effectiveAt = known('effectiveDate') ? ruled('effectiveDate', effectiveDateSchema(), raw.effectiveDate, issues) : undefined;
  const minKeyBits = (known('minKeyBits') ? ruled('minKeyBits', minKeyBitsSchema(), raw.minKeyBits, issues) : undefined) ?? SKYPE_MIN_KEY_BITS;
  const warnBeforeExpiryDays = (known('warnBeforeExpiryDays') ? ruled('warnBeforeExpiryDays', warnBeforeExpiryDaysSchema(), raw.warnBeforeExpiryDays, issues) : undefined) ?? DEFAULT_WARN_BEFORE_EXPIRY_DAYS;
  const adopt = (known('adopt') ? ruled('adopt', adoptSchema(), raw.adopt, issues) : undefined) ?? false;

  // A certificate from an issuer has no PFX: its rules (issuer-spec.ts) refuse one given; the
  // other sources' rules (certificate-source.ts) run below, once the pool is known.
  const issued = checkIssuerInputs(raw, isKnown);
  for (const issue of issued.issues) issues.push({ argument: issue.argument, property: issue.argument === 'pfx' || issue.argument === 'password' ? 'certificate' : issue.argument, message: issue.message });
  const fromIssuer = known('certificate') && isIssuerSource(raw.certificate);

  const storeKind = known('store') ? storeKindSchema().parse(raw.store) : undefined;
  // The AWS store has no passphrase: IAM and KMS protect it.
  if (known('storePassphrase') && storeKind !== AWS_STORE_KIND) {
    const passphrase = parseWith(storePassphraseSchema(), raw.storePassphrase);
    if (!passphrase.ok) issues.push({ argument: 'store', property: 'store', message: storePassphraseSentence(passphrase.problems[0]!) });
  }
  if (known('store')) {
    const problems = storeKind === AWS_STORE_KIND ? awsStoreOptionProblems(raw.store as Record<string, unknown>, isKnown) : localStoreProblems(raw.store);
    for (const message of problems) issues.push({ argument: 'store', property: 'store', message });
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
