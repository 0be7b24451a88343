/**
 * `sfb-oauth-cert capture-script` (evidence from real servers for the adapter): the script embeds the
 * adapter's own inspect scripts verbatim, is read-only unless generated with a lab roll and run
 * with -ChangeLabDeployment, and is valid PowerShell (tree-sitter-powershell, the grammar the
 * emulator uses). Its output format is the one test/fixtures/captures/ holds.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { captureScript } from '../../provider/adapters/powershell/capture-script';
import { globalInspectScript, serversInspectScript } from '../../provider/adapters/powershell/scripts';
import { main } from '../../provider/cli/main';

const NOW = new Date('2026-06-01T10:00:00Z');
const SERVERS = ['fe01.contoso.com', 'fe02.contoso.com'];

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks = { out: '', err: '' };
  out.on('data', (d: Buffer) => (chunks.out += d.toString()));
  err.on('data', (d: Buffer) => (chunks.err += d.toString()));
  const code = await main(['capture-script', ...args], {}, out, err);
  return { code, ...chunks };
}

/** Syntax errors of a script per tree-sitter-powershell, in a child process (the grammar is an ES module). */
function syntaxErrors(script: string): string {
  const grammar = path.join(__dirname, '..', '..', 'dist', 'tools', 'skype-emulator', 'grammar.js');
  const code = `const g = require(${JSON.stringify(grammar)}); let s = ''; process.stdin.on('data', (d) => (s += d)); process.stdin.on('end', async () => { const t = await g.parsePowerShell(s); const e = g.firstSyntaxError(t.rootNode); process.stdout.write(e ? e.startPosition.row + 1 + ': ' + e.text.slice(0, 80) : ''); });`;
  const result = spawnSync(process.execPath, ['-e', code], { input: script, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout;
}

describe('sfb-oauth-cert capture-script', () => {
  it('embeds the inspect scripts verbatim, runs each with -File in a shell of its own kind, writes one JSON file; read-only', async () => {
    const { code, out } = await cli(['--servers', SERVERS.join(',')]);
    expect(code).toBe(0);
    const text = out.replace(/\r\n/g, '\n');
    expect(text).toContain(`$calls += Invoke-Captured 'inspect-global' @'\n${globalInspectScript({ edition: 'desktop', remoting: {} })}'@`);
    expect(text).toContain(`$calls += Invoke-Captured 'inspect-servers' @'\n${serversInspectScript(SERVERS, { edition: 'desktop', remoting: {} })}'@`);
    expect(text).toContain("-ArgumentList @('-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-File',");
    expect(text).toContain("    format = 'sfb-oauth-cert-capture/1'");
    expect(text).toMatch(/^<#[\s\S]*#>\nparam\(\[string\]\$Output = 'sfb-oauth-cert-capture\.json'\)\n/);
    expect(text).not.toMatch(/Set-CsCertificate|Import-CsCertificate|Remove-CsCertificate|Invoke-CsManagementStoreReplication|ChangeLabDeployment/);
    expect(out.split('\n').every((line) => line === '' || line.endsWith('\r'))).toBe(true);
  });

  it('the lab step only with a throwaway thumbprint, run only with -ChangeLabDeployment, clearly marked; the roll from ticks, 90 days ahead by default', () => {
    const script = captureScript({ servers: SERVERS, edition: 'desktop', version: '0.1.0', lab: { thumbprint: 'A'.repeat(40), effectiveAt: '2026-08-30T02:00:00.000Z', sessionTimeZone: 'W. Europe Standard Time' } }).replace(/\r\n/g, '\n');
    expect(script).toContain('LAB STEP, ONLY WITH -ChangeLabDeployment: THIS CHANGES THE LAB DEPLOYMENT.');
    expect(script).toContain("param([string]$Output = 'sfb-oauth-cert-capture.json', [switch]$ChangeLabDeployment)");
    const lab = script.slice(script.indexOf('if ($ChangeLabDeployment) {'));
    expect(lab).toContain(`Set-CsCertificate -Identity Global -Type OAuthTokenIssuer -Thumbprint '${'A'.repeat(40)}' -EffectiveDate $effectiveDate -Roll`);
    expect(lab).toContain("Invoke-Captured 'inspect-servers-pending'");
    expect(script.slice(0, script.indexOf('if ($ChangeLabDeployment) {'))).not.toContain('Set-CsCertificate -Identity Global -Type');
  });

  it('valid PowerShell, with and without the lab step', () => {
    expect(syntaxErrors("try { Write-Output 'x'")).not.toBe('');
    expect(syntaxErrors(captureScript({ servers: SERVERS, edition: 'desktop', version: '0.1.0' }))).toBe('');
    expect(syntaxErrors(captureScript({ servers: SERVERS, edition: 'core', version: '0.1.0', lab: { thumbprint: 'A'.repeat(40), effectiveAt: '2026-08-30T02:00:00.000Z', sessionTimeZone: 'UTC' } }))).toBe('');
  });

  it.each([
    ['no servers', [], '--servers must list the FQDN of every Front End Server'],
    ['a lab thumbprint without its zone', ['--servers', 'fe01.contoso.com', '--lab-thumbprint', 'A'.repeat(40)], '--lab-time-zone must be the Windows time zone id'],
    ['an unknown option', ['--servers', 'fe01.contoso.com', '--password', 'x'], 'Unknown option "--password".'],
  ])('usage errors: %s', async (_name, args, words) => {
    const { code, out, err } = await cli(args);
    expect({ code, out }).toEqual({ code: 2, out: '' });
    expect(err).toContain(words);
  });

  it('the default lab date: 90 days after today, 02:00 UTC', async () => {
    const { captureScriptCommand } = await import('../../provider/cli/capture');
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => (text += d.toString()));
    expect(captureScriptCommand(['--servers', 'fe01.contoso.com', '--lab-thumbprint', 'a'.repeat(40), '--lab-time-zone', 'UTC'], { out, err: new PassThrough(), clock: () => NOW })).toBe(0);
    expect(text).toContain("effectiveAt = '2026-08-30T02:00:00.000Z'");
  });
});
