/**
 * Decides whether a certificate a Front End Server already holds can serve as the
 * OAuthTokenIssuer certificate. Get-CsCertificate's documented properties carry no key size, no
 * private key and no exportability, so the facts come from the certificate itself in
 * `Cert:\LocalMachine\My` on that server (the PowerShell adapter's server-certificate script).
 * The rules are the PFX's (pfx-checks.ts: RSA >= minKeyBits, the SIP domain in subject or SAN,
 * validity when it becomes current) plus the two a PFX proves by being a PFX: the server holds
 * the private key, and the key can be exported, which `Set-CsCertificate -Identity Global` needs
 * to put it in the Central Management Store that replication copies to every server
 * (docs/skype-oauth-token-issuer.md). A fact the server could not give is a check not made, said
 * in the plan line, never a check passed.
 * Pure: time comes in as `now`.
 */
import type { Finding, PfxErrorCode, PfxWarningCode, OperationErrorCode } from './errors';
import { namesCarrySipDomain } from './sip-domain';
import { becomesCurrentAt, DAY_MS, isoMinute } from './time';

/** What the server's store shows of one certificate; nothing secret. */
export interface ServerCertificateFacts {
  /** 40 uppercase hex. */
  readonly thumbprint: string;
  /** The server it was read on. */
  readonly server: string;
  readonly subject: string;
  /** The SAN's DNS names (PowerShell's `DnsNameList`). */
  readonly dnsNames: readonly string[];
  /** ISO 8601. */
  readonly notBefore: string;
  readonly notAfter: string;
  /** `rsa`, or the public key's algorithm in lower case; absent: not reported. */
  readonly keyAlgorithm?: string;
  /** The public key's size in bits; null: not reported. */
  readonly keyBits: number | null;
  readonly hasPrivateKey: boolean;
  /** Whether the private key may be exported; absent: the server did not say (no key, or a provider the script does not read). */
  readonly privateKeyExportable?: boolean;
}

/** The codes these checks report: the PFX's, where the rule is the same, and the server's own. */
export type ServerCertificateErrorCode = Extract<PfxErrorCode, 'KEY_NOT_RSA' | 'KEY_TOO_SMALL' | 'SIP_DOMAIN_MISSING' | 'CERT_EXPIRED' | 'CERT_NOT_YET_VALID' | 'CERT_EXPIRES_BEFORE_EFFECTIVE_DATE'> | Extract<OperationErrorCode, 'CERT_NO_PRIVATE_KEY' | 'CERT_KEY_NOT_EXPORTABLE'>;

export interface ServerCertificatePolicy {
  readonly sipDomain: string;
  readonly minKeyBits: number;
  readonly warnBeforeExpiryDays: number;
  readonly now: Date;
  readonly effectiveDate?: Date;
}

/** The check names the plan line uses, in this order. */
export const SERVER_CHECKS = ['key size', 'SIP domain', 'validity', 'private key', 'exportable'] as const;
export type ServerCheck = (typeof SERVER_CHECKS)[number];

export interface ServerCertificateVerdict {
  readonly errors: readonly Finding<ServerCertificateErrorCode>[];
  readonly warnings: readonly Finding<PfxWarningCode>[];
  /** The checks the facts allowed. */
  readonly made: readonly ServerCheck[];
  /** The checks the server gave no fact for. */
  readonly notMade: readonly ServerCheck[];
}

/** The CN values of a distinguished name as Windows prints it (`CN=a, OU=b, O=c`). */
export function commonNamesOf(subject: string): string[] {
  const names: string[] = [];
  for (const match of subject.matchAll(/(?:^|[,+]\s*)CN=("(?:[^"]|"")*"|[^,+]*)/gi)) {
    const value = match[1]!.trim();
    names.push(value.startsWith('"') ? value.slice(1, -1).replace(/""/g, '"') : value);
  }
  return names;
}

