/**
 * `sfb-oauth-cert plan <pfx-file>`: the plan the resource would apply for a certificate, without
 * Pulumi. The shell of it: reads the PFX, its password (a file or stdin, never argv: argv is
 * visible to every process on the machine and lands in CI logs) and the pool (a JSON file with
 * FrontEndPools.powershell's options), checks the PFX (validate-pfx.ts), looks at the pool
 * through the PowerShell adapter, lets the domain plan (domain/certificate-plan.ts), and prints
 * the plan with the PowerShell each step would send (scripts.ts's builders, the secret files'
 * paths shown as placeholders: the scripts never hold a secret).
 */
import { z } from 'zod';
import { fileProblemMessage, readBoundedFile, type FileProblem } from '../adapters/files/bounded-file';
import { decodeText } from '../adapters/files/text-file';
import { MAX_PFX_INPUT_BYTES, pfxTooLarge } from '../adapters/pfx/pfx-input';
import { createPowerShellPool, splitInto, type PoolSecrets } from '../adapters/powershell';
import {
  CALL_DIRECTORY_PLACEHOLDER,
  globalInspectScript,
  importScript,
  placeholderPath,
  removeLocalScript,
  removePreviousScript,
  serversInspectScript,
  setScript,
  type RollAt,
  type ScriptContext,
} from '../adapters/powershell/scripts';
import { PLAN_RULE_FACTS, PLAN_RULES, planCertificate, type CertificatePlan, type CheckedPfx, type InspectedPool, type RuleCheck } from '../domain/certificate-plan';
import type { DeploymentStep } from '../domain/front-end-pool-plan';
import { isSfbError, type Finding } from '../domain/errors';
import { checkPoolSpec, POOL_KIND, type FrontEndPoolSpec } from '../domain/front-end-pool-spec';
import { previewServerZone } from '../domain/server-zone';
import { isoExact, parseIsoInstant } from '../domain/time';
import type { PoolSnapshot } from '../ports/front-end-pool';
import { validatePfx, type PfxValidation } from '../validate-pfx';
import { parseArguments } from './arguments';
import { createServerCertificates } from '../adapters/powershell/server-certificates';
import { assignFromServerScript, readServerCertificateScript } from '../adapters/powershell/server-certificate-scripts';
import { canonicalThumbprint, serverHeldOutcome, serverHeldQuery, type ServerHeldRead } from '../domain/certificate-source';
import { checkServerCertificate } from '../domain/server-certificate-checks';
import { DEFAULT_WARN_BEFORE_EXPIRY_DAYS, SKYPE_MIN_KEY_BITS } from '../domain/resource-inputs';
import type { ServerCertificates } from '../ports/server-certificates';

type ServerCertificatesOpener = (spec: FrontEndPoolSpec, secrets: PoolSecrets) => ServerCertificates;
import { jsonObject } from '../domain/schema-sentences';
import { isManualPool, type ManualPoolPlan, type ServerInstall, type ServerRemoval } from '../domain/manual-pool-steps';
import { MANUAL_IMPORT_DIRECTORY, manualInstallScript, manualSweepScript } from '../adapters/powershell/manual-scripts';

/** Exit codes: the contract other tools script against. */
export const PLAN_EXIT = { ready: 0, refused: 1, usage: 2, poolUnreadable: 3 } as const;

/** The largest password read (a file or stdin): a password is a line. */
const MAX_PASSWORD_BYTES = 64 * 1024;
/** The largest pool file read: a pool of 256 servers is a few kilobytes. */
const MAX_POOL_FILE_BYTES = 1024 * 1024;

const REFUSAL_CODES = PLAN_RULES.flatMap((rule) => PLAN_RULE_FACTS[rule].codes);

export const PLAN_USAGE = `Usage: sfb-oauth-cert plan <pfx-file> [--password-file PATH | --password-stdin]
         [--effective-date ISO8601] [--pool POOL.json] [--sip-domain D] [--now ISO8601] [--json]
       sfb-oauth-cert plan --thumbprint HEX --pool POOL.json [--server FQDN]
         [--effective-date ISO8601] [--sip-domain D] [--now ISO8601] [--json]

Prints the plan the resource would apply for the certificate in <pfx-file>: when it becomes
current, every rule checked, and, with --pool, the pool's current state and each step with the
PowerShell it would run (the PFX and its password are written to files of a private directory
for the call and never appear in a script: the plan shows those paths under "${CALL_DIRECTORY_PLACEHOLDER}").
--thumbprint plans a certificate a Front End Server already has: it is read from Cert:\\LocalMachine\\My
on --server (by default the pool's first server), checked there, and assigned from there
(Set-CsCertificate -Identity Global -Thumbprint); it needs --pool and takes no password.
The password is read from --password-file (one trailing newline is not part of it) or from stdin
with --password-stdin; never from the command line. Without either, the PFX has no password.
--pool names a JSON file with the options of FrontEndPools.powershell({...}), e.g.
{"servers": ["fe01.contoso.com"], "edition": "desktop"}; the pool is read, never changed.
Dates are ISO 8601 with a zone, like 2026-12-01T00:00:00Z. --now plans as of that moment instead
of the clock (reproducible output). --json prints one JSON object on stdout for every outcome.
Exit status: 0 the plan can be applied; 1 a rule refuses it (${REFUSAL_CODES.join(', ')});
2 usage error; 3 the pool could not be read.`;

