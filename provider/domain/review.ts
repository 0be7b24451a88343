/**
 * The review of a preview for a pull-request comment: per OAuthTokenIssuer certificate its
 * operation, plan line, thumbprint old → new, NotAfter and days left, the Front End Servers an
 * update moves, and the warnings and check failures the provider reported for it.
 *
 * Gather, decide, act: the preview reader (provider/adapters/pulumi-preview/) turns Pulumi's
 * `pulumi preview --json` into {@link PreviewFacts}; this module decides what the review says
 * ({@link reviewPreview}, a value tests compare with `toEqual`); the CLI renders it as Markdown
 * (provider/cli/review-markdown.ts). Pure: no clock, no I/O, no wire format.
 *
 * Secrets: the facts hold no secret. The reader shows no value marked secret ({@link Hidden}) and
 * blanks any plaintext secret the document reveals out of the messages before they reach here.
 */
import type { CheckWarningCode, Finding, OperationErrorCode, PfxErrorCode } from './errors';
import { rollTimeline, type RollTimeline } from './roll-timeline';
import { DAY_MS } from './time';

/** What the engine planned for a certificate; `other` is an engine operation without a review meaning (read, import...). */
export type ReviewOperation = 'create' | 'update' | 'replace' | 'delete' | 'same' | 'other';

/** A value the review does not show: marked secret, or not known until `pulumi up`. */
export interface Hidden {
  readonly hidden: 'secret' | 'unknown';
}

/** A shown value, a hidden one, or null when the document has none. */
export type Reviewed<T> = T | Hidden | null;

/** Whether a reviewed value is hidden (secret or unknown). */
export const isHidden = <T>(value: Reviewed<T>): value is Hidden => typeof value === 'object' && value !== null && 'hidden' in value;

/** A failure reported for a certificate: the provider's code, the property it is on, and its sentence. */
export interface ReviewFailure {
  readonly code: PfxErrorCode | OperationErrorCode;
  /** The non-secret property a check failure is reported on (`certificate`, `sipDomain`...); null for program errors. */
  readonly property: string | null;
  readonly message: string;
}

// ---------------------------------------------------------------------------------------------
// The facts the reader gathers

/** An OAuthTokenIssuer certificate of the preview: its URN and the resource name the program gave it. */
export interface CertificateRef {
  readonly urn: string;
  readonly name: string;
}

/** A Front End Server as the old state recorded it (the `servers` output: at the last up or refresh). */
export interface RecordedServer {
  /** Its FQDN, as recorded. */
  readonly server: string;
  /** The thumbprint it held current; null when none, or not a thumbprint. */
  readonly current: string | null;
  /** The thumbprint of the roll pending on it; null when none. */
  readonly pending: string | null;
  /** The thumbprint it held previous; null when none, or not a thumbprint. */
  readonly previous: string | null;
  /** NotAfter (ISO 8601) of its current certificate, when recorded. */
  readonly currentNotAfter: string | null;
  /** NotAfter (ISO 8601) of its previous certificate, when recorded (the provider carries it from when that one was current). */
  readonly previousNotAfter: string | null;
}

/** What the review reads of a certificate's recorded state (what `up` recorded: outputs first). */
export interface OldCertificateState {
  readonly thumbprint: Reviewed<string>;
  /** ISO 8601. */
  readonly notBefore: Reviewed<string>;
  /** ISO 8601. */
  readonly notAfter: Reviewed<string>;
  /** The declared effective date (ISO 8601); null when it was current at once. */
  readonly effectiveDate: Reviewed<string>;
  /** The certificate Skype kept as previous (or, while a roll is pending, the one current until it). */
  readonly previousThumbprint: Reviewed<string>;
  /** The declared certificate while its scheduled roll had not happened yet; null otherwise. */
  readonly pendingThumbprint: Reviewed<string>;
  /** Null when state records no servers (no pool). */
  readonly servers: Reviewed<readonly RecordedServer[]>;
  /** A certificate from an issuer: when its next renewal is due (ISO 8601); absent otherwise. */
  readonly nextRenewalAt?: Reviewed<string>;
}

