/**
 * The library entry point for PFX validation: gathers facts with the adapters, decides with the
 * pure checks, and reports every finding with the chosen certificate's facts.
 */
import type { CertificateFacts } from './domain/certificate-facts';
import { isSfbError, SfbError, type Finding, type PfxErrorCode, type PfxWarningCode } from './domain/errors';
import { checkPfx, type PfxVerdict, type RecordedFacts, type ValidationPolicy } from './domain/pfx-checks';
import { DEFAULT_WARN_BEFORE_EXPIRY_DAYS, MAX_KEY_BITS, SKYPE_MIN_KEY_BITS } from './domain/resource-inputs';
import { parseIsoInstant } from './domain/time';
import { openPfxContainer } from './adapters/pfx/pfx-container';
import { pfxBytesFrom } from './adapters/pfx/pfx-input';
import { inspectContainer } from './adapters/x509/inspect-container';

/**
 * The highest KDF or MAC iteration count accepted. Java's PKCS12KeyStore refuses counts above
 * 5,000,000 (MAX_ITERATION_COUNT) for the same reason: the count comes from the file, and an
 * attacker-sized count would make validation (which runs in `pulumi preview`) hang.
 */
export const MAX_PFX_ITERATIONS = 5_000_000;

/**
 * The per-file limits on top of it, since a hostile file can multiply its cost: the total
 * key-derivation work of a file, in measured units, and the number of bags and parts, all checked
 * before any derivation runs.
 */
export { MAX_PFX_BAGS, MAX_PFX_CONTENTS, MAX_PFX_WORK } from './adapters/pfx/kdf-work';

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

/** The policy from the options; invalid options throw INVALID_ARGUMENT (one strict date parser, Skype's key minimum). */
function policyFrom(options: ValidatePfxOptions, inputName: string): ValidationPolicy {
  let effectiveDate: Date | undefined;
  if (options.effectiveDate instanceof Date) {
    if (Number.isNaN(options.effectiveDate.getTime())) throw new SfbError('INVALID_ARGUMENT', 'The effective date is an invalid Date; pass a valid Date or an ISO 8601 string like 2026-12-01T00:00:00Z.');
    effectiveDate = options.effectiveDate;
  } else if (options.effectiveDate !== undefined) {
    const parsed = parseIsoInstant(options.effectiveDate);
    if (!parsed.ok) throw new SfbError('INVALID_ARGUMENT', `The effective date ${parsed.reason}.`);
    effectiveDate = parsed.date;
  }
  const minKeyBits = options.minKeyBits ?? SKYPE_MIN_KEY_BITS;
  if (!Number.isInteger(minKeyBits) || minKeyBits < SKYPE_MIN_KEY_BITS || minKeyBits > MAX_KEY_BITS) {
    throw new SfbError('INVALID_ARGUMENT', `The minimum key size ${String(minKeyBits)} is outside ${SKYPE_MIN_KEY_BITS}..${MAX_KEY_BITS} bits (Skype requires at least ${SKYPE_MIN_KEY_BITS}); choose a whole number in that range.`);
  }
  return {
    inputName,
    now: options.now ?? new Date(),
    minKeyBits,
    warnBeforeExpiryDays: options.warnBeforeExpiryDays ?? DEFAULT_WARN_BEFORE_EXPIRY_DAYS,
    ...(options.sipDomain !== undefined ? { sipDomain: options.sipDomain } : {}),
    ...(effectiveDate ? { effectiveDate } : {}),
    ...(options.thumbprint !== undefined ? { thumbprint: options.thumbprint } : {}),
  };
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
  return (await validatePfxRecording(input, password, options)).validation;
}

/**
 * {@link validatePfx}, also returning the non-secret facts the checks used (absent when no
 * certificate could be chosen), which the resource records so that later previews re-check them.
 */
export async function validatePfxRecording(
  input: Uint8Array | string,
  password: string | null,
  options: ValidatePfxOptions = {},
): Promise<{ readonly validation: PfxValidation; readonly recordedFacts?: RecordedFacts }> {
  const inputName = options.inputName ?? 'PFX';
  const policy = policyFrom(options, inputName);
  try {
    const bytes = pfxBytesFrom(input, inputName);
    const container = await openPfxContainer(bytes, password, { inputName, maxIterations: MAX_PFX_ITERATIONS });
    const verdict = checkPfx(inspectContainer(container, inputName), policy);
    return { validation: report(verdict), ...(verdict.chosen ? { recordedFacts: verdict.chosen.recorded } : {}) };
  } catch (error) {
    if (isSfbError(error) && error.code.startsWith('PFX_')) {
      return { validation: report({ valid: false, errors: [{ code: error.code as PfxErrorCode, message: error.message }], warnings: [] }) };
    }
    throw error;
  }
}