/** Why nothing was planned (exit status 2): a sentence that quotes no argument but option names. */
export class PlanUsageError extends Error {}

/** The command line, parsed. */
export interface PlanCommand {
  /** The PFX file; absent with `thumbprint`. */
  readonly file?: string;
  /** A certificate a Front End Server already has (canonical 40 hex), with `server`. */
  readonly thumbprint?: string;
  readonly server?: string;
  readonly passwordFile?: string;
  readonly passwordStdin: boolean;
  readonly effectiveDate?: Date;
  readonly poolFile?: string;
  readonly sipDomain?: string;
  readonly now?: Date;
  readonly json: boolean;
}

const OPTIONS = {
  'password-file': { type: 'string' },
  'password-stdin': { type: 'boolean' },
  'effective-date': { type: 'string' },
  pool: { type: 'string' },
  'sip-domain': { type: 'string' },
  thumbprint: { type: 'string' },
  server: { type: 'string' },
  now: { type: 'string' },
  json: { type: 'boolean' },
} as const;

function instant(option: string, text: string): Date {
  const parsed = parseIsoInstant(text);
  // The reason is not shown: it quotes the value.
  if (!parsed.ok) throw new PlanUsageError(`${option} is not an ISO 8601 date and time with a zone; write it like 2026-12-01T00:00:00Z (UTC) or 2026-12-01T01:00:00+01:00.`);
  return parsed.date;
}

/**
 * Parses `plan`'s arguments (after the command name) with the CLI's one argument wrapper, which
 * names options only, never a value.
 */
export function parsePlanArgs(args: readonly string[]): PlanCommand {
  const parsed = parseArguments(args, OPTIONS, {
    'unknown-option': (option) => {
      if (option === '--password') return '--password is not accepted: a password on the command line is visible to other processes and logs; use --password-file PATH or --password-stdin.';
      return `Unknown option ${option} for plan; \`sfb-oauth-cert plan --help\` lists its options.`;
    },
  });
  if (!parsed.ok) throw new PlanUsageError(parsed.message);
  const { values, positionals } = parsed;
  if (values.thumbprint !== undefined) return thumbprintCommand(values, positionals.length);
  if (values.server !== undefined) throw new PlanUsageError('--server goes with --thumbprint: it names the Front End Server whose store holds the certificate.');
  if (positionals.length === 0) throw new PlanUsageError('plan needs the PFX file to plan, or --thumbprint and --pool for a certificate a Front End Server already has.');
  if (positionals.length > 1) {
    // Not shown: a stray argument may be a password typed in the wrong place.
    throw new PlanUsageError(`plan takes one <pfx-file>, and got ${positionals.length - 1 === 1 ? 'an extra argument' : `${positionals.length - 1} extra arguments`} (not shown, in case it is a secret).`);
  }
  if (values['password-file'] !== undefined && values['password-stdin'] === true) throw new PlanUsageError('Give --password-file or --password-stdin, not both.');
  return {
    file: positionals[0]!,
    passwordStdin: values['password-stdin'] === true,
    json: values.json === true,
    ...(values['password-file'] !== undefined ? { passwordFile: values['password-file'] } : {}),
    ...(values['effective-date'] !== undefined ? { effectiveDate: instant('--effective-date', values['effective-date']) } : {}),
    ...(values.pool !== undefined ? { poolFile: values.pool } : {}),
    ...(values['sip-domain'] !== undefined ? { sipDomain: values['sip-domain'] } : {}),
    ...(values.now !== undefined ? { now: instant('--now', values.now) } : {}),
  };
}

