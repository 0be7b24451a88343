/**
 * `sfb-oauth-cert status`: the deployment as it is, decided from what the adapters gathered (the
 * pool's inspect, the store's metadata, what the stack recorded) and a moment. Pure: the CLI
 * gathers and prints, the Prometheus writer renders; the rows, the warnings and the exit status
 * are decided here, once.
 *
 * The rules, each a warning with its code:
 * - CERT_EXPIRED / CERT_EXPIRES_SOON: a current certificate whose NotAfter is past, or within
 *   the warning window.
 * - PREVIOUS_CERT_EXPIRED: Skype still keeps a previous certificate that has expired.
 * - ROLL_TOO_LATE: a scheduled roll less than 24 hours before the current NotAfter (Exchange
 *   and other partners keep OAuth material that long, so Skype needs the roll a day ahead).
 * - SERVERS_DISAGREE: the Central Management Store and the Front Ends do not all report the same
 *   current, previous and scheduled certificate, or a server has its own local assignment.
 * - REPLICATION_PENDING: a replica has not taken the latest change.
 * - STORE_DISAGREES: the store, or what the stack recorded, names another certificate than the
 *   deployment (or the store) reports.
 * Whatever could not be read is reported beside them, with the code of its failure.
 *
 * A NotAfter is known only where some source gives it: the pool reports the current one per
 * server; the stack's outputs carry the declared one and, per server, the previous one as it was
 * when it was current. Neither AWS Secrets Manager's DescribeSecret nor the local store's
 * plaintext header holds dates, and status reads neither secret value.
 */
import type { CertificateStage, StoredSecret } from '../ports/certificate-store';
import type { FrontEndCertificates, PoolSnapshot } from '../ports/front-end-pool';
import type { Finding } from './errors';
import { shortThumbprint } from './roll-plan';
import type { StackRecord } from './stack-outputs';
import { DAY_MS, HOUR_MS, isoMinute } from './time';

/** The exit status `status` ends with: the contract scripts and monitors rely on. */
export const STATUS_EXIT = { agrees: 0, warnings: 1, usage: 2, unreadable: 3 } as const;
export type StatusExit = 0 | 1 | 3;

/** What an adapter gathered: the value, or why it could not. */
export type Gathered<T> = { readonly read: true; readonly value: T } | { readonly read: false; readonly failure: Finding };

/** A local store secret file as its plaintext header shows it, without the passphrase. */
export interface SealedSecret {
  readonly name: string;
  readonly formatVersion: number;
}

/** What was gathered from the store. */
export type StoreFacts =
  /** A store whose metadata names versions and stages (AWS Secrets Manager's DescribeSecret). */
  | {
      readonly kind: 'described';
      readonly description: string;
      readonly secretName: string;
      /** The backend's names of the stages, for messages. */
      readonly stageLabels: Readonly<Record<CertificateStage, string>>;
      /** `undefined`: there is no such secret. */
      readonly look: Gathered<StoredSecret | undefined>;
    }
  /** The local store: its files' headers, which name the secrets and nothing else. */
  | {
      readonly kind: 'sealed';
      readonly description: string;
      /** The secret asked for, if one was. */
      readonly secretName?: string;
      readonly look: Gathered<readonly SealedSecret[]>;
    };

/** Everything status decides from. */
export interface StatusFacts {
  /** The moment of the look. */
  readonly now: Date;
  /** CERT_EXPIRES_SOON when a current certificate expires within this many days. */
  readonly warnBeforeExpiryDays: number;
  readonly pool?: Gathered<PoolSnapshot>;
  readonly store?: StoreFacts;
  readonly stack?: StackRecord;
}

/** One certificate as a row shows it. */
export interface CertificateView {
  readonly thumbprint: string;
  /** ISO 8601 UTC; null where no source gives it. */
  readonly notAfter: string | null;
  /** Whole days from the look to NotAfter, rounded down (negative once expired); null with notAfter. */
  readonly daysLeft: number | null;
}

export interface ScheduledView extends CertificateView {
  /** When the roll makes it current, ISO 8601 UTC. */
  readonly effectiveDate: string;
}

