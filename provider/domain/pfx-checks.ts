/**
 * Decides whether a PFX can serve as the OAuthTokenIssuer certificate. Pure: the facts come in
 * gathered (certificate-facts.ts), time comes in as `now`, and every finding goes out at once,
 * each with a code from errors.ts and a sentence naming the input, the value seen and the fix.
 *
 * The requirements trace to the Skype documentation digest
 * (docs/skype-oauth-token-issuer.md): the private key travels with the
 * certificate, the key is at least 2048 bits, the SIP domain is in the certificate's names, and
 * the same certificate is used everywhere (so the choice of certificate must be unambiguous).
 */
import type { CertificateFacts, ContainerFacts, KeyFacts } from './certificate-facts';
import type { Finding, PfxErrorCode, PfxWarningCode } from './errors';
import { namesCarrySipDomain } from './sip-domain';
import { becomesCurrentAt, DAY_MS, isoMinute } from './time';

/** What the caller asks of the certificate. */
export interface ValidationPolicy {
  /** How messages name the input, e.g. `PFX file "s2s.pfx"` or `` `pfx` input ``. */
  readonly inputName: string;
  /** The Skype SIP domain that must be among the certificate's names; absent: not checked. */
  readonly sipDomain?: string;
  /** When the certificate becomes current; absent or past: now (see becomesCurrentAt). */
  readonly effectiveDate?: Date;
  readonly now: Date;
  /** @default 2048 (the Skype requirement) */
  readonly minKeyBits: number;
  /** Warn when the certificate expires within this many days of when it becomes current. @default 30 */
  readonly warnBeforeExpiryDays: number;
  /** Selects one certificate when the file holds several key pairs (40 hex, any case, separators ignored). */
  readonly thumbprint?: string;
}

/** The certificate chosen from the file with its key. */
export interface ChosenPair {
  readonly certificate: CertificateFacts;
  readonly key: KeyFacts;
  /** Certificates in the chain from the leaf found in the file, leaf included. */
  readonly chainSize: number;
  /** The facts the later checks used, for the resource to record. */
  readonly recorded: RecordedFacts;
}

/** The outcome: every error and warning, and the chosen pair when one could be chosen. */
export interface PfxVerdict {
  readonly valid: boolean;
  readonly chosen?: ChosenPair;
  readonly errors: readonly Finding<PfxErrorCode>[];
  readonly warnings: readonly Finding<PfxWarningCode>[];
}

/**
 * Every fact the checks use once a certificate is chosen, and nothing secret. The resource keeps
 * these in state so that a preview of an unchanged PFX re-checks the same facts (time and policy
 * may have changed) without decrypting the file again, and reports the same warnings every time
 * (invented facts would make PFX_NO_MAC and CHAIN_INCOMPLETE vanish after one preview).
 */
export interface RecordedFacts {
  readonly hasMac: boolean;
  readonly thumbprint: string;
  readonly subject: string;
  readonly commonNames: readonly string[];
  readonly dnsNames: readonly string[];
  /** ISO 8601. */
  readonly notBefore: string;
  /** ISO 8601. */
  readonly notAfter: string;
  readonly signatureHash: CertificateFacts['signatureHash'];
  readonly keyAlgorithm: string;
  readonly keyBits: number | null;
  readonly chainSize: number;
  readonly chainComplete: boolean;
}

/** Uppercase hex without separators, the form Windows shows and `Set-CsCertificate -Thumbprint` takes. */
export function normaliseThumbprint(value: string): string {
  return value.replace(/[\s:-]/g, '').toUpperCase();
}

function namesOf(certificate: CertificateFacts): string[] {
  return [...new Set([...certificate.commonNames, ...certificate.dnsNames])];
}

interface Pair {
  readonly key: KeyFacts;
  readonly certificateIndex: number;
}

function chainOf(facts: ContainerFacts, leafIndex: number): { size: number; complete: boolean } {
  const seen = new Set<number>([leafIndex]);
  let current = facts.certificates[leafIndex]!;
  for (;;) {
    if (current.selfSigned) return { size: seen.size, complete: true };
    const next = current.issuerIndexes.find((i) => !seen.has(i));
    if (next === undefined) return { size: seen.size, complete: false };
    seen.add(next);
    current = facts.certificates[next]!;
  }
}