/** The command for a certificate a Front End Server already has: no PFX, no password, a pool. */
function thumbprintCommand(values: { readonly [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'string' ? string : boolean }, extra: number): PlanCommand {
  if (extra > 0) throw new PlanUsageError('Give a <pfx-file> or --thumbprint, not both: they are two sources of the certificate.');
  if (values['password-file'] !== undefined || values['password-stdin'] === true) throw new PlanUsageError('--thumbprint takes no password: the certificate and its private key stay on the Front End Server.');
  if (values.pool === undefined) throw new PlanUsageError('--thumbprint needs --pool: the certificate is read from a Front End Server of the pool, checked there and assigned from there.');
  const thumbprint = canonicalThumbprint(values.thumbprint ?? '');
  if (thumbprint === undefined) throw new PlanUsageError('--thumbprint is not a SHA-1 thumbprint: write its 40 hex digits as Windows shows them (Get-ChildItem Cert:\\LocalMachine\\My).');
  return {
    thumbprint,
    passwordStdin: false,
    json: values.json === true,
    poolFile: values.pool,
    ...(values.server !== undefined ? { server: values.server.trim().toLowerCase().replace(/\.$/, '') } : {}),
    ...(values['effective-date'] !== undefined ? { effectiveDate: instant('--effective-date', values['effective-date']) } : {}),
    ...(values['sip-domain'] !== undefined ? { sipDomain: values['sip-domain'] } : {}),
    ...(values.now !== undefined ? { now: instant('--now', values.now) } : {}),
  };
}

// File problems are worded by bounded-file.ts; the path is an argument, so it is not quoted.
const PATH_SHOWN = '\u0000path\u0000';
function problem(what: string, option: string, why: FileProblem): PlanUsageError {
  return new PlanUsageError(fileProblemMessage(what, PATH_SHOWN, why).replace(`"${PATH_SHOWN}"`, `(${option})`));
}

/** A password without its one trailing newline; UTF-16 or a BOM (Windows PowerShell 5.1's files) is not part of it. */
function passwordOf(bytes: Buffer, from: string): string {
  const decoded = decodeText(bytes);
  if (!decoded.ok) throw new PlanUsageError(`Cannot read the password from ${from}: ${decoded.why}.`);
  return decoded.text.replace(/\r?\n$/, '');
}

async function readStdin(stdin: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stdin) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += bytes.length;
    if (total > MAX_PASSWORD_BYTES) throw new PlanUsageError(`Cannot read the password from stdin (--password-stdin): it is more than ${MAX_PASSWORD_BYTES} bytes; pipe the password alone.`);
    chunks.push(bytes);
  }
  return Buffer.concat(chunks, total);
}

async function readPassword(command: PlanCommand, stdin: NodeJS.ReadableStream): Promise<string | null> {
  if (command.passwordFile !== undefined) {
    const read = readBoundedFile(command.passwordFile, MAX_PASSWORD_BYTES);
    if (!read.ok) throw problem('password file', '--password-file', read.problem);
    return passwordOf(read.bytes, 'the password file (--password-file)');
  }
  if (command.passwordStdin) return passwordOf(await readStdin(stdin), 'stdin (--password-stdin)');
  return null;
}

/** The credential's password a pool file may hold beside the options (this CLI's own input). */
const credentialPassword = z.looseObject({ credential: z.looseObject({ password: z.string() }) });

/** The pool file: FrontEndPools.powershell's options, checked by the resource's own rules. */
function readPool(file: string): { spec: FrontEndPoolSpec; secrets: PoolSecrets; warnings: readonly Finding[] } {
  const read = readBoundedFile(file, MAX_POOL_FILE_BYTES);
  if (!read.ok) throw problem('pool file', '--pool', read.problem);
  const decoded = decodeText(read.bytes);
  if (!decoded.ok) throw new PlanUsageError(`Cannot read the pool file (--pool): ${decoded.why}.`);
  let options: unknown;
  try {
    options = JSON.parse(decoded.text);
  } catch {
    // The parser's message is not shown: it quotes the file, which may hold the credential's password.
    throw new PlanUsageError('The pool file (--pool) is not JSON; write the options of FrontEndPools.powershell as a JSON object, e.g. {"servers": ["fe01.contoso.com"]}.');
  }
  const raw = jsonObject.safeParse(options);
  if (!raw.success) {
    throw new PlanUsageError('The pool file (--pool) must hold one JSON object with the options of FrontEndPools.powershell, e.g. {"servers": ["fe01.contoso.com"]}.');
  }
  const checked = checkPoolSpec({ ...raw.data, kind: POOL_KIND });
  if (!checked.spec) throw new PlanUsageError(`The pool file (--pool) is not a pool: ${checked.problems.join(' ')}`);
  if (!checked.spec.remoting.credential) return { spec: checked.spec, secrets: {}, warnings: checked.warnings ?? [] };
  const password = credentialPassword.safeParse(raw.data);
  if (!password.success) {
    throw new PlanUsageError("The pool file (--pool) names a `credential` without its password; give credential: { userName, password } (keep the file readable by you alone).");
  }
  return { spec: checked.spec, secrets: { credentialPassword: password.data.credential.password }, warnings: checked.warnings ?? [] };
}

/** The zone every server reported, when they agree: what preview plans in after a look. */
function reportedZone(snapshot: PoolSnapshot): string | undefined {
  const zones = new Set(snapshot.servers.map((s) => s.timeZone).filter((z): z is string => typeof z === 'string' && z !== ''));
  return zones.size === 1 ? [...zones][0] : undefined;
}

function inspectedPool(spec: FrontEndPoolSpec, snapshot: PoolSnapshot, warnings: readonly Finding[], description: string): InspectedPool {
  // checkPoolSpec made sure the declared zone has a Windows counterpart.
  const preview = previewServerZone(spec.serverTimeZone, reportedZone(snapshot))!;
  return {
    settings: { servers: spec.servers, zone: preview.zone, ...(spec.replaceForeignRoll === true ? { replaceForeignRoll: true } : {}) },
    snapshot,
    warnings: [...warnings, ...(preview.warning ? [preview.warning] : [])],
    ...(isManualPool(spec) ? { manual: { spec, description } } : {}),
  };
}

