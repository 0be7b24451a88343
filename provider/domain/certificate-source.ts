/**
 * Where the resource's certificate comes from, and the rules for declaring it. The Skype
 * documentation gives the deployment its OAuthTokenIssuer certificate either from a PFX
 * (`Import-CsCertificate -Identity Global`) or from a certificate a Front End Server already holds
 * (`Set-CsCertificate -Identity Global -Type OAuthTokenIssuer -Thumbprint $x`, run once on that
 * server, with `$x = (Get-CsCertificate -Type Default).Thumbprint` for the one Skype already uses):
 * docs/skype-oauth-token-issuer.md. Each way is one variant of {@link CertificateSource}, told
 * apart by `kind`; a new way (an issuer) is a new variant and a new branch of {@link sourceRule}.
 * Pure: no Pulumi, no clock.
 */
import { printValue } from './printed-value';
import type { FrontEndPoolSpec } from './front-end-pool-spec';
import type { ServerCertificateFacts } from './server-certificate-checks';
import type { ServerCertificateAnswer, ServerCertificateQuery } from '../ports/server-certificates';

/** The PFX given as `pfx` (and `password`): both secret, so they travel beside the source, not in it. */
export interface PfxSource {
  readonly kind: 'pfx';
}

/** A certificate already in `Cert:\LocalMachine\My` of a Front End Server, by its thumbprint. */
export interface ThumbprintSource {
  readonly kind: 'thumbprint';
  /** 40 uppercase hex digits, as Windows shows it and `Set-CsCertificate -Thumbprint` takes it. */
  readonly thumbprint: string;
  /** The pool's server whose store holds it: where it is checked and assigned from. */
  readonly server: string;
}

/**
 * The certificate a Front End Server already uses for another Skype type (`Default`): read once
 * on that server (`(Get-CsCertificate -Type Default).Thumbprint`) at each preview, and kept in
 * state as a thumbprint, so a renewal of it later shows in preview as a roll.
 */
export interface FromTypeSource {
  readonly kind: 'fromType';
  readonly type: CertificateUseToReuse;
  readonly server: string;
}

/** The one use whose certificate the Skype documentation reuses for OAuthTokenIssuer. */
export type CertificateUseToReuse = 'Default';
const REUSABLE_TYPES: readonly CertificateUseToReuse[] = ['Default'];

export type CertificateSource = PfxSource | ThumbprintSource | FromTypeSource;

/** A source whose certificate a Front End Server holds (nothing secret reaches the provider). */
export type ServerHeldSource = ThumbprintSource | FromTypeSource;

export function isServerHeld(source: CertificateSource): source is ServerHeldSource {
  return source.kind === 'thumbprint' || source.kind === 'fromType';
}

/** What the user declares as `certificate`: the state's `certificate` input, as written. */
export type DeclaredCertificateSource = { readonly thumbprint: string; readonly server?: string } | { readonly fromType: CertificateUseToReuse; readonly server: string };

/** One problem with the source, as a sentence naming the argument and the fix. */
export interface SourceIssue {
  readonly argument: 'pfx' | 'password' | 'certificate';
  readonly message: string;
}

// Windows' certificate dialog puts an invisible left-to-right mark before the thumbprint it shows,
// and older versions show it in pairs separated by spaces: a copied thumbprint carries both.
const THUMBPRINT_DECORATION = /[\s\u200e\u200f:]/g;

/** A thumbprint as Windows compares it: 40 uppercase hex digits, or undefined. */
export function canonicalThumbprint(value: string): string | undefined {
  const bare = value.replace(THUMBPRINT_DECORATION, '').toUpperCase();
  return /^[0-9A-F]{40}$/.test(bare) ? bare : undefined;
}

const BOTH_SOURCES = 'The `pfx` and `certificate` arguments are two sources of the certificate; give exactly one: `pfx: pfxFromFile("s2s.pfx")` (with `password`) to import a PFX, or `certificate: { thumbprint: "..." }` (or `{ fromType: "Default", server: "fe01..." }`) for a certificate a Front End Server already has.';
const NO_SOURCE = 'The certificate has no source: give `pfx: pfxFromFile("s2s.pfx")` (with `password`) to import a PFX, or `certificate: { thumbprint: "..." }` (or `{ fromType: "Default", server: "fe01..." }`) for a certificate a Front End Server already has; one of the two `pfx` and `certificate` arguments is required.';