/** Applies every check to the facts of a PFX that opened. */
export function checkPfx(facts: ContainerFacts, policy: ValidationPolicy): PfxVerdict {
  const errors: Finding<PfxErrorCode>[] = [];
  const warnings: Finding<PfxWarningCode>[] = [];
  const input = policy.inputName;
  const error = (code: PfxErrorCode, message: string) => errors.push({ code, message });
  const warn = (code: PfxWarningCode, message: string) => warnings.push({ code, message });
  const verdict = (chosen?: ChosenPair): PfxVerdict => ({ valid: errors.length === 0, ...(chosen ? { chosen } : {}), errors, warnings });

  if (!facts.hasMac) {
    warn('PFX_NO_MAC', `The ${input} has no integrity MAC, so tampering cannot be detected; re-export it with a MAC (OpenSSL does by default).`);
  }
  if (facts.keys.length === 0) {
    error('PFX_NO_PRIVATE_KEY', `The ${input} holds ${facts.certificates.length} certificate(s) but no private key; export the certificate together with its private key.`);
    return verdict();
  }
  const pairs: Pair[] = facts.keys.flatMap((key) => key.matchingCertificateIndexes.map((certificateIndex) => ({ key, certificateIndex })));
  const strayKeys = facts.keys.filter((key) => key.matchingCertificateIndexes.length === 0).length;
  if (strayKeys > 0) {
    error(
      'PFX_KEY_MISMATCH',
      `The ${input} holds ${strayKeys} private key(s) that match none of its ${facts.certificates.length} certificate(s); ` +
        'export the certificate together with its own private key.',
    );
  }
  if (pairs.length === 0) return verdict();

  const cert = (pair: Pair) => facts.certificates[pair.certificateIndex]!;
  let chosen: Pair | undefined;
  if (policy.thumbprint !== undefined) {
    const wanted = normaliseThumbprint(policy.thumbprint);
    chosen = pairs.find((pair) => cert(pair).thumbprint === wanted);
    if (!chosen) {
      error(
        'PFX_NO_PRIVATE_KEY',
        `The ${input} has no certificate with thumbprint ${wanted} together with its private key; ` +
          `it holds ${pairs.map((p) => cert(p).thumbprint).join(', ')}: choose one of those or fix the thumbprint.`,
      );
      return verdict();
    }
  } else if (pairs.length === 1) {
    chosen = pairs[0];
  } else {
    const carrying = policy.sipDomain === undefined ? pairs : pairs.filter((pair) => namesCarrySipDomain(namesOf(cert(pair)), policy.sipDomain!));
    if (carrying.length === 1) {
      chosen = carrying[0];
    } else {
      const candidates = carrying.length > 1 ? carrying : pairs;
      const why = policy.sipDomain === undefined ? '' : carrying.length > 1 ? ` that carry the SIP domain "${policy.sipDomain}"` : `, none carrying the SIP domain "${policy.sipDomain}"`;
      error(
        'PFX_AMBIGUOUS',
        `The ${input} holds ${candidates.length} certificates with their private keys${why} (${candidates.map((p) => cert(p).thumbprint).join(', ')}); ` +
          'select one by thumbprint, or export only the one to use.',
      );
      return verdict();
    }
  }
  const pair = chosen!;
  const leaf = cert(pair);
  const chain = chainOf(facts, pair.certificateIndex);
  const recorded = recordFacts(facts.hasMac, leaf, pair.key, chain);
  const later = checkRecordedFacts(recorded, policy);
  // PFX_NO_MAC was reported above, before the choice; keep every other finding of the later checks.
  errors.push(...later.errors);
  warnings.push(...later.warnings.filter((w) => w.code !== 'PFX_NO_MAC'));
  return verdict({ certificate: leaf, key: pair.key, chainSize: chain.size, recorded });
}

function recordFacts(hasMac: boolean, leaf: CertificateFacts, key: KeyFacts, chain: { size: number; complete: boolean }): RecordedFacts {
  return {
    hasMac,
    thumbprint: leaf.thumbprint,
    subject: leaf.subject,
    commonNames: [...leaf.commonNames],
    dnsNames: [...leaf.dnsNames],
    notBefore: leaf.notBefore.toISOString(),
    notAfter: leaf.notAfter.toISOString(),
    signatureHash: leaf.signatureHash,
    keyAlgorithm: key.algorithm,
    keyBits: key.bits ?? null,
    chainSize: chain.size,
    chainComplete: chain.complete,
  };
}

/**
 * The checks that follow the choice of certificate, on recorded facts: key, SIP domain, validity
 * at the moment it becomes current, signature and chain, and the MAC warning. `checkPfx` runs
 * them on fresh facts; the resource runs them on the facts it recorded for an unchanged PFX.
 */