/** One step as printed: the planner's step, what it does, and the scripts of the calls it makes. */
export interface PrintedStep {
  readonly step: DeploymentStep | { readonly kind: 'verify'; readonly servers: readonly string[]; readonly expect: 'current' | 'pending'; readonly thumbprint: string } | ManualPrintedStep;
  readonly does: string;
  /** Each call's script, exactly as the adapter writes it, secret files' paths under the placeholder; empty when the step runs nothing. */
  readonly powershell: readonly string[];
}

/** The steps with their PowerShell; the calls are the adapter's (index.ts): one assignment, inspections, removals. */
export function printedSteps(steps: readonly DeploymentStep[], spec: FrontEndPoolSpec, hasPassword: boolean, heldBy?: string): PrintedStep[] {
  const context: ScriptContext = { edition: spec.edition, remoting: spec.remoting };
  const remote: ScriptContext = { ...context, ...(spec.remoting.credential ? { credentialPath: placeholderPath('credential') } : {}) };
  const assignment = steps.find((s): s is Extract<DeploymentStep, { kind: 'set' | 'roll' }> => s.kind === 'set' || s.kind === 'roll');
  const roll: RollAt | undefined = assignment?.kind === 'roll' ? { effectiveAt: assignment.effectiveAt, sessionTimeZone: assignment.sessionTimeZone } : undefined;
  const imports = steps.some((s) => s.kind === 'import');
  const printed: PrintedStep[] = [];
  const verified: string[] = [];
  for (const step of steps) {
    switch (step.kind) {
      case 'import': {
        if (heldBy !== undefined) {
          printed.push({ step, does: `read ${step.thumbprint} from Cert:\\LocalMachine\\My on ${heldBy} and check it again, then assign it globally from there${roll ? ` as a roll at ${isoExact(new Date(roll.effectiveAt))}` : ', current now'} (two calls)`, powershell: [readServerCertificateScript(heldBy, { thumbprint: step.thumbprint }, remote), assignFromServerScript(heldBy, step.thumbprint, roll, remote)] });
          break;
        }
        const files = { pfxPath: placeholderPath('pfx'), ...(hasPassword ? { secretPath: placeholderPath('secret') } : {}) };
        printed.push({ step, does: `import the PFX into the Central Management Store and assign ${step.thumbprint} globally${roll ? ` as a roll at ${isoExact(new Date(roll.effectiveAt))}` : ', current now'} (one call)`, powershell: [importScript(files, roll, context)] });
        break;
      }
      case 'set':
      case 'roll':
        printed.push(
          imports
            ? { step, does: 'made by the import above, in the same call', powershell: [] }
            : { step, does: `assign ${step.thumbprint} globally by thumbprint (Skype knows it already)${roll ? ` as a roll at ${isoExact(new Date(roll.effectiveAt))}` : ', current now'}`, powershell: [setScript(step.thumbprint, roll, context)] },
        );
        break;
      case 'replicate':
        printed.push({ step, does: 'the Central Management Store replicates the assignment to every Front End; a server that still differs once its replica is up to date gets Invoke-CsManagementStoreReplication -ReplicaFqdn (a local assignment is reported, and removed only with removeLocalAssignments)', powershell: [] });
        break;
      case 'verify':
        verified.push(step.server);
        break;
      case 'remove-previous':
        printed.push({ step, does: `remove the previous certificate ${step.thumbprint} once it has expired (${step.notBefore})`, powershell: [removePreviousScript(context)] });
        break;
    }
  }
  if (verified.length > 0) {
    const expect: 'current' | 'pending' = roll ? 'pending' : 'current';
    const verifyStep = { kind: 'verify' as const, servers: verified, expect, thumbprint: assignment?.thumbprint ?? '' };
    const at = printed.findIndex((p) => p.step.kind === 'remove-previous');
    const entry: PrintedStep = {
      step: verifyStep,
      does: `look at the Central Management Store and every server until each reports ${verifyStep.thumbprint} ${expect} and its replica is up to date (every ${spec.pollIntervalSeconds} s, at most ${spec.replicationTimeoutSeconds} s)`,
      powershell: [globalInspectScript(context), ...splitInto(spec.servers, spec.parallelism).map((batch) => serversInspectScript(batch, remote))],
    };
    if (at < 0) printed.push(entry);
    else printed.splice(at, 0, entry);
  }
  return printed;
}

/** Manual mode's steps (manual-pool-steps.ts): the sweep, each server's installation and removal, the look at every server. */
export type ManualPrintedStep =
  | { readonly kind: 'sweep'; readonly servers: readonly string[] }
  | ({ readonly kind: 'install' } & Omit<ServerInstall, 'line'>)
  | ({ readonly kind: 'remove-local-previous' } & Omit<ServerRemoval, 'line'>)
  | { readonly kind: 'verify'; readonly servers: readonly string[]; readonly expect: 'current' | 'pending'; readonly thumbprint: string };

