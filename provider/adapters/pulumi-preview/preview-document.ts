/**
 * Reads a parsed `pulumi preview --json` document into the facts the review decides on
 * ({@link PreviewFacts}): the steps on OAuthTokenIssuer certificates and the diagnostics, typed,
 * with no secret left in them. The shapes are those the real CLI (v3.274.1) prints, observed in
 * test/integration/review.int.test.ts: a step per changed resource (`op`, `urn`, `oldState`,
 * `newState` with `inputs`/`outputs`; unchanged resources have no step unless `--show-sames`),
 * and `diagnostics` with a message, a severity and sometimes a URN.
 */
import type { CertificateStep, PreviewDiagnostic, PreviewFacts } from '../../domain/review';
import { secretBlanker } from '../../domain/secret-blanking';
import { MAX_MESSAGE_CHARS, previewDiagnostic } from './diagnostics';
import { isObject, newCertificateState, oldCertificateState, plaintextSecretsOf, type Json } from './property-values';
import { certificateRef, CERTIFICATE_TYPE, typeOfUrn } from './urn';

/** The facts, or why the document is not `pulumi preview --json` output (a sentence fragment). */
export type PreviewRead = { readonly ok: true; readonly facts: PreviewFacts } | { readonly ok: false; readonly reason: string };

interface Step {
  readonly op: string;
  readonly urn: string;
  readonly oldState?: Json;
  readonly newState?: Json;
}

interface Diagnostic {
  readonly urn?: string;
  readonly message: string;
  readonly severity: string;
}

/** Checks that the document has the shape of `pulumi preview --json` output; returns its steps and diagnostics. */
function stepsAndDiagnostics(document: unknown): { steps: Step[]; diagnostics: Diagnostic[] } | { reason: string } {
  if (!isObject(document)) {
    return { reason: `it is ${Array.isArray(document) ? 'a JSON array' : document === null ? 'null' : `a JSON ${typeof document}`}, not the object \`pulumi preview --json\` prints` };
  }
  if (!('steps' in document) && !('changeSummary' in document) && !('diagnostics' in document)) {
    const keys = Object.keys(document).slice(0, 5).map((key) => JSON.stringify(key.slice(0, 40)));
    const seen = keys.length === 0 ? 'it is an empty object' : `its keys are ${keys.join(', ')}${Object.keys(document).length > 5 ? ', ...' : ''}`;
    return { reason: `it has none of "steps", "changeSummary" and "diagnostics" (${seen})` };
  }
  const rawSteps = document.steps ?? [];
  const rawDiagnostics = document.diagnostics ?? [];
  if (!Array.isArray(rawSteps)) return { reason: '"steps" is not an array' };
  if (!Array.isArray(rawDiagnostics)) return { reason: '"diagnostics" is not an array' };
  const steps: Step[] = [];
  for (const [index, step] of rawSteps.entries()) {
    if (!isObject(step) || typeof step.op !== 'string' || typeof step.urn !== 'string') {
      return { reason: `steps[${index}] is not a step with a string "op" and "urn"` };
    }
    steps.push({
      op: step.op,
      urn: step.urn,
      ...(isObject(step.oldState) ? { oldState: step.oldState } : {}),
      ...(isObject(step.newState) ? { newState: step.newState } : {}),
    });
  }
  const diagnostics: Diagnostic[] = [];
  for (const [index, diagnostic] of rawDiagnostics.entries()) {
    if (!isObject(diagnostic) || typeof diagnostic.message !== 'string') return { reason: `diagnostics[${index}] has no string "message"` };
    diagnostics.push({
      message: diagnostic.message,
      severity: typeof diagnostic.severity === 'string' ? diagnostic.severity : '',
      ...(typeof diagnostic.urn === 'string' ? { urn: diagnostic.urn } : {}),
    });
  }
  return { steps, diagnostics };
}

function isCertificateStep(step: Step): boolean {
  const type = step.newState?.type ?? step.oldState?.type ?? typeOfUrn(step.urn);
  return type === CERTIFICATE_TYPE;
}

/** Reads a parsed `pulumi preview --json` document. */
export function readPreviewDocument(document: unknown): PreviewRead {
  const read = stepsAndDiagnostics(document);
  if ('reason' in read) return { ok: false, reason: read.reason };
  // Every plaintext secret the document reveals (`--show-secrets`), from every step: blanked out
  // of every message kept.
  const secrets = secretBlanker(
    read.steps.flatMap((step) => [step.oldState, step.newState].flatMap((state) => (state ? plaintextSecretsOf(state) : []))),
    MAX_MESSAGE_CHARS,
  );
  const steps: CertificateStep[] = read.steps.filter(isCertificateStep).map((step) => ({
    ...certificateRef(step.urn),
    op: step.op,
    ...(step.oldState ? { old: oldCertificateState(step.oldState) } : {}),
    ...(step.newState ? { new: newCertificateState(step.newState) } : {}),
  }));
  const diagnostics = read.diagnostics.map((d) => previewDiagnostic(d, secrets)).filter((d): d is PreviewDiagnostic => d !== null);
  return { ok: true, facts: { steps, diagnostics } };
}
