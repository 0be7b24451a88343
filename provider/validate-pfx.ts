/**
 * The library entry point for PFX validation: gathers facts with the adapters, decides with the
 * pure checks, and reports every finding with the chosen certificate's facts.
 */
import type { CertificateFacts } from './domain/certificate-facts';
import { isSfbError, SfbError, type Finding, type PfxErrorCode, type PfxWarningCode } from './domain/errors';
import { checkPfx, type PfxVerdict } from './domain/pfx-checks';
import { openPfxContainer } from './adapters/pfx/pfx-container';
import { pfxBytesFrom } from './adapters/pfx/pfx-input';
import { inspectContainer } from './adapters/x509/inspect-container';

/**
 * The highest KDF or MAC iteration count accepted. Java's PKCS12KeyStore refuses counts above
 * 5,000,000 (MAX_ITERATION_COUNT) for the same reason: the count comes from the file, and an
 * attacker-sized count would make validation (which runs in `pulumi preview`) hang.
 */
export const MAX_PFX_ITERATIONS = 5_000_000;

export interface ValidatePfxOptions {
  /** The Skype SIP domain the certificate must name. */
  readonly sipDomain?: string;
  /** When the certificate becomes current (ISO 8601 or Date); absent: now. */
  readonly effectiveDate?: Date | string;
  /** @default 2048 */
  readonly minKeyBits?: number;
  /** @default 30 */
  readonly warnBeforeExpiryDays?: number;
  /** The clock. @default new Date() at the call */
  readonly now?: Date;
  /** Selects one certificate when the file holds several with their keys. */
  readonly thumbprint?: string;
  /** How messages name the input. @default "PFX" */
  readonly inputName?: string;
}

/** The outcome of validation: the findings and the chosen certificate's facts. */
export interface PfxValidation {
  readonly valid: boolean;
  readonly thumbprint: string | null;
  readonly subject: string | null;
  readonly dnsNames: readonly string[];
  readonly keyAlgorithm: string | null;
  readonly keyBits: number | null;
  readonly notBefore: string | null;
  readonly notAfter: string | null;
  readonly chainSize: number;
  readonly errors: readonly Finding<PfxErrorCode>[];
  readonly warnings: readonly Finding<PfxWarningCode>[];
}

function report(verdict: PfxVerdict): PfxValidation {
  const certificate: CertificateFacts | undefined = verdict.chosen?.certificate;
  return {
    valid: verdict.valid,
    thumbprint: certificate?.thumbprint ?? null,
    subject: certificate?.subject ?? null,
    dnsNames: certificate?.dnsNames ?? [],
    keyAlgorithm: verdict.chosen?.key.algorithm ?? null,
    keyBits: verdict.chosen?.key.bits ?? null,
    notBefore: certificate?.notBefore.toISOString() ?? null,
    notAfter: certificate?.notAfter.toISOString() ?? null,
    chainSize: verdict.chosen?.chainSize ?? 0,
    errors: verdict.errors,
    warnings: verdict.warnings,
  };
}

/**
 * Validates a PFX (binary bytes, or base64 text) with its password (`null`: no password, which
 * is not the empty password). Never throws for a bad file: every problem is a finding.
 * Throws only for invalid options (an SfbError with INVALID_ARGUMENT).
 */
export async function validatePfx(input: Uint8Array | string, password: string | null, options: ValidatePfxOptions = {}): Promise<PfxValidation> {
  const inputName = options.inputName ?? 'PFX';
  const effectiveDate = options.effectiveDate === undefined ? undefined : new Date(options.effectiveDate);
  if (effectiveDate && Number.isNaN(effectiveDate.getTime())) {
    throw new SfbError('INVALID_ARGUMENT', `The effective date "${String(options.effectiveDate)}" is not an ISO 8601 date; write it like 2026-12-01T00:00:00Z.`);
  }
  const policy = {
    inputName,
    now: options.now ?? new Date(),
    minKeyBits: options.minKeyBits ?? 2048,
    warnBeforeExpiryDays: options.warnBeforeExpiryDays ?? 30,
    ...(options.sipDomain !== undefined ? { sipDomain: options.sipDomain } : {}),
    ...(effectiveDate ? { effectiveDate } : {}),
    ...(options.thumbprint !== undefined ? { thumbprint: options.thumbprint } : {}),
  };
  try {
    const bytes = pfxBytesFrom(input, inputName);
    const container = await openPfxContainer(bytes, password, { inputName, maxIterations: MAX_PFX_ITERATIONS });
    return report(checkPfx(inspectContainer(container, inputName), policy));
  } catch (error) {
    if (isSfbError(error) && error.code.startsWith('PFX_')) {
      return report({ valid: false, errors: [{ code: error.code as PfxErrorCode, message: error.message }], warnings: [] });
    }
    throw error;
  }
}