export function checkRecordedFacts(facts: RecordedFacts, policy: ValidationPolicy): { readonly errors: readonly Finding<PfxErrorCode>[]; readonly warnings: readonly Finding<PfxWarningCode>[] } {
  const errors: Finding<PfxErrorCode>[] = [];
  const warnings: Finding<PfxWarningCode>[] = [];
  const input = policy.inputName;
  const error = (code: PfxErrorCode, message: string) => errors.push({ code, message });
  const warn = (code: PfxWarningCode, message: string) => warnings.push({ code, message });
  const names = [...new Set([...facts.commonNames, ...facts.dnsNames])];
  const notBefore = new Date(facts.notBefore);
  const notAfter = new Date(facts.notAfter);

  if (!facts.hasMac) {
    warn('PFX_NO_MAC', `The ${input} has no integrity MAC, so tampering cannot be detected; re-export it with a MAC (OpenSSL does by default).`);
  }
  if (facts.keyAlgorithm !== 'rsa') {
    error('KEY_NOT_RSA', `The ${input}'s private key is ${facts.keyAlgorithm.toUpperCase()}, not RSA; Skype's OAuthTokenIssuer certificate needs an RSA key of at least ${policy.minKeyBits} bits: request a certificate with an RSA key.`);
  } else if ((facts.keyBits ?? 0) < policy.minKeyBits) {
    error('KEY_TOO_SMALL', `The ${input}'s RSA key is ${facts.keyBits ?? 'of unknown size'} bits, below the required ${policy.minKeyBits}; request a certificate with a key of at least ${policy.minKeyBits} bits.`);
  }
  if (policy.sipDomain !== undefined && !namesCarrySipDomain(names, policy.sipDomain)) {
    const described = names.length === 0 ? 'no names' : names.map((n) => `"${n}"`).join(', ');
    error('SIP_DOMAIN_MISSING', `The ${input}'s certificate (${facts.thumbprint}) names ${described}, none of them the SIP domain "${policy.sipDomain}"; use a certificate whose subject or SAN includes "${policy.sipDomain}" or a name under it.`);
  }

  // One rule for "when": the later of now and the effective date (a past date means now).
  const becomesCurrent = becomesCurrentAt(policy.now, policy.effectiveDate);
  const scheduled = becomesCurrent !== policy.now;
  const when = scheduled
    ? `its effective date ${isoMinute(becomesCurrent)}`
    : policy.effectiveDate
      ? `now (${isoMinute(policy.now)}; its effective date ${isoMinute(policy.effectiveDate)} has passed)`
      : `now (${isoMinute(policy.now)})`;
  if (notAfter.getTime() <= policy.now.getTime()) {
    error('CERT_EXPIRED', `The ${input}'s certificate (${facts.thumbprint}) expired at ${isoMinute(notAfter)}; renew it.`);
  } else if (scheduled && notAfter.getTime() <= becomesCurrent.getTime()) {
    error('CERT_EXPIRES_BEFORE_EFFECTIVE_DATE', `The ${input}'s certificate (${facts.thumbprint}) expires at ${isoMinute(notAfter)}, before ${when}; renew it or move the effective date earlier.`);
  } else if (notAfter.getTime() - becomesCurrent.getTime() < policy.warnBeforeExpiryDays * DAY_MS) {
    warn('CERT_EXPIRES_SOON', `The ${input}'s certificate (${facts.thumbprint}) expires at ${isoMinute(notAfter)}, within ${policy.warnBeforeExpiryDays} days of ${when}; plan its renewal.`);
  }
  if (notBefore.getTime() > becomesCurrent.getTime()) {
    const fix = scheduled || policy.effectiveDate ? `set the effective date to ${isoMinute(notBefore)} or later` : `set an effective date of ${isoMinute(notBefore)} or later, or use a certificate valid now`;
    error('CERT_NOT_YET_VALID', `The ${input}'s certificate (${facts.thumbprint}) is valid only from ${isoMinute(notBefore)}, after ${when}; ${fix}.`);
  }
  if (facts.signatureHash === 'sha1') {
    warn('CERT_SHA1_SIGNATURE', `The ${input}'s certificate (${facts.thumbprint}) is signed with SHA-1, which partners may reject; request one signed with SHA-256.`);
  }
  if (!facts.chainComplete) {
    warn('CHAIN_INCOMPLETE', `The ${input} holds ${facts.chainSize} certificate(s) of its chain but not up to a root; every Front End Server must already trust the issuing CA, or export the PFX with the whole chain.`);
  }
  return { errors, warnings };
}