/** Applies every check the facts allow. */
export function checkServerCertificate(facts: ServerCertificateFacts, policy: ServerCertificatePolicy): ServerCertificateVerdict {
  const errors: Finding<ServerCertificateErrorCode>[] = [];
  const warnings: Finding<PfxWarningCode>[] = [];
  const made: ServerCheck[] = [];
  const notMade: ServerCheck[] = [];
  const what = `certificate ${facts.thumbprint} in Cert:\\LocalMachine\\My on ${facts.server}`;
  const error = (code: ServerCertificateErrorCode, message: string) => errors.push({ code, message });

  if (facts.keyAlgorithm === undefined || facts.keyBits === null) {
    notMade.push('key size');
  } else {
    made.push('key size');
    if (facts.keyAlgorithm !== 'rsa') error('KEY_NOT_RSA', `The ${what} has a ${facts.keyAlgorithm.toUpperCase()} key, not RSA; Skype's OAuthTokenIssuer certificate needs an RSA key of at least ${policy.minKeyBits} bits: request one with an RSA key.`);
    else if (facts.keyBits < policy.minKeyBits) error('KEY_TOO_SMALL', `The ${what} has a ${facts.keyBits}-bit RSA key, below the required ${policy.minKeyBits}; request a certificate with a key of at least ${policy.minKeyBits} bits.`);
  }

  made.push('SIP domain');
  const names = [...new Set([...commonNamesOf(facts.subject), ...facts.dnsNames])];
  if (!namesCarrySipDomain(names, policy.sipDomain)) {
    const described = names.length === 0 ? 'no names' : names.map((n) => `"${n}"`).join(', ');
    error('SIP_DOMAIN_MISSING', `The ${what} names ${described}, none of them the SIP domain "${policy.sipDomain}"; use a certificate whose subject or SAN includes "${policy.sipDomain}" or a name under it.`);
  }

  made.push('validity');
  const notBefore = new Date(facts.notBefore);
  const notAfter = new Date(facts.notAfter);
  const becomesCurrent = becomesCurrentAt(policy.now, policy.effectiveDate);
  const scheduled = becomesCurrent !== policy.now;
  const when = scheduled ? `its effective date ${isoMinute(becomesCurrent)}` : `now (${isoMinute(policy.now)})`;
  if (notAfter.getTime() <= policy.now.getTime()) {
    error('CERT_EXPIRED', `The ${what} expired at ${isoMinute(notAfter)}; renew it on ${facts.server}, or name another certificate.`);
  } else if (scheduled && notAfter.getTime() <= becomesCurrent.getTime()) {
    error('CERT_EXPIRES_BEFORE_EFFECTIVE_DATE', `The ${what} expires at ${isoMinute(notAfter)}, before ${when}; renew it or move the effective date earlier.`);
  } else if (notAfter.getTime() - becomesCurrent.getTime() < policy.warnBeforeExpiryDays * DAY_MS) {
    warnings.push({ code: 'CERT_EXPIRES_SOON', message: `The ${what} expires at ${isoMinute(notAfter)}, within ${policy.warnBeforeExpiryDays} days of ${when}; plan its renewal.` });
  }
  if (notBefore.getTime() > becomesCurrent.getTime()) {
    error('CERT_NOT_YET_VALID', `The ${what} is valid only from ${isoMinute(notBefore)}, after ${when}; set the effective date to ${isoMinute(notBefore)} or later.`);
  }

  made.push('private key');
  if (!facts.hasPrivateKey) {
    error('CERT_NO_PRIVATE_KEY', `The ${what} has no private key there; OAuthTokenIssuer signs with it: import the certificate with its private key on ${facts.server} (a PFX), or name the server that holds it.`);
    notMade.push('exportable');
  } else if (facts.privateKeyExportable === undefined) {
    notMade.push('exportable');
  } else {
    made.push('exportable');
    if (!facts.privateKeyExportable) {
      error('CERT_KEY_NOT_EXPORTABLE', `The ${what} has a private key that cannot be exported; Set-CsCertificate -Identity Global puts the key in the Central Management Store for replication, so import the certificate again on ${facts.server} with an exportable key (Import-PfxCertificate -Exportable, or the Certificates snap-in's "Mark this key as exportable").`);
    }
  }
  return { errors, warnings, made, notMade };
}

/** The plan line's phrase: which checks were made on which server, and which could not be. */
export function checksPhrase(verdict: ServerCertificateVerdict, server: string): string {
  const made = `checked on ${server}: ${verdict.made.join(', ')}`;
  return verdict.notMade.length > 0 ? `${made}; not reported there: ${verdict.notMade.join(', ')}` : made;
}
