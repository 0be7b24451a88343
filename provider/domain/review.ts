/**
 * The review of a `pulumi preview --json` document for a pull-request comment (issue #8, part 5):
 * per OAuthTokenIssuer certificate its operation, plan line, thumbprint old → new, NotAfter and
 * days left, and the warnings and check failures the provider reported for it.
 *
 * Gather, decide, act: the CLI reads the document and the clock (provider/cli/review.ts); this
 * module decides what the review says ({@link reviewPreview}, a value tests compare with
 * `toEqual`) and how it reads as Markdown ({@link renderReviewMarkdown}). Pure: no clock, no I/O.
 *
 * Secrets: the document may hold the PFX, its password and the store passphrase, as "[secret]",
 * as Pulumi's secret envelope, or in plaintext (`pulumi preview --json --show-secrets`). Only an
 * allow-list of non-secret properties is ever read, a value marked secret is never shown, and
 * any plaintext secret the document reveals is blanked out of the messages that are shown.
 *
 * The shapes here are those the real CLI (v3.274.1) prints, observed in
 * test/integration/review.int.test.ts: a step per changed resource (`op`, `urn`, `oldState`,
 * `newState` with `inputs`/`outputs`; unchanged resources have no step unless `--show-sames`),
 * check failures as `error` diagnostics on the resource's URN ("... property P value V has a
 * problem: CODE: sentence"), and the provider's warnings (`warning CODE: sentence` on the dynamic
 * provider's stderr) as diagnostics with no URN.
 */
import { OPERATION_ERROR_CODES, PFX_ERROR_CODES, PFX_WARNING_CODES, type Finding, type OperationErrorCode, type PfxErrorCode, type PfxWarningCode } from './errors';
import { untrusted, untrustedMessage } from './markdown';
import { secretBlanker, type SecretBlanker } from './secret-blanking';
import { DAY_MS, isoMinute, parseIsoInstant } from './time';

/** The type token the engine gives `OAuthTokenIssuerCertificate` (a dynamic resource of module `sfb`). */
export const CERTIFICATE_TYPE = 'pulumi-nodejs:dynamic/sfb:OAuthTokenIssuerCertificate';

/** What the review says when the preview changes no certificate and reports nothing about one. */
export const NO_CHANGES = 'No OAuthTokenIssuer certificate changes in this preview.';

/** The first line of every review: lets a CI job find and update its own earlier comment. */
export const REVIEW_MARKER = '<!-- sfb-oauth-cert review -->';

/** Pulumi's JSON stand-in for a value not known until `pulumi up` (sdk/go/common/resource/plugin). */
const UNKNOWN_VALUE = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';
/** The key that marks a serialized secret envelope (`{ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ... }`). */
const SECRET_SIGNATURE_KEY = '4dabf18193072939515e22adb298388d';
/** Inputs that hold secrets whatever the program passed (resource.ts makes them secret). */
const SECRET_PROPERTIES = ['pfx', 'password', 'storePassphrase'];
/** Longest message shown: a comment stays short, and a runaway message cannot flood it. */
const MAX_MESSAGE_CHARS = 600;

/** What the engine planned for a certificate; `other` is an engine operation without a review meaning (read, import...). */
export type ReviewOperation = 'create' | 'update' | 'replace' | 'delete' | 'same' | 'other';

/** A value the review does not show: marked secret, or not known until `pulumi up`. */
export interface Hidden {
  readonly hidden: 'secret' | 'unknown';
}

/** A shown value, a hidden one, or null when the document has none. */
export type Reviewed<T> = T | Hidden | null;