/** What the review reads of a certificate's checked new state (what preview computed: inputs first). */
export interface NewCertificateState {
  readonly thumbprint: Reviewed<string>;
  /** ISO 8601. */
  readonly notBefore: Reviewed<string>;
  /** ISO 8601. */
  readonly notAfter: Reviewed<string>;
  /** The declared effective date (ISO 8601) of a scheduled roll; null: current at once. */
  readonly effectiveDate: Reviewed<string>;
  /** The roll plan line the provider's check computed, e.g. `new 999F.. current now`. */
  readonly plan: Reviewed<string>;
  /** The servers the declared pool lists; null when the inputs declare no list. */
  readonly poolServers: Reviewed<readonly string[]>;
}

/** One engine step on a certificate. */
export interface CertificateStep extends CertificateRef {
  /** The engine's operation (`create`, `update`, `create-replacement`...). */
  readonly op: string;
  /** Absent when the step carries no old state (a create). */
  readonly old?: OldCertificateState;
  /** Absent when the step carries no new state (a delete). */
  readonly new?: NewCertificateState;
}

/** A diagnostic of the preview, as far as the review is concerned. */
export type PreviewDiagnostic =
  /** Provider warnings; `certificate` is null when the engine gave them no certificate's URN (the provider's stderr). */
  | { readonly kind: 'warnings'; readonly certificate: CertificateRef | null; readonly warnings: readonly Finding<CheckWarningCode>[] }
  /** An error with a code of this provider: a check failure, or an SfbError the program threw. */
  | { readonly kind: 'failure'; readonly certificate: CertificateRef | null; readonly failure: ReviewFailure }
  /** Another error: counted, never shown (its text is not ours to vouch for). */
  | { readonly kind: 'other-error' };

/** A preview as the reader gathered it: the steps on certificates and the diagnostics, in the document's order. */
export interface PreviewFacts {
  readonly steps: readonly CertificateStep[];
  readonly diagnostics: readonly PreviewDiagnostic[];
}

// ---------------------------------------------------------------------------------------------
// The review

/** The review of one OAuthTokenIssuer certificate. */
export interface CertificateReview {
  readonly urn: string;
  /** The resource name the program gave it. */
  readonly name: string;
  /** Null when the engine planned no step for it: its check failed. */
  readonly operation: ReviewOperation | null;
  /** The engine's own operation names, for `other` (e.g. `["read"]`). */
  readonly engineOperations: readonly string[];
  /** The roll plan line the provider's check computed, e.g. `new 999F.. current now`. */
  readonly plan: Reviewed<string>;
  readonly oldThumbprint: Reviewed<string>;
  readonly newThumbprint: Reviewed<string>;
  /** NotAfter (ISO 8601) of the certificate that remains: the new one, or the old one when deleted. */
  readonly notAfter: Reviewed<string>;
  /** Whole days from `now` to NotAfter, rounded down (negative once expired); null when NotAfter is not shown. */
  readonly daysLeft: number | null;
  /**
   * The Front End Servers that, as the old state recorded them (`servers`, at the last up or
   * refresh), hold neither the new certificate current nor its roll pending: what an update of a
   * certificate the store already holds changes (after POOL_NOT_CONVERGED left some servers
   * behind). Empty without a pool, or when the new thumbprint is not shown.
   */
  readonly serversBehind: readonly ServerBehind[];
  /** A certificate from an issuer: when its next renewal is due, as the last up recorded it; absent otherwise. */
  readonly nextRenewalAt?: Reviewed<string>;
  /** At most {@link MAX_FINDINGS} warnings: on its URN, then those naming its thumbprints. */
  readonly warnings: readonly Finding<CheckWarningCode>[];
  /** Warnings for it beyond those listed (a preview may repeat one thumbprint in thousands). */
  readonly moreWarnings: number;
  readonly failures: readonly ReviewFailure[];
  /** When the current certificate is valid, when the new one takes over, the 24-hour limit, the previous one's expiry; null when no date is known. */
  readonly timeline: RollTimeline | null;
}

/**
 * Warnings kept per certificate. A warning naming a thumbprint goes to every certificate with
 * that thumbprint: without a bound, N certificates and W warnings of one PFX make N × W entries
 * (a 4 MiB preview took 42 s).
 */
export const MAX_FINDINGS = 20;

/** A Front End Server not on the declared certificate, as state last recorded it. */
export interface ServerBehind {
  /** Its FQDN, as the pool declares it. */
  readonly server: string;
  /** The thumbprint it held current; null when state has no record of it (e.g. a server just added). */
  readonly current: string | null;
}

