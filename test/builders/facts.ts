/** Builders with defaults for the pure checks: a valid contoso.com pair unless told otherwise. */
import type { CertificateFacts, ContainerFacts, KeyFacts } from '../../provider/domain/certificate-facts';
import type { ValidationPolicy } from '../../provider/domain/pfx-checks';

export const NOW = new Date('2026-06-01T00:00:00Z');

export function aCertificate(overrides: Partial<CertificateFacts> = {}): CertificateFacts {
  return {
    thumbprint: 'A'.repeat(40),
    subject: 'CN=sfb-fe01.contoso.com',
    commonNames: ['sfb-fe01.contoso.com'],
    dnsNames: ['sfb-fe01.contoso.com', 'sip.contoso.com'],
    notBefore: new Date('2025-01-01T00:00:00Z'),
    notAfter: new Date('2035-01-01T00:00:00Z'),
    signatureHash: 'sha2',
    selfSigned: true,
    issuerIndexes: [],
    ...overrides,
  };
}

export function aKey(overrides: Partial<KeyFacts> = {}): KeyFacts {
  return { algorithm: 'rsa', bits: 2048, matchingCertificateIndexes: [0], ...overrides };
}

export function aContainer(overrides: Partial<ContainerFacts> = {}): ContainerFacts {
  return { hasMac: true, keys: [aKey()], certificates: [aCertificate()], ...overrides };
}

export function aPolicy(overrides: Partial<ValidationPolicy> = {}): ValidationPolicy {
  return { inputName: 'PFX file "s2s.pfx"', sipDomain: 'contoso.com', now: NOW, minKeyBits: 2048, warnBeforeExpiryDays: 30, ...overrides };
}