/** A failure reported for a certificate: the provider's code, the property it is on, and its sentence. */
export interface ReviewFailure {
  readonly code: PfxErrorCode | OperationErrorCode;
  /** The non-secret property a check failure is reported on (`certificate`, `sipDomain`...); null for program errors. */
  readonly property: string | null;
  readonly message: string;
}

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
   * certificate the store already holds changes (after POOL_NOT_CONVERGED, issue #19 item 3).
   * Empty without a pool, or when the new thumbprint is not shown.
   */
  readonly serversBehind: readonly ServerBehind[];
  /** At most {@link MAX_FINDINGS} warnings: on its URN, then those naming its thumbprints. */
  readonly warnings: readonly Finding<PfxWarningCode>[];
  /** Warnings for it beyond those listed (a preview may repeat one thumbprint in thousands). */
  readonly moreWarnings: number;
  readonly failures: readonly ReviewFailure[];
}

/**
 * Warnings kept per certificate. A warning naming a thumbprint goes to every certificate with
 * that thumbprint: without a bound, N certificates and W warnings of one PFX make N × W entries
 * (a 4 MiB preview took 42 s; issue #19, item 2).
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
  readonly otherWarnings: readonly Finding<PfxWarningCode>[];
  /** Errors with a code of this provider that name no certificate (e.g. the program's constructor refused an argument). */
  readonly otherFailures: readonly ReviewFailure[];
  /** Other error diagnostics of the preview: counted, not shown (their text is not ours to vouch for). */
  readonly otherErrorCount: number;
}

/** The outcome: the review, or why the document is not `pulumi preview --json` output (a sentence fragment). */
export type ReviewOutcome = { readonly ok: true; readonly review: PreviewReview } | { readonly ok: false; readonly reason: string };

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