/** One server's part of a manual-mode plan: its steps (none: it has the declared state). */
export interface PrintedServer {
  readonly server: string;
  readonly steps: readonly PrintedStep[];
}

/**
 * Manual mode as printed: the sweep of copies an interrupted run left (every run's first call),
 * then each server's own calls, as the adapter writes them (manual-scripts.ts, scripts.ts), the
 * secret files' paths under the placeholder; then the look at every server.
 */
export function printedManual(manual: ManualPoolPlan, spec: FrontEndPoolSpec, hasPassword: boolean): { steps: PrintedStep[]; servers: PrintedServer[] } {
  const remote: ScriptContext = { edition: spec.edition, remoting: spec.remoting, ...(spec.remoting.credential ? { credentialPath: placeholderPath('credential') } : {}) };
  const files = { pfxPath: placeholderPath('pfx'), ...(hasPassword ? { secretPath: placeholderPath('secret') } : {}) };
  const servers = manual.servers.map((work): PrintedServer => {
    const steps: PrintedStep[] = [];
    if (work.install) {
      const { line, ...install } = work.install;
      const script = manualInstallScript({ server: install.server, thumbprint: install.thumbprint, ...(install.import ? { files } : {}), ...(install.effectiveAt !== undefined ? { effectiveAt: install.effectiveAt } : {}) }, remote);
      const how = install.import
        ? `a session to ${install.server}; the PFX copied over it into a new directory of the account's profile ($env:LOCALAPPDATA\\${MANUAL_IMPORT_DIRECTORY}), imported there into the local computer store (Import-CsCertificate, the password as a $using: value), assigned there (Set-CsCertificate without -Identity), then the copy removed in a finally (one call)`
        : `assigned on ${install.server} by thumbprint, its store holds it already (Set-CsCertificate without -Identity; one call)`;
      steps.push({ step: { kind: 'install', ...install }, does: `${line} How: ${how}.`, powershell: [script] });
    }
    if (work.removal) {
      const { line, ...removal } = work.removal;
      steps.push({ step: { kind: 'remove-local-previous', ...removal }, does: `${line} Once the server reports the declared certificate${work.install ? ' after its installation' : ''}.`, powershell: [removeLocalScript(work.server, remote, 'previous')] });
    }
    return { server: work.server, steps };
  });
  const expect: 'current' | 'pending' = manual.action === 'roll' ? 'pending' : 'current';
  const thumbprint = manual.servers.find((w) => w.install)?.install?.thumbprint;
  const steps: PrintedStep[] = [
    { step: { kind: 'sweep', servers: spec.servers }, does: `remove the PFX copy an interrupted run left in the account's profile on any server (every run's first call)`, powershell: [manualSweepScript(spec.servers, remote)] },
    ...servers.flatMap((s) => s.steps),
    {
      step: { kind: 'verify', servers: spec.servers, expect, thumbprint: thumbprint ?? '' },
      does: `look at every server again: each must report the declared certificate ${expect}${manual.servers.some((w) => w.removal) ? ' and keep no expired previous one' : ''}; a server that does not, or whose call failed, is named and the others keep theirs (a partial success: the next up resumes with it); the servers of one step run side by side, at most ${spec.parallelism} at once`,
      powershell: splitInto(spec.servers, spec.parallelism).map((batch) => serversInspectScript(batch, remote)),
    },
  ];
  return { steps: [steps[0]!, steps.at(-1)!], servers };
}

/** What `--json` prints: the same keys for every outcome. */
interface JsonPlan {
  readonly outcome: CertificatePlan['outcome'] | 'usage-error';
  readonly certificate: { readonly thumbprint: string; readonly subject: string; readonly notBefore: string; readonly notAfter: string } | null;
  readonly becomesCurrent: { readonly at: string; readonly scheduled: boolean; readonly effectiveDatePassed: boolean } | null;
  readonly rules: readonly RuleCheck[];
  readonly warnings: readonly Finding[];
  readonly roll: CertificatePlan['roll'] | null;
  readonly pool: (PoolSnapshot & { readonly edition: string; readonly command: readonly string[] }) | null;
  readonly poolError: Finding | null;
  readonly deployment: {
    readonly action: string;
    readonly summary: string;
    readonly behind: readonly string[];
    readonly shell: readonly string[];
    /** Manual mode: the sweep and the final look; each server's own steps are in `servers`. */
    readonly steps: readonly PrintedStep[];
    /** `manual` (each server on its own) or `replicated` (assigned once, globally). */
    readonly mode: 'manual' | 'replicated';
    /** Manual mode: every server of the pool, in order, with its own steps; null in replicated mode. */
    readonly servers: readonly PrintedServer[] | null;
  } | null;
  readonly usageError: { readonly code: 'INVALID_ARGUMENT'; readonly message: string } | null;
}

const EMPTY: JsonPlan = { outcome: 'usage-error', certificate: null, becomesCurrent: null, rules: [], warnings: [], roll: null, pool: null, poolError: null, deployment: null, usageError: null };