/** One line of the table: the Central Management Store (`global`) or one Front End Server. */
export interface ServerRow {
  /** `global` for the Central Management Store, else the server's FQDN. */
  readonly server: string;
  readonly role: 'cms' | 'front-end';
  /** Where the assignment comes from: the global one, or the server's own (local); null when unread or none. */
  readonly scope: 'global' | 'local' | null;
  readonly current: CertificateView | null;
  readonly previous: CertificateView | null;
  readonly scheduled: ScheduledView | null;
  /** Its CMS replica: `up-to-date`, `pending`, or `not-reported` (the CMS row, or a server the replication status does not list). */
  readonly replication: 'up-to-date' | 'pending' | 'not-reported';
  readonly timeZone: string | null;
  /** Why the server could not be read; the certificate fields are then null. */
  readonly unreadable: Finding | null;
}

/** The store as status shows it. */
export interface StoreView {
  readonly description: string;
  readonly secretName: string | null;
  /**
   * `present`: versions and labels were read; `missing`: no such secret; `deleted`: scheduled for
   * deletion; `sealed`: the local store, whose versions are encrypted (see `note`);
   * `unreadable`: the look failed.
   */
  readonly state: 'present' | 'missing' | 'deleted' | 'sealed' | 'unreadable';
  readonly current: string | null;
  readonly previous: string | null;
  readonly pending: string | null;
  readonly owner: string | null;
  readonly deletionDate: string | null;
  /** The local store's secrets, by the names in their headers; empty for other stores. */
  readonly secrets: readonly string[];
  /** What status could not show, and why; null when nothing was left out. */
  readonly note: string | null;
}

/** One certificate's expiry, for monitoring: per server (or `store`) and role. */
export interface ExpirySample {
  /** A server's FQDN, `global` for the Central Management Store, or `store` when no pool was read. */
  readonly server: string;
  readonly role: 'current' | 'previous' | 'scheduled';
  readonly thumbprint: string;
  readonly notAfter: string;
  readonly daysLeft: number;
}

/** The decision: printed as text or JSON, and rendered for Prometheus. */
export interface StatusReport {
  /** The moment of the look, ISO 8601 UTC. */
  readonly lookedAt: string;
  readonly warnBeforeExpiryDays: number;
  /** The CMS first, then the Front Ends in the pool's order; empty without a pool. */
  readonly servers: readonly ServerRow[];
  /** Whether every server read (and the CMS) reports the same certificates; null when the pool was not read. */
  readonly serversAgree: boolean | null;
  readonly store: StoreView | null;
  /** Every known NotAfter of the certificates in the rows (or the store's, without a pool). */
  readonly expiries: readonly ExpirySample[];
  readonly warnings: readonly Finding[];
  /** What could not be read, each with the code of its failure. */
  readonly unreadable: readonly Finding[];
  readonly exitStatus: StatusExit;
  /** A certificate from an issuer: when its next renewal is due (the stack's record), ISO 8601; absent otherwise. */
  readonly nextRenewalAt?: string;
}

/** The message of the sealed local store: what status cannot show and why it does not ask. */
export const SEALED_STORE_NOTE =
  'The local store keeps versions, stage labels and thumbprints inside each file\'s encrypted body; only the secret\'s name and the file format are in plaintext. status never asks for the store passphrase, so it shows which secrets exist, not their certificates: give the pool or --stack-outputs for those.';

const daysBetween = (from: Date, to: Date) => Math.floor((to.getTime() - from.getTime()) / DAY_MS);

/** Thumbprint → NotAfter, from every source that gives one. */
function knownNotAfters(facts: StatusFacts): Map<string, string> {
  const known = new Map<string, string>();
  const add = (thumbprint: string | null | undefined, notAfter: string | undefined) => {
    if (thumbprint && notAfter && !known.has(thumbprint)) known.set(thumbprint, notAfter);
  };
  if (facts.pool?.read) {
    for (const server of [facts.pool.value.global, ...facts.pool.value.servers]) add(server.current, server.currentNotAfter);
  }
  const stack = facts.stack;
  if (stack) {
    add(stack.thumbprint, stack.notAfter);
    for (const recorded of Object.values(stack.servers ?? {})) {
      add(recorded.current, recorded.currentNotAfter);
      add(recorded.previous, recorded.previousNotAfter);
    }
  }
  return known;
}

function viewOf(thumbprint: string, known: ReadonlyMap<string, string>, now: Date): CertificateView {
  const notAfter = known.get(thumbprint) ?? null;
  return { thumbprint, notAfter, daysLeft: notAfter === null ? null : daysBetween(now, new Date(notAfter)) };
}