function serverRule(value: unknown, pool: FrontEndPoolSpec | undefined, required: boolean, issue: (message: string) => void): string | undefined {
  if (value === undefined || value === null) {
    if (required) issue('The `certificate` argument\'s `server` is missing: name the Front End Server whose Default certificate to reuse, e.g. { fromType: "Default", server: "fe01.contoso.com" }.');
    return pool?.servers[0];
  }
  if (typeof value !== 'string' || value.trim() === '') {
    issue(`The \`certificate\` argument's \`server\` must be the FQDN of a server of the pool; got ${printValue(value)}.`);
    return undefined;
  }
  const server = value.trim().toLowerCase().replace(/\.$/, '');
  if (pool && !pool.servers.includes(server)) {
    issue(`The \`certificate\` argument's \`server\` ${printValue(value)} is not a server of the pool (${pool.servers.join(', ')}); name one of them: the certificate is read from and assigned on it.`);
    return undefined;
  }
  return server;
}

/**
 * The source the arguments declare, or the issues. `pool`: the checked pool (absent: none
 * declared, or not known yet when `poolKnown` is false). Secret arguments are described by kind
 * only, never by value.
 */
export function sourceRule(
  raw: { readonly pfx?: unknown; readonly password?: unknown; readonly certificate?: unknown },
  pool: FrontEndPoolSpec | undefined,
  poolKnown: boolean = true,
): { readonly source?: CertificateSource; readonly issues: readonly SourceIssue[] } {
  const issues: SourceIssue[] = [];
  const given = (value: unknown) => value !== undefined && value !== null;
  const certificate = raw.certificate;
  if (given(raw.pfx) && given(certificate)) return { issues: [{ argument: 'certificate', message: BOTH_SOURCES }] };
  if (!given(certificate)) {
    const pfx = raw.pfx;
    if (!given(pfx)) return { issues: [{ argument: 'certificate', message: NO_SOURCE }] };
    if (typeof pfx !== 'string' || pfx.length === 0) {
      issues.push({ argument: 'pfx', message: `The \`pfx\` argument ${typeof pfx === 'string' ? 'is empty' : `is a ${typeof pfx}, not a string`}; pass the PFX as base64, e.g. pfx: pfxFromFile("s2s.pfx").` });
    }
    const password = raw.password;
    if (given(password) && typeof password !== 'string') {
      issues.push({ argument: 'password', message: `The \`password\` argument must be a string (or left out for a PFX without a password); got a ${typeof password}.` });
    }
    return issues.length > 0 ? { issues } : { source: { kind: 'pfx' }, issues };
  }

  const issue = (message: string) => issues.push({ argument: 'certificate', message });
  if (given(raw.password)) issue('The `password` argument belongs to a PFX; a certificate a Front End Server already has needs none (its private key stays on the server): remove `password`.');
  if (typeof certificate !== 'object' || Array.isArray(certificate)) {
    issue(`The \`certificate\` argument must be { thumbprint: "..." } or { fromType: "Default", server: "fe01.contoso.com" }; got ${printValue(certificate)}.`);
    return { issues };
  }
  const fields = certificate as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((key) => !['thumbprint', 'fromType', 'server'].includes(key) && fields[key] !== undefined);
  if (unknown.length > 0) issue(`The \`certificate\` argument has fields it does not know (${unknown.join(', ')}); it takes \`thumbprint\` (and \`server\`) or \`fromType\` and \`server\`.`);
  if (given(fields.thumbprint) && given(fields.fromType)) {
    issue('The `certificate` argument gives both `thumbprint` and `fromType`; give one: the thumbprint of the certificate, or the type whose certificate to reuse.');
    return { issues };
  }
  if (!given(fields.thumbprint) && !given(fields.fromType)) {
    issue('The `certificate` argument names no certificate: give { thumbprint: "..." } or { fromType: "Default", server: "fe01.contoso.com" }.');
    return { issues };
  }
  if (poolKnown && pool === undefined) {
    issue('A certificate a Front End Server already has is checked (read from `Cert:\\LocalMachine\\My` on that server) and assigned there, so it needs the `pool` argument: add pool: FrontEndPools.powershell({ servers: [...] }), or give the certificate as a PFX (`pfx`, `password`).');
  }
  if (pool?.mode === 'manual') {
    // Manual mode imports the PFX on every server; Skype documents reuse by thumbprint only as the
    // global assignment that replication deploys (Set-CsCertificate -Identity global -Thumbprint).
    issue('A certificate a Front End Server already has is assigned once, globally, and replication deploys it; a pool in `mode: \'manual\'` imports a PFX on each server instead. Leave out `mode: \'manual\'`, or give the certificate as a PFX (`pfx`, `password`).');
  }
  let source: ServerHeldSource | undefined;
  if (given(fields.thumbprint)) {
    const thumbprint = typeof fields.thumbprint === 'string' ? canonicalThumbprint(fields.thumbprint) : undefined;
    if (thumbprint === undefined) issue(`The \`certificate\` argument's \`thumbprint\` ${printValue(fields.thumbprint)} is not a SHA-1 thumbprint: write its 40 hex digits as Windows shows them (Get-ChildItem Cert:\\LocalMachine\\My), e.g. "7F3A...".`);
    const server = serverRule(fields.server, pool, false, issue);
    if (thumbprint !== undefined && server !== undefined) source = { kind: 'thumbprint', thumbprint, server };
  } else {
    const type = fields.fromType;
    const known = REUSABLE_TYPES.find((t) => typeof type === 'string' && t.toLowerCase() === type.toLowerCase());
    if (known === undefined) issue(`The \`certificate\` argument's \`fromType\` ${printValue(type)} is not a type whose certificate Skype reuses for OAuthTokenIssuer; write fromType: "Default" (the documented one).`);
    const server = serverRule(fields.server, pool, true, issue);
    if (known !== undefined && server !== undefined) source = { kind: 'fromType', type: known, server };
  }
  return issues.length > 0 || source === undefined ? { issues } : { source, issues };
}