/** What one run found: the plan, and the pool as given and read. */
interface Planned {
  readonly plan: CertificatePlan;
  readonly spec?: FrontEndPoolSpec;
  readonly snapshot?: PoolSnapshot;
  readonly poolError?: Finding;
  readonly hasPassword: boolean;
  /** The server holding a certificate given by thumbprint. */
  readonly heldBy?: string;
}

function deploymentOf(plan: CertificatePlan, spec: FrontEndPoolSpec | undefined, hasPassword: boolean, heldBy: string | undefined): JsonPlan['deployment'] {
  if (!spec) return null;
  const shell = [...spec.command, '-File', placeholderPath('script')];
  if (plan.manual) {
    const { steps, servers } = printedManual(plan.manual, spec, hasPassword);
    return { action: plan.manual.action, summary: plan.manual.summary, behind: plan.manual.behind, shell, steps, mode: 'manual', servers };
  }
  if (!plan.deployment) return null;
  return { action: plan.deployment.action, summary: plan.deployment.summary, behind: plan.deployment.behind, shell, steps: printedSteps(plan.deployment.steps, spec, hasPassword, heldBy), mode: 'replicated', servers: null };
}

function jsonOf({ plan, spec, snapshot, poolError, hasPassword, heldBy }: Planned): JsonPlan {
  const c = plan.certificate;
  return {
    ...EMPTY,
    outcome: plan.outcome,
    certificate: c ? { thumbprint: c.thumbprint, subject: c.subject, notBefore: c.notBefore.toISOString(), notAfter: c.notAfter.toISOString() } : null,
    becomesCurrent: { ...plan.becomesCurrent, at: plan.becomesCurrent.at.toISOString() },
    rules: plan.rules,
    warnings: plan.warnings,
    roll: plan.roll ?? null,
    pool: spec && snapshot ? { edition: spec.edition, command: spec.command, ...snapshot } : null,
    poolError: poolError ?? null,
    deployment: deploymentOf(plan, spec, hasPassword, heldBy),
  };
}

const MARKS: Record<RuleCheck['status'], string> = { passed: 'ok', refused: 'REFUSED', 'not-applicable': 'n/a', 'not-checked': 'not checked' };

function describeSlots(s: { current?: string; currentNotAfter?: string; previous?: string; scheduled?: { thumbprint: string; effectiveDate: string }; scope?: 'local'; timeZone?: string; unreachable?: { code: string; message: string } }): string {
  if (s.unreachable) return `could not be read: ${s.unreachable.code}`;
  const parts = [s.current ? `current ${s.current}${s.currentNotAfter ? ` (NotAfter ${s.currentNotAfter})` : ''}${s.scope === 'local' ? ' set on the server itself' : ''}` : 'no current certificate'];
  if (s.previous) parts.push(`previous ${s.previous}`);
  if (s.scheduled) parts.push(`${s.scheduled.thumbprint} scheduled at ${s.scheduled.effectiveDate}`);
  if (s.timeZone) parts.push(`time zone ${s.timeZone}`);
  return parts.join(', ');
}

function humanOf(planned: Planned): string {
  const json = jsonOf(planned);
  const { plan } = planned;
  const lines: string[] = [];
  const verdict = { ready: 'can be applied', refused: 'refused by a rule', 'pool-unreadable': 'the pool could not be read' }[plan.outcome];
  lines.push(`Plan: ${verdict}.`);
  const c = plan.certificate;
  if (c) lines.push(`Certificate ${c.thumbprint}  ${c.subject}  valid ${isoExact(c.notBefore)} .. ${isoExact(c.notAfter)}`);
  const when = plan.becomesCurrent;
  lines.push(`Becomes current: ${when.scheduled ? `at ${isoExact(when.at)} (a scheduled roll)` : `now, ${isoExact(when.at)}${when.effectiveDatePassed ? ' (the effective date has passed, which means now)' : ''}`}`);
  if (json.pool) {
    lines.push('', `Pool (${json.pool.edition}: ${json.pool.command.join(' ')}), as read now:`);
    lines.push(`  Central Management Store: ${describeSlots(json.pool.global)}`);
    for (const s of json.pool.servers) lines.push(`  ${s.server}: ${describeSlots(s)}`);
    const stale = json.pool.replicas.filter((r) => !r.upToDate).map((r) => r.server);
    lines.push(`  replication: ${stale.length === 0 ? 'every replica up to date' : `not up to date on ${stale.join(', ')}`}`);
    if (json.pool.session) lines.push(`  session: time zone ${json.pool.session.timeZone}, culture ${json.pool.session.culture}, PowerShell ${json.pool.session.psVersion} ${json.pool.session.edition}`);
    for (const u of plan.unreadable) lines.push(`  ${u.server} could not be read (${u.code}): ${u.message}`);
  } else if (json.poolError) {
    lines.push('', `Pool: could not be read (${json.poolError.code}): ${json.poolError.message}`);
  } else {
    lines.push('', 'Pool: none given (--pool POOL.json); the resource would keep the certificate in the store only.');
  }
  lines.push('', 'Rules:');
  for (const rule of json.rules) {
    lines.push(`  [${MARKS[rule.status]}] ${rule.rule}: ${rule.title}${rule.note ? ` (${rule.note})` : ''}`);
    for (const f of rule.findings) lines.push(`      ${f.code}: ${f.message}`);
  }
  if (json.warnings.length > 0) {
    lines.push('', 'Warnings:');
    for (const w of json.warnings) lines.push(`  ${w.code}: ${w.message}`);
  }
  if (json.roll) lines.push('', `Certificates: ${json.roll.summary}`);
  const deployment = json.deployment;
  if (deployment) {
    lines.push('', `Steps (${deployment.summary}):`);
    const print = (printed: PrintedStep, label: string, indent: string) => {
      lines.push(`${indent}${label} ${printed.step.kind}: ${printed.does}`);
      for (const script of printed.powershell) {
        lines.push(`${indent}   PowerShell, run as: ${deployment.shell.join(' ')}`);
        lines.push(...script.replace(/\n$/, '').split('\n').map((line) => (line === '' ? '' : `${indent}     ${line}`)));
      }
    };
    if (deployment.servers) {
      // Manual mode: the sweep, then each server on its own, then the look at every server.
      print(deployment.steps[0]!, '1.', '  ');
      lines.push(`  2. each server on its own (manual mode: no replication), at most ${planned.spec!.parallelism} at once:`);
      for (const server of deployment.servers) {
        if (server.steps.length === 0) lines.push(`     ${server.server}: nothing to do.`);
        else server.steps.forEach((printed, i) => print(printed, `${server.server} ${String.fromCharCode(97 + i)}.`, '     '));
      }
      print(deployment.steps[1]!, '3.', '  ');
    } else {
      if (deployment.steps.length === 0) lines.push('  none: nothing to do.');
      deployment.steps.forEach((printed, i) => print(printed, `${i + 1}.`, '  '));
    }
  }
  return lines.join('\n') + '\n';
}