function rowOf(reported: FrontEndCertificates, role: ServerRow['role'], replication: ServerRow['replication'], known: ReadonlyMap<string, string>, now: Date): ServerRow {
  if (reported.unreachable) {
    return { server: reported.server, role, scope: null, current: null, previous: null, scheduled: null, replication, timeZone: null, unreadable: { code: reported.unreachable.code, message: reported.unreachable.message } };
  }
  return {
    server: reported.server,
    role,
    scope: reported.current === undefined ? null : reported.scope === 'local' ? 'local' : 'global',
    current: reported.current === undefined ? null : viewOf(reported.current, known, now),
    previous: reported.previous === undefined ? null : viewOf(reported.previous, known, now),
    scheduled: reported.scheduled === undefined ? null : { ...viewOf(reported.scheduled.thumbprint, known, now), effectiveDate: reported.scheduled.effectiveDate },
    replication,
    timeZone: reported.timeZone ?? null,
    unreadable: null,
  };
}

function rowsOf(snapshot: PoolSnapshot, known: ReadonlyMap<string, string>, now: Date): ServerRow[] {
  const replicaOf = (server: string): ServerRow['replication'] => {
    // A replica is named by its FQDN; a short name is matched to the server's first label.
    const replica = snapshot.replicas.find((r) => r.server === server || r.server === server.split('.')[0]);
    if (!replica) return 'not-reported';
    return replica.upToDate ? 'up-to-date' : 'pending';
  };
  return [rowOf(snapshot.global, 'cms', 'not-reported', known, now), ...snapshot.servers.map((server) => rowOf(server, 'front-end', replicaOf(server.server), known, now))];
}

/** `fe01.contoso.com, fe02.contoso.com`, or the first three and how many more. */
function serverList(servers: readonly string[]): string {
  const named = servers.map((s) => (s === 'global' ? 'the Central Management Store' : s));
  return named.length <= 3 ? named.join(', ') : `${named.slice(0, 3).join(', ')} and ${named.length - 3} more`;
}

/** Groups items by a key, keeping first-seen order. */
function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    groups.set(k, [...(groups.get(k) ?? []), item]);
  }
  return groups;
}

/** The certificates one readable row reports, as one comparable line. */
function stateOf(row: ServerRow): string {
  const current = row.current ? `current ${shortThumbprint(row.current.thumbprint)}` : 'no certificate';
  const previous = row.previous ? `, previous ${shortThumbprint(row.previous.thumbprint)}` : '';
  const scheduled = row.scheduled ? `, roll to ${shortThumbprint(row.scheduled.thumbprint)} at ${isoMinute(new Date(row.scheduled.effectiveDate))}` : '';
  return `${current}${previous}${scheduled}`;
}

function expiryWarnings(rows: readonly ServerRow[], extra: readonly { where: string; view: CertificateView }[], facts: StatusFacts): Finding[] {
  const warnings: Finding[] = [];
  const currents = [...rows.filter((r) => r.current).map((r) => ({ where: r.server, view: r.current! })), ...extra];
  for (const [thumbprint, holders] of groupBy(currents, (c) => c.view.thumbprint)) {
    const { notAfter, daysLeft } = holders[0]!.view;
    if (notAfter === null || daysLeft === null) continue;
    const where = serverList([...new Set(holders.map((h) => h.where))]);
    const at = isoMinute(new Date(notAfter));
    const scheduled = rows.find((r) => r.current?.thumbprint === thumbprint && r.scheduled)?.scheduled;
    const roll = scheduled ? ` A roll to ${scheduled.thumbprint} is scheduled at ${isoMinute(new Date(scheduled.effectiveDate))}.` : ' Declare the new PFX with an `effectiveDate` at least 24 hours before that and run `pulumi up`.';
    if (new Date(notAfter).getTime() <= facts.now.getTime()) {
      warnings.push({ code: 'CERT_EXPIRED', message: `The current OAuthTokenIssuer certificate ${thumbprint} (on ${where}) expired at ${at}: server-to-server authentication with Exchange and other partners fails until a new one is current.${scheduled ? roll : ' Declare a new PFX without an `effectiveDate` and run `pulumi up` to make it current now.'}` });
    } else if (daysLeft < facts.warnBeforeExpiryDays) {
      warnings.push({ code: 'CERT_EXPIRES_SOON', message: `The current OAuthTokenIssuer certificate ${thumbprint} (on ${where}) expires at ${at}, in ${daysLeft} day${daysLeft === 1 ? '' : 's'} (the warning starts ${facts.warnBeforeExpiryDays} days ahead).${roll}` });
    }
  }
  const previous = rows.filter((r) => r.previous).map((r) => ({ where: r.server, view: r.previous! }));
  for (const [thumbprint, holders] of groupBy(previous, (p) => p.view.thumbprint)) {
    const notAfter = holders[0]!.view.notAfter;
    if (notAfter === null || new Date(notAfter).getTime() > facts.now.getTime()) continue;
    warnings.push({
      code: 'PREVIOUS_CERT_EXPIRED',
      message: `The previous OAuthTokenIssuer certificate ${thumbprint} (kept on ${serverList([...new Set(holders.map((h) => h.where))])}) expired at ${isoMinute(new Date(notAfter))}; no partner can use it any more. The next \`pulumi up\` removes it, or run \`Remove-CsCertificate -Identity Global -Type OAuthTokenIssuer -Previous\`.`,
    });
  }
  return warnings;
}

