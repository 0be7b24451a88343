/**
 * Pulumi's resource names (URNs) as the review reads them: the type token and the name. A URN is
 * `urn:pulumi:STACK::PROJECT::PARENT-TYPE$TYPE::NAME` (Pulumi's docs, "Resource names"); the
 * name a program gives may itself hold `::`.
 */
import type { CertificateRef } from '../../domain/review';

/** The type token the engine gives `OAuthTokenIssuerCertificate` (a dynamic resource of module `sfb`). */
export const CERTIFICATE_TYPE = 'pulumi-nodejs:dynamic/sfb:OAuthTokenIssuerCertificate';

/** The type token in a URN: the last `$` segment of its third `::` part. */
export function typeOfUrn(urn: string): string {
  const qualified = urn.split('::')[2] ?? '';
  return qualified.slice(qualified.lastIndexOf('$') + 1);
}

/** The resource name in a URN: everything after the type (a name may itself hold `::`). */
export function nameOfUrn(urn: string): string {
  return urn.split('::').slice(3).join('::');
}

/** The certificate a URN names: its URN and name. */
export function certificateRef(urn: string): CertificateRef {
  return { urn, name: nameOfUrn(urn) };
}
