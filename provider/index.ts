/** sfb-oauth-cert: the Skype for Business OAuthTokenIssuer certificate as a Pulumi resource. */
export { OAuthTokenIssuerCertificate, CertificateStores, FrontEndPools, Issuers, AcmeChallenges, pfxFromFile } from './pulumi/resource';
export type { IssuerCertificateSource, AcmeIssuerOptions, AcmeChallenge, HookChallengeOptions } from './pulumi/resource';
export type { FrontEndPoolArgs, PowerShellPoolOptions } from './pulumi/resource';
export type {
  OAuthTokenIssuerCertificateArgs,
  CertificateStoreSpec,
  LocalStoreOptions,
  LocalCertificateStoreSpec,
  AwsSecretsManagerStoreOptions,
  AwsSecretsManagerStoreSpec,
} from './pulumi/resource';
export { validatePfx, MAX_PFX_ITERATIONS } from './validate-pfx';
export type { PfxValidation, ValidatePfxOptions } from './validate-pfx';
export { planRoll } from './domain/roll-plan';
export type { RollPlan, CertificateSlots } from './domain/roll-plan';
export type { RecordedFacts } from './domain/pfx-checks';
export { isSfbError } from './domain/errors';
export type { ErrorCode, Finding } from './domain/errors';
