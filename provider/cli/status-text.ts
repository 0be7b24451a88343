/**
 * The status report for people: one block per server, then the store, the warnings and what
 * could not be read. The JSON (`--json`) is the report itself; this adds nothing to it.
 */
import type { CertificateView, ServerRow, StatusReport, StoreView } from '../domain/status-report';
import { isoMinute } from '../domain/time';
import { warningLine } from '../domain/plan-lines';

function certificateLine(label: string, view: CertificateView | null, extra = ''): string {
  if (view === null) return `    ${label.padEnd(10)}none`;
  const expiry = view.notAfter === null ? 'NotAfter not known' : `NotAfter ${isoMinute(new Date(view.notAfter))} (${view.daysLeft} day${view.daysLeft === 1 ? '' : 's'} left)`;
  return `    ${label.padEnd(10)}${view.thumbprint}  ${expiry}${extra}`;
}

const REPLICATION: Readonly<Record<ServerRow['replication'], string>> = {
  'up-to-date': 'replica up to date',
  pending: 'replica NOT up to date',
  'not-reported': 'replica not reported',
};

function serverBlock(row: ServerRow): string[] {
  const title = row.role === 'cms' ? 'global (Central Management Store)' : row.server;
  if (row.unreadable) return [`  ${title}: could not be read: ${row.unreadable.code}`];
  const facts = [row.scope === null ? 'no assignment' : `scope ${row.scope}`, ...(row.role === 'cms' ? [] : [REPLICATION[row.replication]]), ...(row.timeZone ? [`time zone ${row.timeZone}`] : [])];
  return [
    `  ${title}: ${facts.join(', ')}`,
    certificateLine('current', row.current),
    certificateLine('previous', row.previous),
    certificateLine('scheduled', row.scheduled, row.scheduled ? `, effective ${isoMinute(new Date(row.scheduled.effectiveDate))}` : ''),
  ];
}

function storeBlock(store: StoreView): string[] {
  const lines = [`Store: ${store.description}${store.secretName === null ? '' : `, secret "${store.secretName}"`}: ${store.state}`];
  if (store.state === 'present' || store.state === 'deleted') {
    lines.push(`    current   ${store.current ?? 'none'}`, `    previous  ${store.previous ?? 'none'}`, `    pending   ${store.pending ?? 'none'}`);
    if (store.owner !== null) lines.push(`    owner     ${store.owner}`);
    if (store.deletionDate !== null) lines.push(`    deletion  ${isoMinute(new Date(store.deletionDate))}`);
  }
  if (store.state === 'sealed' || store.secrets.length > 0) lines.push(`    secrets   ${store.secrets.length === 0 ? 'none' : store.secrets.map((s) => `"${s}"`).join(', ')}`);
  if (store.note !== null) lines.push(`    note      ${store.note}`);
  return lines;
}

/** The text `status` prints without `--json`. */
export function renderStatusText(report: StatusReport): string {
  const verdict = report.exitStatus === 3 ? 'something could not be read' : report.warnings.length > 0 ? `${report.warnings.length} warning${report.warnings.length === 1 ? '' : 's'}` : 'everything agrees';
  const lines = [`sfb-oauth-cert status at ${isoMinute(new Date(report.lookedAt))}: ${verdict}`];
  if (report.servers.length > 0) {
    lines.push(`Servers${report.serversAgree === null ? '' : report.serversAgree ? ' (they agree)' : ' (they DISAGREE)'}:`);
    for (const row of report.servers) lines.push(...serverBlock(row));
  }
  if (report.store !== null) lines.push(...storeBlock(report.store));
  if (report.nextRenewalAt !== undefined) lines.push(`Next renewal: ${isoMinute(new Date(report.nextRenewalAt))} (a scheduled \`pulumi up\` orders it then)`);
  for (const warning of report.warnings) lines.push(warningLine(warning));
  for (const failure of report.unreadable) lines.push(`unreadable ${failure.code}: ${failure.message}`);
  return lines.join('\n') + '\n';
}