function exitOf(plan: CertificatePlan): number {
  return plan.outcome === 'ready' ? PLAN_EXIT.ready : plan.outcome === 'refused' ? PLAN_EXIT.refused : PLAN_EXIT.poolUnreadable;
}

/** The certificate the checks chose, in the domain's terms. */
function checkedPfx(validation: PfxValidation): CheckedPfx {
  const { thumbprint, subject, notBefore, notAfter } = validation;
  const certificate = thumbprint && subject !== null && notBefore && notAfter ? { thumbprint, subject, notBefore: new Date(notBefore), notAfter: new Date(notAfter) } : undefined;
  return { ...(certificate ? { certificate } : {}), errors: validation.errors, warnings: validation.warnings };
}

/** The checks on a certificate a Front End Server holds, as the plan's certificate side. */
async function checkedOnServer(command: PlanCommand & { thumbprint: string }, pool: { spec: FrontEndPoolSpec; secrets: PoolSecrets }, now: Date, io: Required<PlanIo>): Promise<{ pfx: CheckedPfx; server: string; poolError?: Finding }> {
  const server = command.server ?? pool.spec.servers[0]!;
  if (!pool.spec.servers.includes(server)) throw new PlanUsageError(`--server is not a server of the pool (${pool.spec.servers.join(', ')}); name the one whose store holds the certificate.`);
  const source = { kind: 'thumbprint' as const, thumbprint: command.thumbprint, server };
  let read: ServerHeldRead;
  try {
    read = serverHeldOutcome(source, await io.openServerCertificates(pool.spec, pool.secrets).read(server, serverHeldQuery(source)));
  } catch (error) {
    if (!isSfbError(error)) throw error;
    // The pool could not be read for the certificate: the same exit as an unreadable pool.
    return { server, pfx: { errors: [], warnings: [] }, poolError: { code: error.code, message: error.message } };
  }
  if ('failure' in read) {
    return { server, pfx: { errors: [{ code: 'CERT_NOT_ON_SERVER', message: read.failure.message }], warnings: [] } };
  }
  const verdict = checkServerCertificate(read.facts, { sipDomain: command.sipDomain ?? '', minKeyBits: SKYPE_MIN_KEY_BITS, warnBeforeExpiryDays: DEFAULT_WARN_BEFORE_EXPIRY_DAYS, now, ...(command.effectiveDate ? { effectiveDate: command.effectiveDate } : {}) });
  // Without --sip-domain the domain is not checked, as for a PFX.
  const errors = command.sipDomain === undefined ? verdict.errors.filter((e) => e.code !== 'SIP_DOMAIN_MISSING') : verdict.errors;
  const { facts } = read;
  return { server, pfx: { certificate: { thumbprint: facts.thumbprint, subject: facts.subject, notBefore: new Date(facts.notBefore), notAfter: new Date(facts.notAfter) }, errors, warnings: verdict.warnings } };
}

