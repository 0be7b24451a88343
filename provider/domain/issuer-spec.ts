/**
 * A certificate that comes from an issuer (automatic renewal), as the resource declares it:
 * `certificate: Issuers.acme({...}) | Issuers.command({...}) | Issuers.selfSigned({...})` with
 * `renewBefore`, `rollLeadTime` and `allowImmediateRenewal`. The rules for those arguments, in
 * one place: the constructor applies them to what it knows, `check` to every value in preview,
 * each problem a sentence naming the argument and the fix.
 *
 * Durations are written as Go's (and cert-manager's `renewBefore`) are: whole hours, minutes and
 * seconds in that order, e.g. `720h`, `24h`, `1h30m`. Days are left out on purpose: a "day" next
 * to a daylight saving change is 23 or 25 hours, and these are exact lengths of time.
 *
 * The issuer's secrets (a hook's environment, such as a DNS API token) never reach this spec:
 * the resource passes them apart, as a secret, like the pool's password.
 * Pure: no Pulumi, no clock.
 */
import { printValue } from './printed-value';
import { ROLL_LEAD_TIME_MS } from './front-end-pool-plan';
import { DEFAULT_ROLL_LEAD_TIME_MS, formatDuration } from './renewal-policy';
import { HOUR_MS } from './time';

/** How the ACME CA checks that we control the SIP domain (RFC 8555 section 8). */
export type AcmeChallengeSpec =
  /** DNS-01 through Route 53: the TXT record in the hosted zone named by id (public and private zones share names). */
  | { readonly type: 'dns-01'; readonly via: 'route53'; readonly hostedZoneId: string; readonly region?: string }
  /** DNS-01 or HTTP-01 through commands: `present` before validation, `cleanUp` after; the record (or token) on stdin as JSON, never in argv. */
  | { readonly type: 'dns-01' | 'http-01'; readonly via: 'hook'; readonly present: readonly string[]; readonly cleanUp: readonly string[] };

export interface AcmeIssuerSpec {
  readonly kind: 'acme';
  /** The CA's directory, https (http only on loopback, for a local test CA). */
  readonly directoryUrl: string;
  /** The account's contact, e.g. `pki@contoso.com`; absent: an account without contact. */
  readonly email?: string;
  readonly challenge: AcmeChallengeSpec;
  /** Extra CA certificates (PEM) to trust for the directory's TLS, e.g. an internal CA's or Pebble's. Not secret. */
  readonly caCertificatesPem?: string;
  /** The bound of one order, from the first request to the chain. */
  readonly timeoutSeconds: number;
}

export interface CommandIssuerSpec {
  readonly kind: 'command';
  /** The program and its arguments: the CSR (PEM) on stdin, the chain (PEM, leaf first) on stdout. */
  readonly command: readonly string[];
  readonly timeoutSeconds: number;
}

export interface SelfSignedIssuerSpec {
  readonly kind: 'selfSigned';
  /** How long each certificate is valid. */
  readonly validDays: number;
}

export type IssuerSpec = AcmeIssuerSpec | CommandIssuerSpec | SelfSignedIssuerSpec;

/** The `certificate` argument of the issuer variant, as the factories write it. */
export interface IssuerSource {
  readonly issuer: IssuerSpec;
}

/** The renewal settings, parsed. */
export interface RenewalSettings {
  /** Absent: a third of each certificate's lifetime. */
  readonly renewBeforeMs?: number;
  readonly rollLeadTimeMs: number;
  readonly allowImmediateRenewal: boolean;
}

/** Limits: [default, min, max]. */
export const ISSUER_NUMBERS = {
  /** An order's bound: Pebble answers in under a second, a public CA's DNS-01 waits for propagation. */
  acmeTimeoutSeconds: [300, 10, 3_600],
  /** A CA command's bound (certreq may wait for a CA manager's approval: not something to wait on here). */
  commandTimeoutSeconds: [120, 1, 3_600],
  /** A self-signed certificate's lifetime: at least long enough for the 24-hour rule and a lead time. */
  selfSignedValidDays: [365, 7, 3_650],
} as const;

/** The bound of one self-signed order (a key, a signature and the checks: nothing outside is called). */
export const SELF_SIGNED_ORDER_SECONDS = 60;

/** Bounds of `renewBefore` and `rollLeadTime`. */
export const RENEW_BEFORE_BOUNDS_MS = [HOUR_MS, 87_600 * HOUR_MS] as const;
export const ROLL_LEAD_TIME_BOUNDS_MS = [HOUR_MS, 720 * HOUR_MS] as const;