/** The review of a whole preview. */
export interface PreviewReview {
  /** The moment days left are counted from. */
  readonly now: Date;
  readonly certificates: readonly CertificateReview[];
  /** Provider warnings that name no certificate of this preview (e.g. an unchanged certificate, which has no step). */
  readonly otherWarnings: readonly Finding<CheckWarningCode>[];
  /** Errors with a code of this provider that name no certificate (e.g. the program's constructor refused an argument). */
  readonly otherFailures: readonly ReviewFailure[];
  /** Other error diagnostics of the preview: counted, not shown (their text is not ours to vouch for). */
  readonly otherErrorCount: number;
}

/**
 * The declared servers (the new pool's list, else those recorded) whose recorded certificate is
 * not `thumbprint`, current or pending.
 */
function serversBehindOf(oldState: OldCertificateState | undefined, newState: NewCertificateState | undefined, thumbprint: Reviewed<string>): ServerBehind[] {
  if (typeof thumbprint !== 'string') return [];
  const recorded = oldState?.servers ?? null;
  const pool = newState?.poolServers ?? null;
  // Marked secret or not known: nothing to say about the servers.
  if (isHidden(recorded) || isHidden(pool)) return [];
  const records = recorded ?? [];
  const declared = pool ?? records.map((r) => r.server);
  if (declared.length === 0) return [];
  // FQDNs compare case-insensitively.
  const byName = new Map(records.map((record) => [record.server.toLowerCase(), record]));
  const behind: ServerBehind[] = [];
  for (const server of declared) {
    const record = byName.get(server.toLowerCase());
    const current = record?.current ?? null;
    if (current !== thumbprint && record?.pending !== thumbprint) behind.push({ server, current });
  }
  return behind;
}

const REPLACE_OPS = ['replace', 'create-replacement', 'delete-replaced'];
/** Operations whose step describes only what goes away: their new state, if any, is not what remains. */
const OLD_ONLY_OPS = ['delete', 'delete-replaced', 'discard'];

function operationOf(ops: readonly string[]): ReviewOperation {
  if (ops.some((op) => REPLACE_OPS.includes(op))) return 'replace';
  const [only] = ops;
  if (ops.length === 1 && (only === 'create' || only === 'update' || only === 'delete' || only === 'same')) return only;
  return 'other';
}

/** The findings each list holds, by code and message: a duplicate is found in constant time. */
const findingKeys = new WeakMap<object, Set<string>>();
const findingKey = (finding: { code: string; message: string }) => `${finding.code}\n${finding.message}`;

function pushUnique<T extends { code: string; message: string }>(list: T[], item: T): void {
  let keys = findingKeys.get(list);
  if (!keys) findingKeys.set(list, (keys = new Set(list.map(findingKey))));
  const key = findingKey(item);
  if (keys.has(key)) return;
  keys.add(key);
  list.push(item);
}

/** Thumbprints a warning names (the provider writes `certificate (THUMBPRINT)`). */
function thumbprintsNamedIn(message: string): string[] {
  return [...message.matchAll(/\b([0-9A-F]{40})\b/g)].map((m) => m[1]!);
}

/**
 * Reviews a preview as of `now`: every OAuthTokenIssuer certificate with a step or a failure, in
 * the order the preview lists them.
 */