function rollWarnings(rows: readonly ServerRow[]): Finding[] {
  const late = rows.filter((r) => r.scheduled && r.current?.notAfter && new Date(r.scheduled.effectiveDate).getTime() > new Date(r.current.notAfter).getTime() - 24 * HOUR_MS);
  return [...groupBy(late, (r) => `${r.scheduled!.thumbprint} ${r.scheduled!.effectiveDate} ${r.current!.thumbprint}`).values()].map((group) => {
    const { scheduled, current } = group[0]!;
    const latest = new Date(new Date(current!.notAfter!).getTime() - 24 * HOUR_MS);
    return {
      code: 'ROLL_TOO_LATE' as const,
      message: `The roll to ${scheduled!.thumbprint} scheduled at ${isoMinute(new Date(scheduled!.effectiveDate))} (on ${serverList(group.map((r) => r.server))}) is less than 24 hours before the current certificate ${current!.thumbprint} expires at ${isoMinute(new Date(current!.notAfter!))}; Exchange and other partners keep OAuth material for 24 hours, so tokens fail in between. Schedule it at or before ${isoMinute(latest)}, or make the new certificate current now (declare it without \`effectiveDate\` and run \`pulumi up\`).`,
    };
  });
}

function agreementWarnings(rows: readonly ServerRow[], replicas: PoolSnapshot['replicas']): { warnings: Finding[]; agree: boolean } {
  const warnings: Finding[] = [];
  const readable = rows.filter((r) => !r.unreadable);
  const states = groupBy(readable, stateOf);
  if (states.size > 1) {
    const parts = [...states.entries()].map(([state, group]) => `${serverList(group.map((r) => r.server))}: ${state}`);
    warnings.push({
      code: 'SERVERS_DISAGREE',
      message: `The Front End Servers do not all report the same OAuthTokenIssuer certificates (${parts.join('; ')}). A server behind the Central Management Store takes the change with replication (Invoke-CsManagementStoreReplication); run \`pulumi up\` to converge them, or \`pulumi refresh\` to see the drift in the plan.`,
    });
  }
  const local = readable.filter((r) => r.scope === 'local');
  if (local.length > 0) {
    warnings.push({
      code: 'SERVERS_DISAGREE',
      message: `${serverList(local.map((r) => r.server))} ${local.length === 1 ? 'has its own' : 'have their own'} local OAuthTokenIssuer assignment, made by hand without -Identity Global; replication never replaces it. Remove it there (\`Remove-CsCertificate -Type OAuthTokenIssuer\` on that server), or let \`pulumi up\` do it with the pool's \`removeLocalAssignments\`.`,
    });
  }
  const pending = replicas.filter((r) => !r.upToDate).map((r) => r.server);
  if (pending.length > 0) {
    warnings.push({
      code: 'REPLICATION_PENDING',
      message: `The Central Management Store replica${pending.length === 1 ? '' : 's'} of ${serverList(pending)} ${pending.length === 1 ? 'has' : 'have'} not taken the latest change (Get-CsManagementStoreReplicationStatus: UpToDate False). It usually catches up within minutes; if it stays behind, run \`Invoke-CsManagementStoreReplication -ReplicaFqdn <server>\` and check that the server's replication service runs.`,
    });
  }
  return { warnings, agree: states.size <= 1 && local.length === 0 };
}

