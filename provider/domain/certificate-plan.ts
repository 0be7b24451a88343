/**
 * What `sfb-oauth-cert plan` prints, as a value: for one certificate (the PFX's, already checked
 * by pfx-checks.ts) and the pool as it was just read, the plan the resource would apply (the
 * same planners: roll-plan.ts for what becomes current and previous, deployment-plan.ts for the
 * Front End steps) and every rule, each with the codes it refuses with and why it passed, refused
 * or could not be checked. Rendering (and the PowerShell of each step) is the CLI's.
 *
 * The CLI reads no stack: every roll pending on the deployment other than the one planned counts
 * as not declared (FOREIGN_ROLL_PENDING), and the NotAfter of a previous certificate already on
 * the deployment is unknown (Skype reports only its thumbprint), so its removal is not planned
 * here; the removal of the certificate the plan replaces is (its NotAfter is reported).
 *
 * Pure: the facts and `now` are parameters.
 */
import { planDeployment, type DeploymentFacts, type DeploymentPlan, type DesiredDeployment, type PoolSettings } from './front-end-pool-plan';
import type { ErrorCode, Finding, PfxErrorCode, PfxWarningCode } from './errors';
import { planRoll, type CertificateSlots, type RollPlan } from './roll-plan';
import { becomesCurrentAt } from './time';
import { deploymentFactsOf as factsOfLook, knownNotAfter } from './front-end-pool-facts';
import type { FrontEndCertificates, PoolSnapshot } from '../ports/front-end-pool';
import type { FrontEndPoolSpec } from './front-end-pool-spec';
import { manualFactsOf, planManualPool, type ManualPoolPlan } from './manual-pool-steps';

/** The rules a plan reports, in the order they are printed. */
export const PLAN_RULES = ['pfx', 'validity', 'roll-lead-time', 'time-zone', 'local-time', 'foreign-roll'] as const;
export type PlanRule = (typeof PLAN_RULES)[number];

/** What each rule checks, and the codes it refuses with (the closed vocabulary of errors.ts). */
export const PLAN_RULE_FACTS: Readonly<Record<PlanRule, { readonly title: string; readonly codes: readonly ErrorCode[] }>> = {
  pfx: {
    title: 'the PFX (or the certificate in a Front End Server\'s store) holds one certificate with its RSA private key of at least 2048 bits, exportable when it is on a server, naming the SIP domain when one is given',
    codes: ['PFX_UNREADABLE', 'PFX_TOO_LARGE', 'PFX_ITERATION_LIMIT', 'PFX_BAD_PASSWORD', 'PFX_NO_PRIVATE_KEY', 'PFX_KEY_MISMATCH', 'PFX_AMBIGUOUS', 'KEY_NOT_RSA', 'KEY_TOO_SMALL', 'SIP_DOMAIN_MISSING', 'CERT_NOT_ON_SERVER', 'CERT_NO_PRIVATE_KEY', 'CERT_KEY_NOT_EXPORTABLE'],
  },
  validity: {
    title: 'the certificate is valid when it becomes current, and after',
    codes: ['CERT_EXPIRED', 'CERT_NOT_YET_VALID', 'CERT_EXPIRES_BEFORE_EFFECTIVE_DATE'],
  },
  'roll-lead-time': {
    title: 'a scheduled roll is at least 24 hours before the current certificate expires',
    codes: ['ROLL_TOO_LATE'],
  },
  'time-zone': {
    title: 'every Front End Server and the session that runs the cmdlets are in one time zone',
    codes: ['TIME_ZONE_MISMATCH'],
  },
  'local-time': {
    title: "the effective date is not next to a daylight saving change of the servers' time zone",
    codes: ['EFFECTIVE_DATE_AMBIGUOUS'],
  },
  'foreign-roll': {
    title: 'no roll nobody declared is pending on the deployment',
    codes: ['FOREIGN_ROLL_PENDING'],
  },
};

/** One rule's outcome: `refused` carries the findings; the others say why in `note` when it is not obvious. */
export interface RuleCheck {
  readonly rule: PlanRule;
  readonly title: string;
  readonly status: 'passed' | 'refused' | 'not-applicable' | 'not-checked';
  readonly findings: readonly Finding[];
  /** Why the rule did not apply or could not be checked, or what its pass rests on. */
  readonly note?: string;
}