async function plan(command: PlanCommand, io: Required<PlanIo>): Promise<Planned> {
  const pool = command.poolFile !== undefined ? readPool(command.poolFile) : undefined;
  if (command.thumbprint !== undefined && pool) {
    // The resource refuses the pair in its check (certificate-source.ts): so does the plan.
    if (isManualPool(pool.spec)) throw new PlanUsageError('--thumbprint plans a certificate a Front End Server already has, which is assigned once, globally, and replication deploys it; the pool file (--pool) declares `mode: "manual"`, which imports a PFX on each server instead. Leave out `mode` in the pool file, or plan the PFX (<pfx-file>).');
    const now = command.now ?? io.clock();
    const { pfx, server, poolError } = await checkedOnServer({ ...command, thumbprint: command.thumbprint }, pool, now, io);
    if (poolError) return { plan: planCertificate({ pfx, now, poolFailure: poolError }), spec: pool.spec, poolError, hasPassword: false, heldBy: server };
    return planAgainstPool({ pfx, now, ...(command.effectiveDate ? { effectiveDate: command.effectiveDate } : {}) }, pool, false, io, server);
  }
  if (command.file === undefined) throw new PlanUsageError('plan needs the PFX file to plan.');
  const read = readBoundedFile(command.file, MAX_PFX_INPUT_BYTES);
  if (!read.ok && read.problem.kind !== 'too-large') throw problem('PFX file', '<pfx-file>', read.problem);
  const password = await readPassword(command, io.stdin);
  const now = command.now ?? io.clock();
  // An oversized file is a refusal like any other (PFX_TOO_LARGE), as `validate` reports it.
  const pfx = read.ok
    ? checkedPfx(
        await validatePfx(read.bytes, password, {
          inputName: 'PFX file',
          now,
          ...(command.effectiveDate ? { effectiveDate: command.effectiveDate } : {}),
          ...(command.sipDomain !== undefined ? { sipDomain: command.sipDomain } : {}),
        }),
      )
    : { errors: [{ code: 'PFX_TOO_LARGE' as const, message: pfxTooLarge('PFX file', read.problem.kind === 'too-large' ? read.problem.size : 0).message }], warnings: [] };
  const base = { pfx, now, ...(command.effectiveDate ? { effectiveDate: command.effectiveDate } : {}) };
  const hasPassword = password !== null;
  if (!pool) return { plan: planCertificate(base), hasPassword };
  return planAgainstPool(base, pool, hasPassword, io);
}

/** The plan with the pool's state, or with the reason it could not be read. */
async function planAgainstPool(base: { pfx: CheckedPfx; now: Date; effectiveDate?: Date }, pool: { spec: FrontEndPoolSpec; secrets: PoolSecrets; warnings: readonly Finding[] }, hasPassword: boolean, io: Required<PlanIo>, heldBy?: string): Promise<Planned> {
  const held = heldBy === undefined ? {} : { heldBy };
  let snapshot: PoolSnapshot;
  const opened = io.openPool(pool.spec, pool.secrets);
  try {
    snapshot = await opened.inspect();
  } catch (error) {
    if (!isSfbError(error)) throw error;
    const poolError = { code: error.code, message: error.message };
    return { plan: planCertificate({ ...base, poolFailure: poolError }), spec: pool.spec, poolError, hasPassword, ...held };
  }
  return { plan: planCertificate({ ...base, pool: inspectedPool(pool.spec, snapshot, pool.warnings, opened.description) }), spec: pool.spec, snapshot, hasPassword, ...held };
}

/** The streams, clock and pool of one run; parameters so that tests can drive it. */
export interface PlanIo {
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream;
  readonly stdin: NodeJS.ReadableStream;
  readonly clock: () => Date;
  readonly openPool?: typeof createPowerShellPool;
  readonly openServerCertificates?: ServerCertificatesOpener;
}

/** Runs `plan` with the arguments after the command name; returns the exit code. */
export async function planCommand(args: readonly string[], io: Omit<PlanIo, 'openPool' | 'openServerCertificates'> & Partial<Pick<PlanIo, 'openPool' | 'openServerCertificates'>>): Promise<number> {
  // Decided before parsing, so that a usage error is reported in the form the caller asked for.
  const json = args.includes('--json');
  try {
    if (args.includes('--help') || args.includes('-h')) {
      io.out.write(PLAN_USAGE + '\n');
      return PLAN_EXIT.ready;
    }
    const planned = await plan(parsePlanArgs(args), { ...io, openPool: io.openPool ?? createPowerShellPool, openServerCertificates: io.openServerCertificates ?? createServerCertificates });
    io.out.write(json ? JSON.stringify(jsonOf(planned)) + '\n' : humanOf(planned));
    return exitOf(planned.plan);
  } catch (error) {
    const usage = error instanceof PlanUsageError || (isSfbError(error) && error.code === 'INVALID_ARGUMENT');
    if (!usage) throw error;
    const message = (error as Error).message;
    if (json) io.out.write(JSON.stringify({ ...EMPTY, usageError: { code: 'INVALID_ARGUMENT', message } }) + '\n');
    else io.err.write(`sfb-oauth-cert: ${message}\n\n${PLAN_USAGE}\n`);
    return PLAN_EXIT.usage;
  }
}
