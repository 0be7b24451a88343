/**
 * Preview's view of the Front End pool: check runs offline and sees the old inputs, not the
 * servers, so it plans from what the last `up` left. Pure: dates are read with time.ts's strict
 * parser, `now` is a parameter. The old inputs are state, read once by {@link readOldInputs}:
 * leniently, as state is (a field not of the shape written reads as absent).
 */
import { planDeployment, type DeploymentOutcome, type DesiredDeployment, type ServerReport } from './front-end-pool-plan';
import { settingsOf } from './front-end-pool-facts';
import type { FrontEndPoolSpec } from './front-end-pool-spec';
import { z } from 'zod';
import { builtOnFirstUse } from './schema-sentences';
import { parseIsoInstant } from './time';

const THUMBPRINT = /^[0-9A-F]{40}$/;

/** A date as stored: its text (carried on in the inputs) and the instant it names. */
interface StoredDate {
  readonly text: string;
  readonly date: Date;
}

/** What preview reads from the old inputs. */
interface OldInputs {
  readonly thumbprint?: string;
  readonly notAfter?: StoredDate;
  readonly effectiveDate?: Date;
  readonly retiredCertificate?: { readonly thumbprint?: string; readonly notAfter?: StoredDate };
  /** Present when a pool was declared; its servers as far as they are names. */
  readonly pool?: { readonly servers: readonly string[] };
}

const oldInputsSchema = builtOnFirstUse(() => {
  const lenient = <S extends z.ZodType>(schema: S) => schema.optional().catch(undefined);
  const storedDate = z.string().transform((text, context): StoredDate => {
    const parsed = parseIsoInstant(text);
    if (parsed.ok) return { text, date: parsed.date };
    context.addIssue({ code: 'custom', message: parsed.reason });
    return z.NEVER;
  });
  return z
    .looseObject({
      thumbprint: lenient(z.string().min(1)),
      notAfter: lenient(storedDate),
      effectiveDate: lenient(storedDate.transform((stored) => stored.date)),
      retiredCertificate: lenient(z.looseObject({ thumbprint: lenient(z.string()), notAfter: lenient(storedDate) })),
      pool: lenient(
        z.looseObject({
          servers: z
            .array(z.unknown())
            .catch([])
            .transform((servers) => servers.filter((server): server is string => typeof server === 'string')),
        }),
      ),
    })
    .catch({}) satisfies z.ZodType<OldInputs>;
});

/** The old inputs as preview reads them; anything unreadable reads as absent. */
export function readOldInputs(olds: unknown): OldInputs {
  return oldInputsSchema().parse(olds);
}

/**
 * The certificate the declared one replaced, with its NotAfter: what Skype keeps as previous
 * once the declared one is current. Check sees only the old inputs (never the `servers` output),
 * so it carries this in the inputs (`retiredCertificate`): the thumbprint and NotAfter declared
 * before when the certificate changes, else the one carried so far. Preview plans the removal
 * from it; diff asks for the update only while a server still reports it (serversBehind).
 */
export function retiredCertificate(olds: Record<string, unknown>, thumbprint: string): { thumbprint: string; notAfter: string } | undefined {
  const retired = retiredOf(readOldInputs(olds), thumbprint);
  return retired && { thumbprint: retired.thumbprint, notAfter: retired.notAfter.text };
}

function retiredOf(read: OldInputs, thumbprint: string): { readonly thumbprint: string; readonly notAfter: StoredDate } | undefined {
  const candidate = read.thumbprint !== thumbprint ? { thumbprint: read.thumbprint, notAfter: read.notAfter } : read.retiredCertificate;
  if (candidate?.thumbprint === undefined || candidate.notAfter === undefined) return undefined;
  if (!THUMBPRINT.test(candidate.thumbprint) || candidate.thumbprint === thumbprint) return undefined;
  return { thumbprint: candidate.thumbprint, notAfter: candidate.notAfter };
}

/**
 * Preview's plan for the pool. It assumes the last `up` left every server of the old pool with
 * the certificate declared then (a refresh shows otherwise as drift, and diff then asks for an
 * update). So the same desired state plans nothing, a changed roll not yet effective re-plans,
 * and the 24-hour rule checks the certificate current now (the one declared before, whose
 * NotAfter check recorded).
 */
export function previewPool(olds: Record<string, unknown>, spec: FrontEndPoolSpec, desired: DesiredDeployment, now: Date, recordedZone?: string): DeploymentOutcome {
  const read = readOldInputs(olds);
  const oldThumbprint = read.thumbprint;
  const oldEffective = read.effectiveDate;
  const oldScheduled = oldEffective !== undefined && oldEffective.getTime() > now.getTime() ? oldEffective : undefined;
  const reports: ServerReport[] =
    read.pool && oldThumbprint
      ? read.pool.servers.map((server) => (oldScheduled ? { server, pending: { thumbprint: oldThumbprint, effectiveDate: oldScheduled } } : { server, current: oldThumbprint }))
      : [];
  const current = oldThumbprint && !oldScheduled ? { thumbprint: oldThumbprint, ...(read.notAfter ? { notAfter: read.notAfter.date } : {}) } : undefined;
  // The certificate the declared one replaced (check carries it in the inputs): past its
  // NotAfter, the up removes it.
  const retired = read.pool ? retiredOf(read, desired.thumbprint) : undefined;
  const previous = retired && { thumbprint: retired.thumbprint, notAfter: retired.notAfter.date };
  // The roll declared before, assumed pending (above), is this resource's own: a changed
  // declaration replaces it.
  const ownRolls = oldScheduled && oldThumbprint ? [{ thumbprint: oldThumbprint, effectiveDate: oldScheduled }] : [];
  return planDeployment({ reports, ...(current ? { current } : {}), ...(previous ? { previous } : {}), ownRolls }, desired, settingsOf(spec, recordedZone).settings, now);
}