export function reviewPreview(facts: PreviewFacts, now: Date): PreviewReview {
  interface Draft {
    ref: CertificateRef;
    steps: CertificateStep[];
    warnings: Finding<CheckWarningCode>[];
    failures: ReviewFailure[];
  }
  const drafts = new Map<string, Draft>();
  const draftFor = (ref: CertificateRef): Draft => {
    let draft = drafts.get(ref.urn);
    if (!draft) drafts.set(ref.urn, (draft = { ref, steps: [], warnings: [], failures: [] }));
    return draft;
  };
  for (const step of facts.steps) draftFor(step).steps.push(step);

  const otherWarnings: Finding<CheckWarningCode>[] = [];
  const otherFailures: ReviewFailure[] = [];
  let otherErrorCount = 0;
  const unplacedWarnings: Finding<CheckWarningCode>[] = [];
  for (const diagnostic of facts.diagnostics) {
    if (diagnostic.kind === 'warnings') {
      for (const warning of diagnostic.warnings) pushUnique(diagnostic.certificate ? draftFor(diagnostic.certificate).warnings : unplacedWarnings, warning);
    } else if (diagnostic.kind === 'failure') {
      pushUnique(diagnostic.certificate ? draftFor(diagnostic.certificate).failures : otherFailures, diagnostic.failure);
    } else {
      otherErrorCount += 1;
    }
  }

  const drafted: CertificateReview[] = [...drafts.values()].map((draft) => {
    const ops = draft.steps.map((step) => step.op);
    const oldState = draft.steps.find((step) => step.old)?.old;
    const newState = draft.steps.find((step) => step.new && !OLD_ONLY_OPS.includes(step.op))?.new;
    const deleted = ops.length > 0 && ops.every((op) => OLD_ONLY_OPS.includes(op));
    const notAfter = (deleted ? oldState?.notAfter : newState?.notAfter) ?? null;
    const newThumbprint = deleted ? null : (newState?.thumbprint ?? null);
    return {
      urn: draft.ref.urn,
      name: draft.ref.name,
      operation: ops.length === 0 ? null : operationOf(ops),
      engineOperations: [...new Set(ops)],
      plan: deleted ? null : (newState?.plan ?? null),
      oldThumbprint: oldState?.thumbprint ?? null,
      newThumbprint,
      notAfter,
      daysLeft: typeof notAfter === 'string' ? Math.floor((Date.parse(notAfter) - now.getTime()) / DAY_MS) : null,
      serversBehind: serversBehindOf(oldState, newState, newThumbprint),
      ...(oldState?.nextRenewalAt != null && !deleted ? { nextRenewalAt: oldState.nextRenewalAt } : {}),
      warnings: draft.warnings,
      moreWarnings: 0,
      failures: draft.failures,
      timeline: rollTimeline(oldState, deleted ? undefined : newState, newThumbprint, now),
    };
  });

  // The engine gives the provider's stderr no URN: a warning goes to the certificates whose
  // thumbprint it names, and stays with the preview when it names none of them. Indexed by
  // thumbprint once, so each certificate takes its first MAX_FINDINGS and counts the rest
  // (linear: never certificates × warnings).
  const held = new Set(drafted.flatMap((c) => [c.newThumbprint, c.oldThumbprint]).filter((t): t is string => typeof t === 'string'));
  const byThumbprint = new Map<string, Finding<CheckWarningCode>[]>();
  const keysByThumbprint = new Map<string, Set<string>>();
  const namingBoth = new Map<string, number>();
  for (const warning of unplacedWarnings) {
    const named = [...new Set(thumbprintsNamedIn(warning.message))].filter((t) => held.has(t)).sort();
    if (named.length === 0) pushUnique(otherWarnings, warning);
    for (const [i, t] of named.entries()) {
      const list = byThumbprint.get(t);
      if (list) list.push(warning);
      else byThumbprint.set(t, [warning]);
      const keys = keysByThumbprint.get(t);
      if (keys) keys.add(findingKey(warning));
      else keysByThumbprint.set(t, new Set([findingKey(warning)]));
      // The reader bounds a message's length: it names a bounded number of thumbprints.
      for (const u of named.slice(i + 1)) namingBoth.set(`${t} ${u}`, (namingBoth.get(`${t} ${u}`) ?? 0) + 1);
    }
  }
  /** A certificate's first MAX_FINDINGS warnings (its URN's, then its thumbprints'), and how many more. */
  const warningsFor = (own: readonly Finding<CheckWarningCode>[], thumbprints: readonly Reviewed<string>[]) => {
    const mine = [...new Set(thumbprints.filter((t): t is string => typeof t === 'string'))].sort();
    const named = mine.reduce((n, t) => n + (byThumbprint.get(t)?.length ?? 0), 0) - (mine.length === 2 ? (namingBoth.get(`${mine[0]} ${mine[1]}`) ?? 0) : 0);
    const ownAlsoNamed = own.filter((w) => mine.some((t) => keysByThumbprint.get(t)?.has(findingKey(w)))).length;
    const warnings: Finding<CheckWarningCode>[] = [];
    const seen = new Set<string>();
    for (const list of [own, ...mine.map((t) => byThumbprint.get(t) ?? [])]) {
      for (const warning of list) {
        if (warnings.length === MAX_FINDINGS) break;
        if (seen.has(findingKey(warning))) continue;
        seen.add(findingKey(warning));
        warnings.push(warning);
      }
    }
    return { warnings, moreWarnings: own.length + named - ownAlsoNamed - warnings.length };
  };
  const certificates = drafted.map((c) => ({ ...c, ...warningsFor(c.warnings, [c.newThumbprint, c.oldThumbprint]) }));
  return { now, certificates, otherWarnings, otherFailures, otherErrorCount };
}