const WARNING_CODES: readonly string[] = PFX_WARNING_CODES;
const FAILURE_CODES: readonly string[] = [...PFX_ERROR_CODES, ...OPERATION_ERROR_CODES];
const isWarningCode = (code: string): code is PfxWarningCode => WARNING_CODES.includes(code);
const isFailureCode = (code: string): code is PfxErrorCode | OperationErrorCode => FAILURE_CODES.includes(code);

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
function readDocument(document: unknown): { steps: Step[]; diagnostics: Diagnostic[] } | { reason: string } {
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

/** The type token in a URN (`urn:pulumi:stack::project::parent$type::name`): the last `$` segment. */
function typeOfUrn(urn: string): string {
  const qualified = urn.split('::')[2] ?? '';
  return qualified.slice(qualified.lastIndexOf('$') + 1);
}

/** The resource name in a URN: everything after the type (a name may itself hold `::`). */
function nameOfUrn(urn: string): string {
  return urn.split('::').slice(3).join('::');
}

function isCertificateStep(step: Step): boolean {
  const type = step.newState?.type ?? step.oldState?.type ?? typeOfUrn(step.urn);
  return type === CERTIFICATE_TYPE;
}

function isSecretValue(value: unknown): boolean {
  return value === '[secret]' || (isObject(value) && SECRET_SIGNATURE_KEY in value);
}

/** The plaintext secrets a document reveals (`--show-secrets`): blanked out of every message shown. */
function plaintextSecrets(steps: readonly Step[]): string[] {
  const found = new Set<string>();
  for (const step of steps) {
    for (const state of [step.oldState, step.newState]) {
      if (!state) continue;
      const secretNames = new Set([...SECRET_PROPERTIES, ...(Array.isArray(state.additionalSecretOutputs) ? state.additionalSecretOutputs.filter((n): n is string => typeof n === 'string') : [])]);
      for (const bag of [state.inputs, state.outputs]) {
        if (!isObject(bag)) continue;
        for (const name of secretNames) {
          const value = bag[name];
          // Short values would blank out ordinary words; a secret that short is no secret anyway.
          if (typeof value === 'string' && value.length >= 4 && value !== '[secret]' && value !== UNKNOWN_VALUE) found.add(value);
        }
      }
    }
  }
  return [...found];
}

/**
 * One allow-listed property of a state: from `inputs` first for the new state (preview has only
 * the checked inputs), from `outputs` first for the old one (what `up` recorded).
 */
function readProperty(state: Json | undefined, name: string, prefer: 'inputs' | 'outputs'): unknown {
  if (!state) return undefined;
  const secretOutputs = Array.isArray(state.additionalSecretOutputs) ? state.additionalSecretOutputs : [];
  if (secretOutputs.includes(name)) return { [SECRET_SIGNATURE_KEY]: true };
  const order = prefer === 'inputs' ? [state.inputs, state.outputs] : [state.outputs, state.inputs];
  for (const bag of order) if (isObject(bag) && bag[name] !== undefined && bag[name] !== null) return bag[name];
  return undefined;
}

/** A property as the review shows it: the value if it passes `valid`, hidden if secret or unknown, else null. */
function reviewed(value: unknown, valid: (text: string) => string | null): Reviewed<string> {
  if (value === undefined || value === null) return null;
  if (isSecretValue(value)) return { hidden: 'secret' };
  if (value === UNKNOWN_VALUE) return { hidden: 'unknown' };
  return typeof value === 'string' ? valid(value) : null;
}

const thumbprintOf = (text: string): string | null => (/^[0-9A-Fa-f]{40}$/.test(text) ? text.toUpperCase() : null);
const instantOf = (text: string): string | null => {
  const parsed = parseIsoInstant(text);
  return parsed.ok ? parsed.date.toISOString() : null;
};
// A plan line is one short line the provider wrote; anything else is not shown as one.
const planOf = (text: string): string | null => (text.length <= 300 && !/[\r\n]/.test(text) ? text : null);

/**
 * The declared servers (the new `pool`, else those recorded) whose recorded certificates (the old
 * `servers` output, FQDN → `{ current, pending: { thumbprint } }`) are not `thumbprint`.
 */
function serversBehindOf(oldState: Json | undefined, newState: Json | undefined, thumbprint: Reviewed<string>): ServerBehind[] {
  if (typeof thumbprint !== 'string') return [];
  const recordedRaw = readProperty(oldState, 'servers', 'outputs');
  const pool = readProperty(newState, 'pool', 'inputs');
  // Marked secret or not known: nothing to say about the servers.
  if (isSecretValue(recordedRaw) || isSecretValue(pool) || recordedRaw === UNKNOWN_VALUE || pool === UNKNOWN_VALUE) return [];
  const recorded = isObject(recordedRaw) ? recordedRaw : {};
  const declared = isObject(pool) && Array.isArray(pool.servers) ? pool.servers.filter((s): s is string => typeof s === 'string') : Object.keys(recorded);
  if (declared.length === 0) return [];
  const byName = new Map(Object.entries(recorded).map(([name, entry]) => [name.toLowerCase(), entry]));
  const behind: ServerBehind[] = [];
  for (const server of declared) {
    const entry = byName.get(server.toLowerCase());
    const current = isObject(entry) && typeof entry.current === 'string' ? thumbprintOf(entry.current) : null;
    const pending = isObject(entry) && isObject(entry.pending) && typeof entry.pending.thumbprint === 'string' ? thumbprintOf(entry.pending.thumbprint) : null;
    if (current !== thumbprint && pending !== thumbprint) behind.push({ server, current });
  }
  return behind;
}

const REPLACE_OPS = ['replace', 'create-replacement', 'delete-replaced'];
const OLD_ONLY_OPS = ['delete', 'delete-replaced', 'discard'];

function operationOf(ops: readonly string[]): ReviewOperation {
  if (ops.some((op) => REPLACE_OPS.includes(op))) return 'replace';
  const [only] = ops;
  if (ops.length === 1 && (only === 'create' || only === 'update' || only === 'delete' || only === 'same')) return only;
  return 'other';
}

/** Removes terminal colours and control characters, bounds the length, and blanks out secrets. */
function cleanMessage(text: string, secrets: SecretBlanker): string {
  // eslint-disable-next-line no-control-regex -- the point is to remove terminal escapes and control characters.
  const cleaned = text.replace(/\u001b\[[0-9;]*m/g, '').replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
  return secrets.shorten(cleaned);
}

/** `warning CODE: sentence` lines the provider printed (check.ts), one diagnostic possibly holding several. */
function warningsIn(message: string, secrets: SecretBlanker): Finding<PfxWarningCode>[] {
  const found: Finding<PfxWarningCode>[] = [];
  // Lines end at \n only: `.` and `$` would also end one at U+2028 and drop the rest of it.
  for (const line of message.split('\n')) {
    const match = /^warning ([A-Z][A-Z0-9_]*): /.exec(line);
    if (!match) continue;
    const code = match[1]!;
    if (isWarningCode(code)) found.push({ code, message: cleanMessage(line.slice(match[0].length), secrets) });
  }
  return found;
}

/** The engine's words between a check failure's value and its reason. */
const HAS_A_PROBLEM = ' has a problem: ';
/** A code and its colon, at a given position (sticky). */
const CODE_AT = /[A-Z][A-Z0-9_]*(?=: )/y;
/** A property name, at a given position (sticky): up to the next whitespace. */
const NON_SPACE_AT = /\S+/y;

/**
 * A check failure as the engine words it: `... property P value V has a problem: CODE: sentence`.
 * The value V is dropped (the engine prints the property's value; ours are never secret, but the
 * review has no need of it), and may hold anything, the engine's phrase included: the reason is
 * the last ` has a problem: CODE: ` of the message, the property the first `property P value `
 * before it. A scan with indexOf, linear in the message: the regular expression it replaces
 * (`property (\S+) value [\s\S]* has a problem:`) backtracked quadratically, 53 s for a 1 MB
 * diagnostic a pull request's program can print (issue #19, item 2).
 */
export function checkFailureParts(message: string): { property: string; code: string; reason: string } | undefined {
  let reasonAt = -1;
  let code = '';
  for (let at = message.lastIndexOf(HAS_A_PROBLEM); at !== -1; at = at === 0 ? -1 : message.lastIndexOf(HAS_A_PROBLEM, at - 1)) {
    CODE_AT.lastIndex = at + HAS_A_PROBLEM.length;
    const found = CODE_AT.exec(message);
    if (found) {
      reasonAt = at;
      code = found[0];
      break;
    }
  }
  if (reasonAt === -1) return undefined;
  // Each `property ` occurrence's name ends before the next occurrence's space, so the names
  // scanned never overlap and the value starts move right: stop once one starts past the reason.
  for (let at = message.indexOf('property '); at !== -1; at = message.indexOf('property ', at + 1)) {
    NON_SPACE_AT.lastIndex = at + 'property '.length;
    const property = NON_SPACE_AT.exec(message)?.[0];
    if (property === undefined) continue;
    const afterProperty = at + 'property '.length + property.length;
    if (afterProperty + ' value '.length > reasonAt) break;
    if (!message.startsWith(' value ', afterProperty)) continue;
    const sentenceAt = reasonAt + HAS_A_PROBLEM.length + code.length + 2;
    const lineEnd = message.indexOf('\n', sentenceAt);
    return { property, code, reason: message.slice(sentenceAt, lineEnd === -1 ? undefined : lineEnd) };
  }
  return undefined;
}

function checkFailureIn(message: string, secrets: SecretBlanker): ReviewFailure | undefined {
  const parts = checkFailureParts(message);
  if (!parts || !isFailureCode(parts.code)) return undefined;
  return { code: parts.code, property: parts.property, message: cleanMessage(parts.reason, secrets) };
}

/** An SfbError the program threw (`SfbError CODE: sentence`, as Node prints it): only that line. */
function programFailureIn(message: string, secrets: SecretBlanker): ReviewFailure | undefined {
  const match = /SfbError ([A-Z][A-Z0-9_]*): ([^\n]*)/.exec(message);
  if (!match || !isFailureCode(match[1]!)) return undefined;
  return { code: match[1], property: null, message: cleanMessage(match[2]!, secrets) };
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
 * Reviews a parsed `pulumi preview --json` document as of `now`: every OAuthTokenIssuer
 * certificate with a step or a failure, in the order the preview lists them.
 */
export function reviewPreview(document: unknown, now: Date): ReviewOutcome {
  const read = readDocument(document);
  if ('reason' in read) return { ok: false, reason: read.reason };
  const steps = read.steps.filter(isCertificateStep);
  const secrets = secretBlanker(plaintextSecrets(read.steps), MAX_MESSAGE_CHARS);

  interface Draft {
    urn: string;
    steps: Step[];
    warnings: Finding<PfxWarningCode>[];
    failures: ReviewFailure[];
  }
  const drafts = new Map<string, Draft>();
  const draftFor = (urn: string): Draft => {
    let draft = drafts.get(urn);
    if (!draft) drafts.set(urn, (draft = { urn, steps: [], warnings: [], failures: [] }));
    return draft;
  };
  for (const step of steps) draftFor(step.urn).steps.push(step);

  const otherWarnings: Finding<PfxWarningCode>[] = [];
  const otherFailures: ReviewFailure[] = [];
  let otherErrorCount = 0;
  const unplacedWarnings: Finding<PfxWarningCode>[] = [];
  for (const diagnostic of read.diagnostics) {
    const onCertificate = diagnostic.urn !== undefined && typeOfUrn(diagnostic.urn) === CERTIFICATE_TYPE;
    const warnings = warningsIn(diagnostic.message, secrets);
    if (warnings.length > 0) {
      for (const warning of warnings) {
        if (onCertificate) pushUnique(draftFor(diagnostic.urn!).warnings, warning);
        else pushUnique(unplacedWarnings, warning);
      }
      continue;
    }
    if (!diagnostic.severity.startsWith('error')) continue;
    const failure = checkFailureIn(diagnostic.message, secrets) ?? programFailureIn(diagnostic.message, secrets);
    if (failure && onCertificate) pushUnique(draftFor(diagnostic.urn!).failures, failure);
    else if (failure) pushUnique(otherFailures, failure);
    else otherErrorCount += 1;
  }

  const drafted: CertificateReview[] = [...drafts.values()].map((draft) => {
    const ops = draft.steps.map((step) => step.op);
    const oldState = draft.steps.find((step) => step.oldState)?.oldState;
    const newState = draft.steps.find((step) => step.newState && !OLD_ONLY_OPS.includes(step.op))?.newState;
    const deleted = ops.length > 0 && ops.every((op) => OLD_ONLY_OPS.includes(op));
    const remaining = deleted ? oldState : newState;
    const notAfter = reviewed(readProperty(remaining, 'notAfter', deleted ? 'outputs' : 'inputs'), instantOf);
    const newThumbprint = deleted ? null : reviewed(readProperty(newState, 'thumbprint', 'inputs'), thumbprintOf);
    const oldThumbprint = reviewed(readProperty(oldState, 'thumbprint', 'outputs'), thumbprintOf);
    return {
      urn: draft.urn,
      name: nameOfUrn(draft.urn),
      operation: ops.length === 0 ? null : operationOf(ops),
      engineOperations: [...new Set(ops)],
      plan: deleted ? null : reviewed(readProperty(newState, 'plan', 'inputs'), planOf),
      oldThumbprint,
      newThumbprint,
      notAfter,
      daysLeft: typeof notAfter === 'string' ? Math.floor((Date.parse(notAfter) - now.getTime()) / DAY_MS) : null,
      serversBehind: serversBehindOf(oldState, newState, newThumbprint),
      warnings: draft.warnings,
      moreWarnings: 0,
      failures: draft.failures,
    };
  });

  // The engine gives the provider's stderr no URN: a warning goes to the certificates whose
  // thumbprint it names, and stays with the preview when it names none of them. Indexed by
  // thumbprint once, so each certificate takes its first MAX_FINDINGS and counts the rest
  // (linear: never certificates × warnings).
  const held = new Set(drafted.flatMap((c) => [c.newThumbprint, c.oldThumbprint]).filter((t): t is string => typeof t === 'string'));
  const byThumbprint = new Map<string, Finding<PfxWarningCode>[]>();
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
      // A message is at most MAX_MESSAGE_CHARS: it names a bounded number of thumbprints.
      for (const u of named.slice(i + 1)) namingBoth.set(`${t} ${u}`, (namingBoth.get(`${t} ${u}`) ?? 0) + 1);
    }
  }
  /** A certificate's first MAX_FINDINGS warnings (its URN's, then its thumbprints'), and how many more. */
  const warningsFor = (own: readonly Finding<PfxWarningCode>[], thumbprints: readonly Reviewed<string>[]) => {
    const mine = [...new Set(thumbprints.filter((t): t is string => typeof t === 'string'))].sort();
    const named = mine.reduce((n, t) => n + (byThumbprint.get(t)?.length ?? 0), 0) - (mine.length === 2 ? (namingBoth.get(`${mine[0]} ${mine[1]}`) ?? 0) : 0);
    const ownAlsoNamed = own.filter((w) => mine.some((t) => keysByThumbprint.get(t)?.has(findingKey(w)))).length;
    const warnings: Finding<PfxWarningCode>[] = [];
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
  return { ok: true, review: { now, certificates, otherWarnings, otherFailures, otherErrorCount } };
}

// ---------------------------------------------------------------------------------------------
// Markdown

const code = (value: string) => untrusted(value, 'code');

function shown(value: Reviewed<string>, format: (v: string) => string, absent = '(none)'): string {
  if (value === null) return absent;
  if (typeof value === 'string') return format(value);
  return value.hidden === 'secret' ? '(secret, not shown)' : '(known after `pulumi up`)';
}

const OPERATION_WORDS: Record<ReviewOperation, string> = {
  create: 'create',
  update: 'update',
  replace: 'replace',
  delete: 'delete',
  same: 'no change',
  other: 'other',
};

function operationLine(c: CertificateReview): string {
  if (c.operation === null) return 'not planned: its check failed';
  if (c.operation !== 'other') return OPERATION_WORDS[c.operation];
  return `other (${c.engineOperations.map(code).join(', ')})`;
}

function daysLine(days: number): string {
  const plural = (n: number) => `${n} day${n === 1 ? '' : 's'}`;
  return days >= 0 ? `${plural(days)} left` : `expired ${plural(-days)} ago`;
}

function thumbprintLine(c: CertificateReview): string {
  const old = shown(c.oldThumbprint, code);
  const current = shown(c.newThumbprint, code);
  if (typeof c.newThumbprint === 'string' && c.oldThumbprint === c.newThumbprint) return `${old} (unchanged)`;
  return `${old} → ${current}`;
}

/** Servers listed in the comment; the rest are counted. */
const MAX_SERVERS_LISTED = 20;

/**
 * With the thumbprint unchanged, what an update changes on the servers: each one behind, from
 * what it held to the declared certificate. (With a new thumbprint every server moves to it, and
 * the thumbprint line says so.)
 */
function serversLine(c: CertificateReview): string | undefined {
  if (c.serversBehind.length === 0 || typeof c.newThumbprint !== 'string' || c.oldThumbprint !== c.newThumbprint) return undefined;
  const listed = c.serversBehind.slice(0, MAX_SERVERS_LISTED).map((s) => `${code(s.server)} ${s.current === null ? '(none recorded)' : code(s.current)} → ${code(c.newThumbprint as string)}`);
  const more = c.serversBehind.length - listed.length;
  return `- Servers not on it at the last up or refresh: ${listed.join(', ')}${more > 0 ? `, and ${more} more` : ''}`;
}

function findingLines(c: { warnings: readonly Finding[]; failures: readonly ReviewFailure[]; moreWarnings?: number }): string[] {
  const moreFailures = Math.max(0, c.failures.length - MAX_FINDINGS);
  const moreWarnings = Math.max(0, c.warnings.length - MAX_FINDINGS) + (c.moreWarnings ?? 0);
  const more = (n: number, what: string) => (n > 0 ? [`- and ${n} more ${what}${n === 1 ? '' : 's'}, not shown here: see the \`pulumi preview\` log`] : []);
  return [
    ...c.failures.slice(0, MAX_FINDINGS).map((f) => `- **Failure** ${code(f.code)}${f.property ? ` on ${code(f.property)}` : ''}: ${untrustedMessage(f.message)}`),
    ...more(moreFailures, 'failure'),
    ...c.warnings.slice(0, MAX_FINDINGS).map((w) => `- **Warning** ${code(w.code)}: ${untrustedMessage(w.message)}`),
    ...more(moreWarnings, 'warning'),
  ];
}

/**
 * The most the comment's sections take: GitHub refuses a comment body over 65,536 characters,
 * and this leaves room for the title, the closing lines and the count of what is left out.
 */
export const MAX_COMMENT_CHARS = 60_000;

function certificateLines(c: CertificateReview): string[] {
  const lines = [`#### ${code(c.name)}: ${operationLine(c)}`, ''];
  if (c.operation !== null) {
    if (c.operation !== 'delete') lines.push(`- Plan: ${shown(c.plan, code)}`);
    lines.push(`- Thumbprint: ${thumbprintLine(c)}`);
    const servers = serversLine(c);
    if (servers) lines.push(servers);
    const days = c.daysLeft === null ? '' : ` (${daysLine(c.daysLeft)})`;
    lines.push(`- NotAfter: ${shown(c.notAfter, (v) => isoMinute(new Date(v)))}${days}`);
  }
  lines.push(...findingLines(c), '');
  return lines;
}

/** Renders a review as the Markdown of a pull-request comment. */
export function renderReviewMarkdown(review: PreviewReview): string {
  const lines = [REVIEW_MARKER, '### OAuthTokenIssuer certificates in this preview', ''];
  const changes = review.certificates.filter((c) => c.operation !== 'same' || c.failures.length > 0);
  // A preview that failed elsewhere may have stopped before reaching a certificate: no claim then.
  if (changes.length === 0 && review.otherFailures.length === 0 && review.otherErrorCount === 0) lines.push(NO_CHANGES, '');
  if (review.certificates.some((c) => c.daysLeft !== null)) lines.push(`Days left are counted from ${isoMinute(review.now)}.`, '');
  let size = lines.reduce((n, line) => n + line.length + 1, 0);
  let left = 0;
  const sections = [
    ...review.certificates.map((c) => () => certificateLines(c)),
    ...(review.otherFailures.length > 0 || review.otherWarnings.length > 0
      ? [() => ['#### Not tied to a certificate listed above', '', ...findingLines({ warnings: review.otherWarnings, failures: review.otherFailures }), '']]
      : []),
  ];
  for (const section of sections) {
    const more = left > 0 ? [] : section();
    const moreSize = more.reduce((n, line) => n + line.length + 1, 0);
    if (left > 0 || size + moreSize > MAX_COMMENT_CHARS) {
      left += 1;
      continue;
    }
    lines.push(...more);
    size += moreSize;
  }
  if (left > 0) lines.push(`${left} more section${left === 1 ? ' is' : 's are'} not shown here (a pull-request comment holds at most 65,536 characters): see the \`pulumi preview\` log.`, '');
  if (review.otherErrorCount > 0) {
    const n = review.otherErrorCount;
    lines.push(`The preview reported ${n} other error${n === 1 ? '' : 's'}, not shown here: see the \`pulumi preview\` log.`, '');
  }
  return lines.join('\n').replace(/\n+$/, '\n');
}
