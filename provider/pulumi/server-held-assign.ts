/**
 * The Front End step's assignment of a certificate a Front End Server already has: `up` reads the
 * certificate again on its server and checks it again (time has passed since preview, and an
 * operator may have removed or replaced it), then runs `Set-CsCertificate -Identity Global -Type
 * OAuthTokenIssuer -Thumbprint` there, once; replication does the rest. It assigns the thumbprint
 * check resolved and state keeps, never what the server's Default certificate is now.
 */
import { isServerHeld, sourceRule, type ServerHeldSource } from '../domain/certificate-source';
import { SfbError } from '../domain/errors';
import type { FrontEndPoolSpec } from '../domain/front-end-pool-spec';
import { parseIsoInstant } from '../domain/time';
import { openServerCertificates, readServerHeld, verdictOf, type ServerCertificatesOpener } from './server-held-check';

/** What the assignment needs of the checked inputs. */
export interface ServerHeldInputs {
  readonly pool?: FrontEndPoolSpec | null;
  readonly certificate?: unknown;
  readonly pfx?: string | null;
  readonly poolPassword?: string | null;
  readonly sipDomain?: unknown;
  readonly minKeyBits?: unknown;
  readonly warnBeforeExpiryDays?: unknown;
  readonly effectiveDate?: unknown;
}

/** The server-held source of the inputs, or undefined for a PFX. */
export function serverHeldOf(inputs: ServerHeldInputs): ServerHeldSource | undefined {
  if (typeof inputs.pfx === 'string' || inputs.certificate === undefined || inputs.certificate === null || !inputs.pool) return undefined;
  const { source } = sourceRule({ certificate: inputs.certificate }, inputs.pool);
  return source && isServerHeld(source) ? source : undefined;
}

/** Checks the certificate on its server again, then assigns it globally from there. */
export async function assignFromServer(
  source: ServerHeldSource,
  step: { readonly thumbprint: string; readonly roll?: { readonly effectiveAt: string; readonly sessionTimeZone: string } },
  inputs: ServerHeldInputs & { readonly pool: FrontEndPoolSpec },
  now: Date,
  open: ServerCertificatesOpener = openServerCertificates,
): Promise<void> {
  const port = open(inputs.pool, typeof inputs.poolPassword === 'string' ? { credentialPassword: inputs.poolPassword } : {});
  const read = await readServerHeld(port, source, step.thumbprint);
  if ('failure' in read) throw new SfbError(read.failure.code as SfbError['code'], read.failure.message);
  const when = parseIsoInstant(inputs.effectiveDate);
  const verdict = verdictOf(
    read.facts,
    {
      sipDomain: String(inputs.sipDomain),
      minKeyBits: typeof inputs.minKeyBits === 'number' ? inputs.minKeyBits : 2048,
      warnBeforeExpiryDays: typeof inputs.warnBeforeExpiryDays === 'number' ? inputs.warnBeforeExpiryDays : 30,
      ...(when.ok ? { effectiveAt: when.date } : {}),
    },
    now,
  );
  const [first] = verdict.errors;
  if (first) throw new SfbError(first.code, `${verdict.errors.map((e) => e.message).join(' ')} Nothing was assigned.`);
  await port.assign(source.server, { thumbprint: step.thumbprint, ...(step.roll ? { effectiveAt: step.roll.effectiveAt, sessionTimeZone: step.roll.sessionTimeZone } : {}) });
}