/** The arguments that make sense only with an issuer. */
export const RENEWAL_ARGUMENTS = ['renewBefore', 'rollLeadTime', 'allowImmediateRenewal'] as const;

/** One problem, as resource-inputs.ts reports it. */
export interface IssuerIssue {
  readonly argument: 'certificate' | (typeof RENEWAL_ARGUMENTS)[number] | 'pfx' | 'password' | 'effectiveDate';
  readonly message: string;
}

const DURATION = /^(?:(\d{1,6})h)?(?:(\d{1,7})m)?(?:(\d{1,9})s)?$/;

/** Reads `720h`, `1h30m`, `90s` into milliseconds; anything else is refused with the reason. */
export function parseDuration(value: unknown): { readonly ok: true; readonly ms: number } | { readonly ok: false; readonly reason: string } {
  const form = 'write whole hours, minutes and seconds in that order, e.g. "720h", "24h" or "1h30m"';
  if (typeof value !== 'string') return { ok: false, reason: `must be a duration as a string; got ${printValue(value)}; ${form}` };
  const match = DURATION.exec(value);
  if (!match || value === '') return { ok: false, reason: `${printValue(value)} is not a duration; ${form} (days are not accepted: a day next to a clock change is not 24 hours)` };
  const [, h, m, s] = match;
  return { ok: true, ms: (Number(h ?? 0) * 3600 + Number(m ?? 0) * 60 + Number(s ?? 0)) * 1000 };
}

/** Whether a declared `certificate` is the issuer variant (the factories' shape). */
export function isIssuerSource(value: unknown): value is { readonly issuer: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'issuer' in value;
}

/** The issuer as plan lines and messages name it; never a secret (the spec holds none). */
export function describeIssuer(spec: IssuerSpec): string {
  switch (spec.kind) {
    case 'selfSigned':
      return `self-signed (${spec.validDays} days)`;
    case 'command':
      return `command ${spec.command[0]}`;
    case 'acme': {
      const challenge = spec.challenge.via === 'route53' ? `dns-01 via Route 53 zone ${spec.challenge.hostedZoneId}` : `${spec.challenge.type} via hook ${spec.challenge.present[0]}`;
      // Origin and path only: a query string is no business of a plan line.
      const url = new URL(spec.directoryUrl);
      return `ACME ${url.origin}${url.pathname} (${challenge})`;
    }
  }
}

type Issue = (message: string) => void;

function wholeNumber(name: string, value: unknown, [fallback, min, max]: readonly [number, number, number], issue: Issue): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    issue(`The issuer's \`${name}\` must be a whole number from ${min} to ${max}; got ${printValue(value)}; leave it out for ${fallback}.`);
    return fallback;
  }
  return value;
}

function commandLine(name: string, value: unknown, issue: Issue): readonly string[] | undefined {
  if (!Array.isArray(value) || value.length === 0 || !value.every((part) => typeof part === 'string' && part.length > 0 && !part.includes('\u0000'))) {
    issue(`The issuer's \`${name}\` must be the program and its arguments as a non-empty list of strings, e.g. ["/usr/local/bin/issue-from-ca", "--profile", "skype"]; got ${printValue(value)}.`);
    return undefined;
  }
  return value as string[];
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function directoryUrlRule(value: unknown, issue: Issue): string | undefined {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)))) {
    issue(`The ACME issuer's \`directoryUrl\` must be the CA's directory as an https URL, e.g. "https://acme-v02.api.letsencrypt.org/directory"; got ${printValue(value)}.`);
    return undefined;
  }
  if (url.username !== '' || url.password !== '') {
    // Never echo it: the URL carries a credential.
    issue("The ACME issuer's `directoryUrl` carries a user name or password; ACME authenticates with the account key, so remove them from the URL.");
    return undefined;
  }
  return url.toString();
}