function storeViewOf(store: StoreFacts): { view: StoreView; unreadable: Finding[]; warnings: Finding[] } {
  const blank = { current: null, previous: null, pending: null, owner: null, deletionDate: null, secrets: [] as string[], note: null };
  if (!store.look.read) {
    return { view: { ...blank, description: store.description, secretName: store.secretName ?? null, state: 'unreadable' }, unreadable: [store.look.failure], warnings: [] };
  }
  if (store.kind === 'sealed') {
    const names = store.look.value.map((s) => s.name);
    const missing = store.secretName !== undefined && !names.includes(store.secretName);
    return {
      view: { ...blank, description: store.description, secretName: store.secretName ?? null, state: missing ? 'missing' : 'sealed', secrets: names, note: SEALED_STORE_NOTE },
      unreadable: missing ? [{ code: 'STORE_NOT_FOUND', message: `The ${store.description} has no file for the secret "${store.secretName}"${names.length > 0 ? ` (it holds ${names.map((n) => `"${n}"`).join(', ')})` : ' (it holds no secret file)'}; check --secret-name and the store directory.` }] : [],
      warnings: [],
    };
  }
  const secret = store.look.value;
  if (secret === undefined) {
    return {
      view: { ...blank, description: store.description, secretName: store.secretName, state: 'missing' },
      unreadable: [{ code: 'STORE_NOT_FOUND', message: `The ${store.description} has no secret "${store.secretName}"; check --secret-name, the region, and the account of the AWS credentials (\`aws sts get-caller-identity\`).` }],
      warnings: [],
    };
  }
  const labelled = (stage: CertificateStage) => {
    const version = secret.versions.find((v) => v.stages.includes(stage));
    return version === undefined ? null : version.thumbprint ?? null;
  };
  const view: StoreView = {
    ...blank,
    description: store.description,
    secretName: store.secretName,
    state: secret.deletionDate === undefined ? 'present' : 'deleted',
    current: labelled('current'),
    previous: labelled('previous'),
    pending: labelled('pending'),
    owner: secret.owner ?? null,
    deletionDate: secret.deletionDate ?? null,
  };
  const warnings: Finding[] = [];
  if (secret.deletionDate !== undefined) {
    warnings.push({ code: 'STORE_DISAGREES', message: `The secret "${store.secretName}" in the ${store.description} is scheduled for deletion at ${isoMinute(new Date(secret.deletionDate))}; after that the certificate cannot be deployed again from it. Restore it (\`aws secretsmanager restore-secret\`, or \`pulumi up\` of the stack that declares it) unless it is being retired.` });
  }
  const foreign = (['current', 'previous', 'pending'] as const).filter((stage) => secret.versions.some((v) => v.stages.includes(stage) && v.thumbprint === undefined));
  if (foreign.length > 0) {
    warnings.push({ code: 'STORE_DISAGREES', message: `The ${foreign.map((s) => store.stageLabels[s]).join(', ')} version of the secret "${store.secretName}" in the ${store.description} was not written by sfb-oauth-cert (its version id does not name a thumbprint): an operator's put-secret-value or a rotation Lambda wrote it. Run \`pulumi up\` of the declaring stack to make the declared certificate current again.` });
  }
  return { view, unreadable: [], warnings };
}