/** The certificate the PFX checks chose (absent when none could be chosen). */
export interface PlannedCertificate {
  readonly thumbprint: string;
  readonly subject: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** The PFX side of a plan: the checks' findings and the chosen certificate. */
export interface CheckedPfx {
  readonly certificate?: PlannedCertificate;
  /** The PFX checks' findings, or those of the checks on a certificate a Front End Server holds (server-certificate-checks.ts). */
  readonly errors: readonly Finding<PfxErrorCode | 'CERT_NOT_ON_SERVER' | 'CERT_NO_PRIVATE_KEY' | 'CERT_KEY_NOT_EXPORTABLE'>[];
  readonly warnings: readonly Finding<PfxWarningCode>[];
}

/** The pool side: its settings and what one look at it returned. */
export interface InspectedPool {
  /** The servers, the zone declared for preview (`serverTimeZone`), `replaceForeignRoll`. */
  readonly settings: PoolSettings;
  readonly snapshot: PoolSnapshot;
  /** Warnings about the pool's declaration (a deprecated option). */
  readonly warnings?: readonly Finding[];
  /**
   * Manual mode (`mode: 'manual'`): the pool's declaration and description. The rules are then
   * the manual step's (each server's own report; the session's zone not involved), and the plan
   * is per server (manual-pool-steps.ts) instead of the global assignment.
   */
  readonly manual?: { readonly spec: FrontEndPoolSpec; readonly description: string };
}

export interface CertificatePlanInput {
  readonly pfx: CheckedPfx;
  /** Absent: current now. */
  readonly effectiveDate?: Date;
  readonly now: Date;
  /** Absent: no pool given; the resource would stop at the store. */
  readonly pool?: InspectedPool;
  /** Why the pool given could not be read at all (the shell failed); `pool` is then absent. */
  readonly poolFailure?: Finding;
}

/** The plan `sfb-oauth-cert plan` prints. */
export interface CertificatePlan {
  /**
   * `ready`: every rule that applies passed, the plan can be applied. `refused`: a rule refuses it.
   * `pool-unreadable`: the pool or a server could not be read, so nothing about the deployment
   * was decided (a refusal by the PFX checks is `refused` all the same: it does not depend on it).
   */
  readonly outcome: 'ready' | 'refused' | 'pool-unreadable';
  readonly certificate?: PlannedCertificate;
  /** When the certificate becomes current; an effective date already past means now (`effectiveDatePassed`). */
  readonly becomesCurrent: { readonly at: Date; readonly scheduled: boolean; readonly effectiveDatePassed: boolean };
  readonly rules: readonly RuleCheck[];
  /** Findings that do not refuse the plan (the PFX's, the pool declaration's). */
  readonly warnings: readonly Finding[];
  /** Current and previous after the plan (roll-plan.ts, over the Central Management Store's assignment); with a pool only. */
  readonly roll?: Pick<RollPlan, 'action' | 'summary'>;
  /** The Front End steps (deployment-plan.ts); with a pool and a usable certificate only. */
  readonly deployment?: DeploymentPlan;
  /** Manual mode: the run server by server (manual-pool-steps.ts), in place of `deployment` and `roll`. */
  readonly manual?: ManualPoolPlan;
  /** The servers that could not be read, each with why. */
  readonly unreadable: readonly { readonly server: string; readonly code: string; readonly message: string }[];
}

const VALIDITY_CODES = new Set<string>(PLAN_RULE_FACTS.validity.codes);

/**
 * The deployment facts of one look, gathered as the pool step gathers them (one definition:
 * front-end-pool-facts.ts). Nothing recorded before is known here (no stack is read): no own
 * rolls, and a NotAfter only where the look reports one.
 */
export function deploymentFactsOf(snapshot: PoolSnapshot): DeploymentFacts {
  return factsOfLook(snapshot, knownNotAfter(undefined, NOTHING_DECLARED, snapshot), []);
}

/** No declaration contributes a NotAfter: the plan's certificate is checked by the PFX checks. */
const NOTHING_DECLARED = { thumbprint: '', notAfter: '' } as const;

/** The CMS's assignment as roll-plan's slots (a thumbprint names its version). */
function slotsOf(global: FrontEndCertificates): CertificateSlots {
  return {
    ...(global.current ? { current: { versionId: global.current, thumbprint: global.current } } : {}),
    ...(global.previous ? { previous: { versionId: global.previous, thumbprint: global.previous } } : {}),
    ...(global.scheduled ? { pending: { versionId: global.scheduled.thumbprint, thumbprint: global.scheduled.thumbprint, effectiveDate: new Date(global.scheduled.effectiveDate) } } : {}),
  };
}

function check(rule: PlanRule, status: RuleCheck['status'], findings: readonly Finding[], note?: string): RuleCheck {
  return { rule, title: PLAN_RULE_FACTS[rule].title, status, findings, ...(note !== undefined ? { note } : {}) };
}

/** The rules about the deployment, from the planner's outcome. */
function deploymentRules(
  input: CertificatePlanInput,
  scheduled: boolean,
  facts: DeploymentFacts | undefined,
  outcome: ReturnType<typeof planDeployment> | undefined,
  notChecked: string | undefined,
  settledOverride?: boolean,
): RuleCheck[] {
  const rules: PlanRule[] = ['roll-lead-time', 'time-zone', 'local-time', 'foreign-roll'];
  if (notChecked !== undefined) return rules.map((rule) => check(rule, 'not-checked', [], notChecked));
  const issues = outcome!.issues;
  const of = (rule: PlanRule) => issues.filter((i) => PLAN_RULE_FACTS[rule].codes.includes(i.code));
  const settled = settledOverride ?? (outcome!.plan && (outcome!.plan.action === 'none' || outcome!.plan.action === 'remove-previous'));
  const immediate = 'an immediate set carries no date (an emergency is never blocked)';
  return rules.map((rule): RuleCheck => {
    const found = of(rule);
    if (found.length > 0) return check(rule, 'refused', found);
    if (settled) return check(rule, 'not-applicable', [], 'every server already has the certificate as planned: nothing is assigned');
    switch (rule) {
      case 'roll-lead-time': {
        if (!scheduled) return check(rule, 'not-applicable', [], immediate);
        const current = facts!.current;
        if (!current) return check(rule, 'not-applicable', [], 'no certificate is current on the deployment');
        if (current.thumbprint === input.pfx.certificate!.thumbprint) return check(rule, 'not-applicable', [], 'the certificate planned is the current one');
        if (!current.notAfter) return check(rule, 'not-checked', [], `the deployment did not report the NotAfter of the current certificate ${current.thumbprint}`);
        return check(rule, 'passed', []);
      }
      case 'time-zone':
        return scheduled ? check(rule, 'passed', []) : check(rule, 'not-applicable', [], immediate);
      case 'local-time':
        if (!scheduled) return check(rule, 'not-applicable', [], immediate);
        // The planner checks local times only in a zone the servers agree on.
        return issues.some((i) => i.code === 'TIME_ZONE_MISMATCH') ? check(rule, 'not-checked', [], 'the servers and the session are not in one time zone') : check(rule, 'passed', []);
      case 'foreign-roll':
        return input.pool!.settings.replaceForeignRoll === true ? check(rule, 'passed', [], "the pool's replaceForeignRoll lets the plan set the declared state over a roll nobody declared") : check(rule, 'passed', []);
      default:
        return check(rule, 'passed', []);
    }
  });
}

/** Plans one certificate against the pool as read (or without a pool). */
export function planCertificate(input: CertificatePlanInput): CertificatePlan {
  const { pfx, now } = input;
  const at = becomesCurrentAt(now, input.effectiveDate);
  const scheduled = at.getTime() > now.getTime();
  const becomesCurrent = { at, scheduled, effectiveDatePassed: input.effectiveDate !== undefined && !scheduled };
  const pfxErrors = pfx.errors.filter((e) => !VALIDITY_CODES.has(e.code));
  const validityErrors = pfx.errors.filter((e) => VALIDITY_CODES.has(e.code));
  const noCertificate = 'no certificate could be chosen from the PFX';
  const rules: RuleCheck[] = [
    check('pfx', pfxErrors.length > 0 ? 'refused' : 'passed', pfxErrors),
    validityErrors.length > 0 ? check('validity', 'refused', validityErrors) : pfx.certificate ? check('validity', 'passed', []) : check('validity', 'not-checked', [], noCertificate),
  ];
  const warnings: Finding[] = [...pfx.warnings, ...(input.pool?.warnings ?? [])];
  const usable = pfx.errors.length === 0 && pfx.certificate !== undefined;
  const unread = (input.pool?.snapshot.servers ?? []).filter((s) => s.unreachable !== undefined);
  const unreadable = unread.map((s) => ({ server: s.server, code: s.unreachable!.code, message: s.unreachable!.message }));

  if (!input.pool) {
    const why = input.poolFailure ? `the pool could not be read (${input.poolFailure.code})` : 'no pool was given, so the deployment is not known';
    rules.push(...deploymentRules(input, scheduled, undefined, undefined, why));
    const outcome = !usable ? 'refused' : input.poolFailure ? 'pool-unreadable' : 'ready';
    return { outcome, ...(pfx.certificate ? { certificate: pfx.certificate } : {}), becomesCurrent, rules, warnings, unreadable };
  }
  const pool = input.pool;
  const desired = usable ? { thumbprint: pfx.certificate!.thumbprint, notBefore: pfx.certificate!.notBefore, notAfter: pfx.certificate!.notAfter, ...(input.effectiveDate ? { effectiveDate: input.effectiveDate } : {}) } : undefined;
  const roll = desired ? planRoll(slotsOf(pool.snapshot.global), { versionId: desired.thumbprint, thumbprint: desired.thumbprint, ...(input.effectiveDate ? { effectiveDate: input.effectiveDate } : {}) }, now) : undefined;
  const rollPart = roll ? { roll: { action: roll.action, summary: roll.summary } } : {};
  const certificatePart = pfx.certificate ? { certificate: pfx.certificate } : {};
  // An up stops before changing anything when a server cannot be read: so does the plan.
  if (unreadable.length > 0) {
    rules.push(...deploymentRules(input, scheduled, undefined, undefined, `${unreadable.map((u) => u.server).join(', ')} could not be read`));
    return { outcome: usable ? 'pool-unreadable' : 'refused', ...certificatePart, becomesCurrent, rules, warnings, ...rollPart, unreadable };
  }
  if (!desired) {
    rules.push(...deploymentRules(input, scheduled, undefined, undefined, 'the PFX is refused'));
    return { outcome: 'refused', ...certificatePart, becomesCurrent, rules, warnings, unreadable };
  }
  if (pool.manual) return planManualCertificate(input, { ...pool, manual: pool.manual }, desired, { becomesCurrent, rules, warnings, certificatePart, scheduled, unreadable });
  const facts = deploymentFactsOf(pool.snapshot);
  const outcome = planDeployment(facts, desired, pool.settings, now);
  // The planner repeats the validity rule; the PFX checks above already decided it.
  rules.push(...deploymentRules(input, scheduled, facts, { ...outcome, issues: outcome.issues.filter((i) => !VALIDITY_CODES.has(i.code)) }, undefined));
  const refused = rules.some((r) => r.status === 'refused') || !outcome.plan;
  return {
    outcome: refused ? 'refused' : 'ready',
    ...certificatePart,
    becomesCurrent,
    rules,
    warnings,
    ...rollPart,
    ...(outcome.plan ? { deployment: outcome.plan } : {}),
    unreadable,
  };
}

/**
 * Manual mode: the rules over each server's own report (the manual step's facts), then the run
 * server by server, from the same decisions `up` takes (manual-pool-steps.ts). Nothing is
 * recorded before here either: no own rolls, and a NotAfter only where the look reports one.
 */
function planManualCertificate(
  input: CertificatePlanInput,
  pool: InspectedPool & { readonly manual: NonNullable<InspectedPool['manual']> },
  desired: DesiredDeployment,
  done: { becomesCurrent: CertificatePlan['becomesCurrent']; rules: RuleCheck[]; warnings: Finding[]; certificatePart: { certificate?: PlannedCertificate }; scheduled: boolean; unreadable: CertificatePlan['unreadable'] },
): CertificatePlan {
  const { now } = input;
  const known = knownNotAfter(undefined, NOTHING_DECLARED, pool.snapshot);
  const facts = manualFactsOf(pool.snapshot, known, [], desired);
  const outcome = planDeployment(facts, desired, pool.settings, now);
  const manual = planManualPool({ description: pool.manual.description, snapshot: pool.snapshot, desired, known, ownRolls: [], pool: pool.manual.spec, now });
  const settled = 'plan' in manual && (manual.plan.action === 'none' || manual.plan.action === 'remove-previous');
  const rules = [...done.rules, ...deploymentRules(input, done.scheduled, facts, { ...outcome, issues: outcome.issues.filter((i) => !VALIDITY_CODES.has(i.code)) }, undefined, settled)];
  const refused = rules.some((r) => r.status === 'refused') || !('plan' in manual);
  return {
    outcome: refused ? 'refused' : 'ready',
    ...done.certificatePart,
    becomesCurrent: done.becomesCurrent,
    rules,
    warnings: done.warnings,
    ...('plan' in manual ? { manual: manual.plan } : {}),
    unreadable: done.unreadable,
  };
}