/** The source as the store's record and the plan line name it. */
export function describeSource(source: ServerHeldSource, thumbprint?: string): string {
  if (source.kind === 'thumbprint') return `certificate ${source.thumbprint} of ${source.server}`;
  return `${source.server}'s ${source.type} certificate${thumbprint ? ` (${thumbprint})` : ''}`;
}

/** What to ask the server: the thumbprint (the declared one, or the one state keeps), or the type's certificate. */
export function serverHeldQuery(source: ServerHeldSource, thumbprint?: string): ServerCertificateQuery {
  if (thumbprint !== undefined) return { thumbprint };
  return source.kind === 'thumbprint' ? { thumbprint: source.thumbprint } : { fromType: source.type };
}

/** The certificate's facts, or why there are none: a failure with its code and sentence. */
export type ServerHeldRead = { readonly facts: ServerCertificateFacts } | { readonly failure: { readonly code: string; readonly message: string } };

/** What the server's answer means for the source (CERT_NOT_ON_SERVER when it holds nothing that fits). */
export function serverHeldOutcome(source: ServerHeldSource, answer: ServerCertificateAnswer): ServerHeldRead {
  if (answer.thumbprint === undefined) {
    const type = source.kind === 'fromType' ? source.type : 'Default';
    return { failure: { code: 'CERT_NOT_ON_SERVER', message: `${source.server} has no ${type} certificate (Get-CsCertificate -Type ${type} on it shows none); assign one there first, or give the certificate by its thumbprint.` } };
  }
  if (answer.facts === undefined) {
    const which = source.kind === 'fromType' ? ` (${source.server}'s ${source.type} certificate)` : '';
    return { failure: { code: 'CERT_NOT_ON_SERVER', message: `Certificate ${answer.thumbprint}${which} is not in Cert:\\LocalMachine\\My on ${source.server}; import it there with its private key (Import-CsCertificate -PrivateKeyExportable $True), or name the server that holds it in the \`certificate\` argument's \`server\`.` } };
  }
  return { facts: answer.facts };
}
