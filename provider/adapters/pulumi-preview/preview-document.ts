/**
 * Reads a parsed `pulumi preview --json` document into the facts the review decides on
 * ({@link PreviewFacts}): the steps on OAuthTokenIssuer certificates and the diagnostics, typed,
 * with no secret left in them. The shapes are those the real CLI (v3.274.1) prints, observed in
 * test/integration/review.int.test.ts: a step per changed resource (`op`, `urn`, `oldState`,
 * `newState` with `inputs`/`outputs`; unchanged resources have no step unless `--show-sames`),
 * and `diagnostics` with a message, a severity and sometimes a URN.
 */
import { z } from 'zod';
import type { CertificateStep, PreviewDiagnostic, PreviewFacts } from '../../domain/review';
import { jsonObject } from '../../domain/schema-sentences';
import { secretBlanker } from '../../domain/secret-blanking';
import { MAX_MESSAGE_CHARS, previewDiagnostic } from './diagnostics';
import { newCertificateState, oldCertificateState, plaintextSecretsOf } from './property-values';
import { certificateRef, CERTIFICATE_TYPE, typeOfUrn } from './urn';

/** The facts, or why the document is not `pulumi preview --json` output (a sentence fragment). */
export type PreviewRead = { readonly ok: true; readonly facts: PreviewFacts } | { readonly ok: false; readonly reason: string };

/** A step: its operation and URN; a state that is not an object is read as absent. */
const step = z.looseObject({
  op: z.string(),
  urn: z.string(),
  oldState: jsonObject.optional().catch(undefined),
  newState: jsonObject.optional().catch(undefined),
});

/** A diagnostic: its message; a severity or URN of another type is read as absent. */
const diagnostic = z.looseObject({
  message: z.string(),
  severity: z.string().catch(''),
  urn: z.string().optional().catch(undefined),
});

const listOf = <S extends z.ZodType>(item: S) =>
  z
    .array(item)
    .nullish()
    .transform((items) => items ?? []);

const previewDocument = z.looseObject({ steps: listOf(step), diagnostics: listOf(diagnostic) });

type Step = z.output<typeof step>;
type Diagnostic = z.output<typeof diagnostic>;

/** The first problem of a document, worded by where it is: the list, or one of its items. */
function reasonOf(issue: z.core.$ZodIssue): string {
  const [list, index] = issue.path;
  if (index === undefined) return `"${String(list)}" is not an array`;
  return list === 'steps' ? `steps[${String(index)}] is not a step with a string "op" and "urn"` : `diagnostics[${String(index)}] has no string "message"`;
}

/** Checks that the document has the shape of `pulumi preview --json` output; returns its steps and diagnostics. */
function stepsAndDiagnostics(document: unknown): { steps: Step[]; diagnostics: Diagnostic[] } | { reason: string } {
  const top = jsonObject.safeParse(document);
  if (!top.success) {
    return { reason: `it is ${Array.isArray(document) ? 'a JSON array' : document === null ? 'null' : `a JSON ${typeof document}`}, not the object \`pulumi preview --json\` prints` };
  }
  const keys = Object.keys(top.data);
  if (!keys.includes('steps') && !keys.includes('changeSummary') && !keys.includes('diagnostics')) {
    const shown = keys.slice(0, 5).map((key) => JSON.stringify(key.slice(0, 40)));
    const seen = shown.length === 0 ? 'it is an empty object' : `its keys are ${shown.join(', ')}${keys.length > 5 ? ', ...' : ''}`;
    return { reason: `it has none of "steps", "changeSummary" and "diagnostics" (${seen})` };
  }
  const parsed = previewDocument.safeParse(top.data);
  if (!parsed.success) return { reason: reasonOf(parsed.error.issues[0]!) };
  return { steps: parsed.data.steps, diagnostics: parsed.data.diagnostics };
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