/** Compares what the store and the stack name with what the deployment reports. */
function recordWarnings(facts: StatusFacts, cms: ServerRow | undefined, store: StoreView | null, storeLabels: Readonly<Record<CertificateStage, string>> | undefined): Finding[] {
  const warnings: Finding[] = [];
  const label = (stage: CertificateStage) => storeLabels?.[stage] ?? stage;
  if (cms && !cms.unreadable && store?.state === 'present') {
    const deployed = cms.current?.thumbprint ?? null;
    if (store.current !== null && store.current !== deployed) {
      warnings.push({ code: 'STORE_DISAGREES', message: `The store's ${label('current')} certificate is ${store.current}, but the Central Management Store's current one is ${deployed ?? 'none'}; the last \`pulumi up\` did not finish, or someone assigned a certificate by hand. Run \`pulumi up\` to set the declared certificate again.` });
    }
    const scheduled = cms.scheduled?.thumbprint ?? null;
    if (store.pending !== null && store.pending !== scheduled && store.pending !== deployed) {
      warnings.push({ code: 'STORE_DISAGREES', message: `The store's ${label('pending')} certificate ${store.pending} is not scheduled on the Central Management Store (${scheduled === null ? 'no roll is scheduled there' : `the roll there is to ${scheduled}`}); run \`pulumi up\` to schedule the declared roll again.` });
    }
  }
  const recorded = facts.stack?.thumbprint;
  if (recorded !== undefined) {
    const deployment = cms && !cms.unreadable ? { where: 'the Central Management Store', names: [cms.current?.thumbprint, cms.scheduled?.thumbprint] } : store?.state === 'present' ? { where: `the ${store.description}`, names: [store.current, store.pending] } : undefined;
    if (deployment && !deployment.names.includes(recorded)) {
      const reported = deployment.names.filter((n): n is string => typeof n === 'string');
      warnings.push({ code: 'STORE_DISAGREES', message: `The stack recorded the certificate ${recorded}, but ${deployment.where} reports ${reported.length === 0 ? 'none' : reported.join(' and ')}; the stack's outputs are older than a change made since, or belong to another stack. Run \`pulumi refresh\` on the stack to see the difference.` });
    }
  }
  return warnings;
}

/** The certificates the store (or the stack) names, as the expiry rule and monitoring see them without a pool. */
function storeCurrents(facts: StatusFacts, store: StoreView | null, known: ReadonlyMap<string, string>): { where: string; view: CertificateView }[] {
  const thumbprint = store?.current ?? facts.stack?.thumbprint;
  if (!thumbprint || facts.stack?.pendingThumbprint === thumbprint) return [];
  return [{ where: 'store', view: viewOf(thumbprint, known, facts.now) }];
}

/** Decides the report: rows, warnings, what could not be read, and the exit status. */
export function statusReport(facts: StatusFacts): StatusReport {
  const known = knownNotAfters(facts);
  const unreadable: Finding[] = [];
  const warnings: Finding[] = [];

  let rows: ServerRow[] = [];
  let serversAgree: boolean | null = null;
  if (facts.pool && !facts.pool.read) unreadable.push(facts.pool.failure);
  if (facts.pool?.read) {
    rows = rowsOf(facts.pool.value, known, facts.now);
    for (const row of rows) if (row.unreadable) unreadable.push(row.unreadable);
    const agreement = agreementWarnings(rows, facts.pool.value.replicas);
    serversAgree = agreement.agree;
    warnings.push(...agreement.warnings);
  }

  let store: StoreView | null = null;
  if (facts.store) {
    const seen = storeViewOf(facts.store);
    store = seen.view;
    unreadable.push(...seen.unreadable);
    warnings.push(...seen.warnings);
  }

  const withoutPool = rows.length === 0 ? storeCurrents(facts, store, known) : [];
  warnings.unshift(...expiryWarnings(rows, withoutPool, facts), ...rollWarnings(rows));
  warnings.push(...recordWarnings(facts, rows.find((r) => r.role === 'cms'), store, facts.store?.kind === 'described' ? facts.store.stageLabels : undefined));

  const expiries: ExpirySample[] = [];
  const sample = (server: string, role: ExpirySample['role'], view: CertificateView | null) => {
    if (view?.notAfter != null && view.daysLeft !== null) expiries.push({ server, role, thumbprint: view.thumbprint, notAfter: view.notAfter, daysLeft: view.daysLeft });
  };
  for (const row of rows) {
    sample(row.server, 'current', row.current);
    sample(row.server, 'previous', row.previous);
    sample(row.server, 'scheduled', row.scheduled);
  }
  for (const { view } of withoutPool) sample('store', 'current', view);

  const exitStatus: StatusExit = unreadable.length > 0 ? STATUS_EXIT.unreadable : warnings.length > 0 ? STATUS_EXIT.warnings : STATUS_EXIT.agrees;
  const renewal = facts.stack?.nextRenewalAt;
  return { lookedAt: facts.now.toISOString(), warnBeforeExpiryDays: facts.warnBeforeExpiryDays, servers: rows, serversAgree, store, expiries, warnings, unreadable, exitStatus, ...(renewal !== undefined ? { nextRenewalAt: renewal } : {}) };
}