function challengeRule(value: unknown, issue: Issue): AcmeChallengeSpec | undefined {
  const shape = 'AcmeChallenges.route53({ hostedZoneId: "Z0123..." }) or AcmeChallenges.dns01Hook({ present: [...], cleanUp: [...] })';
  if (typeof value !== 'object' || value === null) {
    issue(`The ACME issuer's \`challenge\` is missing or not an object; build it with ${shape}.`);
    return undefined;
  }
  const c = value as Record<string, unknown>;
  if (c.via === 'route53') {
    if (c.type !== 'dns-01') issue('A Route 53 challenge is DNS-01: its `type` must be "dns-01".');
    if (typeof c.hostedZoneId !== 'string' || !/^(\/hostedzone\/)?Z[A-Z0-9]{1,32}$/.test(c.hostedZoneId)) {
      issue(`The Route 53 challenge's \`hostedZoneId\` must be the hosted zone's id, e.g. "Z0123456789ABCDEFGHIJ" (the zone is named by id because a public and a private zone often share a name); got ${printValue(c.hostedZoneId)}.`);
      return undefined;
    }
    if (c.region !== undefined && (typeof c.region !== 'string' || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(c.region))) {
      issue(`The Route 53 challenge's \`region\` must be an AWS region name, e.g. "us-east-1"; got ${printValue(c.region)}.`);
      return undefined;
    }
    return { type: 'dns-01', via: 'route53', hostedZoneId: c.hostedZoneId.replace(/^\/hostedzone\//, ''), ...(typeof c.region === 'string' ? { region: c.region } : {}) };
  }
  if (c.via === 'hook') {
    if (c.type !== 'dns-01' && c.type !== 'http-01') {
      issue(`A hook challenge's \`type\` must be "dns-01" or "http-01"; got ${printValue(c.type)}.`);
      return undefined;
    }
    const present = commandLine('challenge.present', c.present, issue);
    const cleanUp = commandLine('challenge.cleanUp', c.cleanUp, issue);
    return present && cleanUp ? { type: c.type, via: 'hook', present, cleanUp } : undefined;
  }
  issue(`The ACME issuer's \`challenge\` is not one this version knows; build it with ${shape}.`);
  return undefined;
}

/** The issuer inside a declared `certificate: { issuer }`, or undefined with the issues reported. */
export function issuerRule(value: unknown, issue: Issue): IssuerSpec | undefined {
  const spec = isIssuerSource(value) ? value.issuer : undefined;
  const kinds = 'Issuers.acme({...}), Issuers.command({...}) or Issuers.selfSigned({...})';
  if (typeof spec !== 'object' || spec === null) {
    issue(`The \`certificate\` argument's issuer is not an issuer; build it with ${kinds}.`);
    return undefined;
  }
  const s = spec as Record<string, unknown>;
  switch (s.kind) {
    case 'selfSigned':
      return { kind: 'selfSigned', validDays: wholeNumber('validDays', s.validDays, ISSUER_NUMBERS.selfSignedValidDays, issue) };
    case 'command': {
      const command = commandLine('command', s.command, issue);
      const timeoutSeconds = wholeNumber('timeoutSeconds', s.timeoutSeconds, ISSUER_NUMBERS.commandTimeoutSeconds, issue);
      return command ? { kind: 'command', command, timeoutSeconds } : undefined;
    }
    case 'acme': {
      const directoryUrl = directoryUrlRule(s.directoryUrl, issue);
      let email: string | undefined;
      if (s.email !== undefined && s.email !== null) {
        if (typeof s.email === 'string' && /^[^\s@:]+@[^\s@:]+\.[^\s@:]+$/.test(s.email) && s.email.length <= 254) email = s.email;
        else issue(`The ACME issuer's \`email\` must be one e-mail address, e.g. "pki@contoso.com" (the CA writes to it about expiry and revocation); got ${printValue(s.email)}.`);
      }
      const challenge = challengeRule(s.challenge, issue);
      let caCertificatesPem: string | undefined;
      if (s.caCertificatesPem !== undefined && s.caCertificatesPem !== null) {
        if (typeof s.caCertificatesPem === 'string' && s.caCertificatesPem.includes('-----BEGIN CERTIFICATE-----') && s.caCertificatesPem.length <= 1_000_000) caCertificatesPem = s.caCertificatesPem;
        else issue("The ACME issuer's `caCertificatesPem` must be PEM certificates (-----BEGIN CERTIFICATE-----), at most 1 MB; read the file with fs.readFileSync(path, 'utf8').");
      }
      const timeoutSeconds = wholeNumber('timeoutSeconds', s.timeoutSeconds, ISSUER_NUMBERS.acmeTimeoutSeconds, issue);
      return directoryUrl && challenge ? { kind: 'acme', directoryUrl, ...(email ? { email } : {}), challenge, ...(caCertificatesPem ? { caCertificatesPem } : {}), timeoutSeconds } : undefined;
    }
    default:
      issue(`The \`certificate\` argument's issuer kind ${printValue(s.kind)} is not one this version knows; build it with ${kinds}.`);
      return undefined;
  }
}

function durationRule(argument: 'renewBefore' | 'rollLeadTime', value: unknown, [min, max]: readonly [number, number], issues: IssuerIssue[]): number | undefined {
  const parsed = parseDuration(value);
  if (!parsed.ok) {
    issues.push({ argument, message: `The \`${argument}\` argument ${parsed.reason}.` });
    return undefined;
  }
  if (parsed.ms < min || parsed.ms > max) {
    issues.push({ argument, message: `The \`${argument}\` argument is ${formatDuration(parsed.ms)}, outside ${formatDuration(min)}..${formatDuration(max)}; choose a duration in that range.` });
    return undefined;
  }
  return parsed.ms;
}

/**
 * The issuer variant's rules: the issuer itself, the renewal settings, and the arguments that
 * do not go with it (a PFX, its password, an `effectiveDate`: renewal decides when each new
 * certificate rolls). Without an issuer, the renewal arguments are refused (they would do
 * nothing). `isKnown` passes over values still to be computed (preview).
 */
export function checkIssuerInputs(
  raw: Readonly<Record<string, unknown>>,
  isKnown: (value: unknown) => boolean = () => true,
): { readonly issuer?: IssuerSpec; readonly renewal?: RenewalSettings; readonly issues: readonly IssuerIssue[] } {
  const issues: IssuerIssue[] = [];
  const given = (key: string) => isKnown(raw[key]) && raw[key] !== undefined && raw[key] !== null;
  if (!isKnown(raw.certificate) || !isIssuerSource(raw.certificate)) {
    for (const argument of RENEWAL_ARGUMENTS) {
      if (given(argument)) issues.push({ argument, message: `The \`${argument}\` argument applies to a certificate from an issuer, which renews itself; this one comes from a PFX (or a server), so remove \`${argument}\`, or declare certificate: Issuers.acme({...}) (or Issuers.command, Issuers.selfSigned) instead.` });
    }
    return { issues };
  }
  const issuer = issuerRule(raw.certificate, (message) => issues.push({ argument: 'certificate', message }));
  for (const argument of ['pfx', 'password', 'effectiveDate'] as const) {
    if (given(argument)) {
      const why = argument === 'effectiveDate' ? 'renewal schedules each roll itself (rollLeadTime)' : 'the provider makes the key and the issuer the certificate';
      issues.push({ argument, message: `The \`${argument}\` argument does not go with a certificate from an issuer: ${why}; remove \`${argument}\`.` });
    }
  }
  const renewBeforeMs = given('renewBefore') ? durationRule('renewBefore', raw.renewBefore, RENEW_BEFORE_BOUNDS_MS, issues) : undefined;
  const rollLeadTimeMs = given('rollLeadTime') ? durationRule('rollLeadTime', raw.rollLeadTime, ROLL_LEAD_TIME_BOUNDS_MS, issues) : DEFAULT_ROLL_LEAD_TIME_MS;
  let allowImmediateRenewal = false;
  if (given('allowImmediateRenewal')) {
    if (typeof raw.allowImmediateRenewal === 'boolean') allowImmediateRenewal = raw.allowImmediateRenewal;
    else issues.push({ argument: 'allowImmediateRenewal', message: `The \`allowImmediateRenewal\` argument must be true or false; got ${printValue(raw.allowImmediateRenewal)}.` });
  }
  if (renewBeforeMs !== undefined && rollLeadTimeMs !== undefined && renewBeforeMs < rollLeadTimeMs + ROLL_LEAD_TIME_MS) {
    issues.push({
      argument: 'renewBefore',
      message: `The \`renewBefore\` argument is ${formatDuration(renewBeforeMs)}, shorter than the rollLeadTime (${formatDuration(rollLeadTimeMs)}) plus the 24 hours Skype needs between a roll and the current certificate's NotAfter, so every renewal would start late; make renewBefore at least ${formatDuration(rollLeadTimeMs + ROLL_LEAD_TIME_MS)}, or leave it out for a third of the lifetime.`,
    });
  }
  if (issues.length > 0 || issuer === undefined || rollLeadTimeMs === undefined) return { issues };
  return { issuer, renewal: { ...(renewBeforeMs !== undefined ? { renewBeforeMs } : {}), rollLeadTimeMs, allowImmediateRenewal }, issues };
}
