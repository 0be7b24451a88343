/**
 * The Prometheus textfile of `status`, rendered from decided reports and read back by a real
 * parser of the text format (parse-prometheus-text-format): label values that need escaping,
 * non-ASCII server names, no sample timestamps, and the success gauge. The file as the process
 * writes it is tested in status-cli.test.ts.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { renderTextfile, writePrometheusTextfile } from '../../provider/adapters/prometheus-textfile';
import { statusReport, type StatusFacts } from '../../provider/domain/status-report';
import type { PoolSnapshot } from '../../provider/ports/front-end-pool';

const A = 'A'.repeat(40);
const NOW = new Date('2026-06-01T00:00:00Z');

interface Family {
  name: string;
  metrics: { labels?: Record<string, string>; value: string; timestamp_ms?: string }[];
}
const parsed = (text: string) => new Map((parsePrometheusTextFormat(text) as Family[]).map((f) => [f.name, f.metrics]));

function snapshot(servers: readonly string[], unreachable: readonly string[] = []): PoolSnapshot {
  return {
    global: { server: 'global', current: A, currentNotAfter: '2027-06-01T00:00:00.000Z' },
    replicas: [],
    servers: servers.map((server) => (unreachable.includes(server) ? { server, unreachable: { code: 'SERVER_UNREACHABLE' as const, message: 'x' } } : { server, current: A, currentNotAfter: '2027-06-01T00:00:00.000Z' })),
  };
}
const report = (facts: Partial<StatusFacts>) => statusReport({ now: NOW, warnBeforeExpiryDays: 30, ...facts });

describe('the Prometheus textfile', () => {
  it.each(['fe01.zürich.contoso.com', 'fe02.東京.contoso.com', 'odd"name\\with\nbreaks.contoso.com'])('a server named %j reads back unchanged', (server) => {
    const families = parsed(renderTextfile(report({ pool: { read: true, value: snapshot([server]) } })));
    expect(families.get('sfb_oauth_cert_server_readable')!.map((m) => m.labels!.server)).toEqual(['global', server]);
  });

  it('no sample has a timestamp; the look is a gauge of its own', () => {
    const families = parsed(renderTextfile(report({ pool: { read: true, value: snapshot(['fe01.contoso.com']) } })));
    for (const metrics of families.values()) for (const metric of metrics) expect(metric.timestamp_ms).toBeUndefined();
    expect(families.get('sfb_oauth_cert_status_timestamp_seconds')).toEqual([{ value: '1780272000' }]);
    expect(families.get('sfb_oauth_cert_certificate_days_left')!.map((m) => m.value)).toEqual(['365', '365']);
  });

  it.each<{ row: string; facts: Partial<StatusFacts>; success: string; agree: string | undefined }>([
    { row: 'everything read', facts: { pool: { read: true, value: snapshot(['fe01.contoso.com']) } }, success: '1', agree: '1' },
    { row: 'a server unreadable', facts: { pool: { read: true, value: snapshot(['fe01.contoso.com', 'fe02.contoso.com'], ['fe02.contoso.com']) } }, success: '0', agree: '1' },
    { row: 'the pool unreadable', facts: { pool: { read: false, failure: { code: 'SHELL_NOT_FOUND', message: 'x' } } }, success: '0', agree: undefined },
  ])('success and agreement: $row', ({ facts, success, agree }) => {
    const families = parsed(renderTextfile(report(facts)));
    expect(families.get('sfb_oauth_cert_status_success')).toEqual([{ value: success }]);
    expect(families.get('sfb_oauth_cert_servers_agree')).toEqual(agree === undefined ? undefined : [{ value: agree }]);
  });

  it('is written by rename, readable by the exporter, replacing the previous file', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'sfb-status-prom-'));
    try {
      const file = join(directory, 'sfb.prom');
      await writePrometheusTextfile(file, report({ pool: { read: false, failure: { code: 'SHELL_NOT_FOUND', message: 'x' } } }));
      await writePrometheusTextfile(file, report({ pool: { read: true, value: snapshot(['fe01.contoso.com']) } }));
      expect(readdirSync(directory)).toEqual(['sfb.prom']);
      expect(parsed(readFileSync(file, 'utf8')).get('sfb_oauth_cert_status_success')).toEqual([{ value: '1' }]);
      await expect(writePrometheusTextfile(join(directory, 'missing', 'sfb.prom'), report({}))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
