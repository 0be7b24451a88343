/**
 * The issuer adapters, for the composition that builds an issuer from the resource's arguments,
 * and `issueCertificate`, the one path from an issuer to a stored certificate (docs/renewal.md).
 */
export { issueCertificate, type IssueCertificateOptions, type IssuedCertificate } from './issue-certificate';
export { selfSignedIssuer, type SelfSignedOptions } from './self-signed';
export { commandIssuer, type CommandIssuerOptions } from './command-issuer';
export { acmeIssuer, generateAcmeAccountKey, retryAtOf, type AcmeIssuerOptions, type RateLimitedError } from './acme-issuer';
export type { ChallengeRecord, ChallengeSolver, Dns01Record, Http01Record } from './acme-challenge';
export { challengeHooks, type ChallengeHookOptions } from './challenge-hooks';
export { route53Dns01, type Route53Dns01Options } from './route53-dns01';
export { issuerFromSpec, type IssuerContext } from './from-spec';
