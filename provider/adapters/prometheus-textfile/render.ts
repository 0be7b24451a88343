/**
 * The status report in Prometheus's text exposition format, for the textfile collectors of
 * node_exporter and windows_exporter. The metric names follow cert-manager's
 * (`certmanager_certificate_expiration_timestamp_seconds`): an expiry is a Unix time, so an alert
 * is `... - time() < 14 * 86400` whatever the exporter's clock says about "days left".
 *
 * No sample carries a timestamp: the textfile collector refuses files with them (node_exporter's
 * textfile.go: "textfile ... contains unsupported client-side timestamps"). The time of the look
 * is a gauge of its own instead, so a stale file (status no longer running) can be alerted on.
 */
import type { StatusReport } from '../../domain/status-report';

/** Every metric name starts with this. */
export const METRIC_PREFIX = 'sfb_oauth_cert';

/** A label value as the text format writes it: backslash, double quote and line feed escaped. */
export function labelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

interface Sample {
  readonly labels?: Readonly<Record<string, string>>;
  readonly value: number;
}

function family(name: string, help: string, samples: readonly Sample[]): string {
  if (samples.length === 0) return '';
  const lines = [`# HELP ${METRIC_PREFIX}_${name} ${help}`, `# TYPE ${METRIC_PREFIX}_${name} gauge`];
  for (const sample of samples) {
    const labels = Object.entries(sample.labels ?? {}).map(([key, value]) => `${key}="${labelValue(value)}"`);
    lines.push(`${METRIC_PREFIX}_${name}${labels.length > 0 ? `{${labels.join(',')}}` : ''} ${String(sample.value)}`);
  }
  return lines.join('\n') + '\n';
}

/** The file's text: one gauge family per fact, in a fixed order. */
export function renderTextfile(report: StatusReport): string {
  const certificate = (sample: StatusReport['expiries'][number]) => ({ server: sample.server, role: sample.role, thumbprint: sample.thumbprint });
  return [
    family(
      'certificate_expiration_timestamp_seconds',
      'NotAfter of the OAuthTokenIssuer certificate as a Unix time, per server (global: the Central Management Store; store: the store, when no pool was read) and role (current, previous, scheduled).',
      report.expiries.map((e) => ({ labels: certificate(e), value: Date.parse(e.notAfter) / 1000 })),
    ),
    family(
      'certificate_days_left',
      'Whole days from the look to the NotAfter of the OAuthTokenIssuer certificate, rounded down; negative once expired.',
      report.expiries.map((e) => ({ labels: certificate(e), value: e.daysLeft })),
    ),
    family(
      'server_readable',
      '1 when the server (global: the Central Management Store) could be read at the look, 0 when not.',
      report.servers.map((row) => ({ labels: { server: row.server }, value: row.unreadable ? 0 : 1 })),
    ),
    family(
      'servers_agree',
      '1 when the Central Management Store and every Front End Server read report the same OAuthTokenIssuer certificates and no server has a local assignment, 0 when not.',
      report.serversAgree === null ? [] : [{ value: report.serversAgree ? 1 : 0 }],
    ),
    family('status_warnings', 'How many warnings the look raised (sfb-oauth-cert status prints them).', [{ value: report.warnings.length }]),
    family('status_timestamp_seconds', 'When sfb-oauth-cert status looked, as a Unix time.', [{ value: Date.parse(report.lookedAt) / 1000 }]),
    family('status_success', '1 when everything status was asked to read could be read, 0 when something could not (see its output).', [{ value: report.exitStatus === 3 ? 0 : 1 }]),
  ].join('');
}
