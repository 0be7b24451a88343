/**
 * The documented semantics the emulator keeps on disk (docs/skype-emulator.md): imports of real
 * PFX files, current and previous, a roll at its effective date on the emulated clock,
 * replication with a delay, a stale server, the server's culture and time zone, remoting, the
 * JSON returned, concurrency, the secret rules, and the admin CLI. Every step is a process.
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { A, fixture, Pool, runEmulator, SERVERS } from './harness';

const B = fixture('rsa-4096').thumbprint;
const C = fixture('self-signed').thumbprint;
const GET_GLOBAL = 'Get-CsCertificate -Identity Global -Type OAuthTokenIssuer | ConvertTo-Json -Depth 3 -Compress -AsArray';
const onServer = (server: string): string =>
  `Invoke-Command -ComputerName '${server}' -ScriptBlock { Get-CsCertificate -Type OAuthTokenIssuer } | ConvertTo-Json -Depth 3 -Compress -AsArray`;

type Reference = Record<string, unknown>;

const pools: Pool[] = [];
async function pool(options: Parameters<typeof Pool.create>[0] = {}): Promise<Pool> {
  // PowerShell 7's shapes (-AsArray, ISO dates, ConciseView); desktop.test.ts covers 5.1.
  const made = await Pool.create({ edition: 'core', ...options });
  pools.push(made);
  return made;
}
afterAll(() => pools.forEach((p) => p.cleanup()));

/** Imports a fixture (roll: an -EffectiveDate string) and assigns it globally. */
async function importFixture(p: Pool, name: string, roll?: string): Promise<void> {
  await p.ok(p.importScript(name, roll));
}

describe('Import-CsCertificate opens the real PFX', () => {
  it('reports the CertificateReference with the documented properties, in order, dates as PowerShell 7 writes them', async () => {
    const p = await pool();
    await importFixture(p, 'openssl3-default');
    const [reference] = await p.json<Reference>(GET_GLOBAL);
    expect(Object.keys(reference ?? {})).toEqual([
      'Issuer', 'NotAfter', 'NotBefore', 'SerialNumber', 'Subject', 'AlternativeNames', 'Thumbprint',
      'EffectiveDate', 'PreviousThumbprint', 'UpdateTime', 'Use', 'SourceScope',
    ]);
    expect(reference).toMatchObject({
      Issuer: 'CN=Contoso Fixture Issuing CA, O=Contoso Fixtures',
      NotAfter: '2035-01-01T00:00:00+00:00',
      NotBefore: '2025-01-01T00:00:00+00:00',
      Subject: 'CN=sfb-fe01.contoso.com',
      AlternativeNames: ['sfb-fe01.contoso.com', 'sip.contoso.com'],
      Thumbprint: A,
      EffectiveDate: '2026-06-01T00:00:00+00:00',
      PreviousThumbprint: null,
      UpdateTime: '2026-06-01T00:00:00+00:00',
      Use: 'OAuthTokenIssuer',
      SourceScope: 'Global',
    });
    expect(reference?.SerialNumber).toMatch(/^[0-9A-F]+$/);
  });

  it.each([
    ['OpenSSL 3 defaults', 'openssl3-default'],
    ['OpenSSL -legacy (RC2/3DES)', 'openssl-legacy'],
    ['Windows AES256-SHA256', 'windows-aes256-sha256'],
    ['Java keytool', 'keytool-import'],
    ['a non-ASCII password through the data file', 'nonascii-aes'],
    ['an emoji password through the data file', 'emoji-legacy'],
    ['the empty password', 'empty-password'],
    ['no password (no -Password, no data file)', 'python-null-password'],
    ['a 4096-bit key', 'rsa-4096'],
  ])('%s (%s): the thumbprint the provider computes', async (_name, name) => {
    const p = await pool();
    await importFixture(p, name);
    const references = await p.json<Reference>(GET_GLOBAL);
    expect(references.map((r) => r.Thumbprint)).toEqual([fixture(name).thumbprint]);
  });

  it.each([
    ['a wrong password', 'openssl3-default-wrong-password', 'Import-CsCertificate: Command execution failed: The specified network password is not correct.'],
    ['a wrong password on a legacy file', 'openssl-legacy-wrong-password', 'Import-CsCertificate: Command execution failed: The specified network password is not correct.'],
    ['a file that is no PFX', 'garbage', 'Import-CsCertificate: Command execution failed: Cannot find the requested object.'],
    ['a PEM file', 'pem', 'Import-CsCertificate: Command execution failed: Cannot find the requested object.'],
    ['a PFX without a private key', 'no-key', 'Import-CsCertificate: Command execution failed: The PFX file holds no single certificate with its private key; export the certificate with its private key.'],
  ])('refuses %s, as Windows does, and assigns nothing', async (_name, name, message) => {
    const p = await pool();
    const result = await p.ps(p.importScript(name));
    expect(result.stderr).toBe(`${message}\n`);
    expect(result.code).toBe(1);
    expect(await p.json(GET_GLOBAL)).toEqual([]);
  });

  it('imports in the Local set without assigning; Set-CsCertificate -Thumbprint then assigns it on that server only', async () => {
    const p = await pool();
    const { file, password } = fixture('rsa-4096');
    const { pfx, psd1 } = p.secretFiles(file, password);
    await p.ok(`$s = Import-PowerShellDataFile -LiteralPath '${psd1}'\nImport-CsCertificate -Path '${pfx}' -Password $s.Password -PrivateKeyExportable $true`);
    expect(await p.json(GET_GLOBAL)).toEqual([]);
    const elsewhere = await p.ps(`Invoke-Command -ComputerName 'fe02.contoso.com' -ScriptBlock { Set-CsCertificate -Identity Global -Type OAuthTokenIssuer -Thumbprint '${B}' }`);
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stderr).toContain('is not in the certificate store of fe02.contoso.com');
    await p.ok(`Set-CsCertificate -Identity Global -Type OAuthTokenIssuer -Thumbprint '${B}'`);
    expect((await p.json<Reference>(GET_GLOBAL)).map((r) => r.Thumbprint)).toEqual([B]);
  });
});

describe('current, previous and the roll at its effective date (emulated clock)', () => {
  it('a roll is scheduled, listed second, and becomes current at its date with the old one previous', async () => {
    const p = await pool({ timeZone: 'Europe/Berlin' });
    await importFixture(p, 'openssl3-default');
    await importFixture(p, 'rsa-4096', '12/1/2026 1:00:00 AM');
    const scheduled = await p.json<Reference>(GET_GLOBAL);
    expect(scheduled.map((r) => [r.Thumbprint, r.EffectiveDate, r.PreviousThumbprint])).toEqual([
      [A, '2026-06-01T02:00:00+02:00', null],
      [B, '2026-12-01T01:00:00+01:00', A],
    ]);
    expect((await p.show()).cms.assignments.OAuthTokenIssuer).toEqual({ current: A, previous: null, scheduled: { thumbprint: B, effectiveDate: '2026-12-01T00:00:00.000Z' } });

    await p.admin('set-clock', '2026-11-30T23:59:59Z');
    expect((await p.json<Reference>(GET_GLOBAL)).map((r) => r.Thumbprint)).toEqual([A, B]);
    await p.admin('advance', '1');
    const rolled = await p.json<Reference>(GET_GLOBAL);
    expect(rolled.map((r) => [r.Thumbprint, r.EffectiveDate, r.PreviousThumbprint])).toEqual([[B, '2026-12-01T01:00:00+01:00', A]]);
    // Every replica rolls on its own clock too (replication delay 0).
    for (const server of SERVERS) expect((await p.json<Reference>(onServer(server))).map((r) => r.Thumbprint)).toEqual([B]);
    const show = await p.show();
    expect(show.cms.assignments.OAuthTokenIssuer).toEqual({ current: B, previous: A, scheduled: null });
    expect(show.servers.map((s) => s.oauthTokenIssuer.current)).toEqual([B, B, B]);
  });

  it('two slots only: a third certificate makes the second previous and drops the first; -Previous removes it', async () => {
    const p = await pool();
    await importFixture(p, 'openssl3-default');
    await importFixture(p, 'rsa-4096');
    expect((await p.json<Reference>(GET_GLOBAL)).map((r) => [r.Thumbprint, r.PreviousThumbprint])).toEqual([[B, A]]);
    await importFixture(p, 'self-signed');
    expect((await p.json<Reference>(GET_GLOBAL)).map((r) => [r.Thumbprint, r.PreviousThumbprint])).toEqual([[C, B]]);
    await p.ok('Remove-CsCertificate -Identity Global -Type OAuthTokenIssuer -Previous');
    expect((await p.json<Reference>(GET_GLOBAL)).map((r) => [r.Thumbprint, r.PreviousThumbprint])).toEqual([[C, null]]);
    await p.ok('Remove-CsCertificate -Identity Global -Type OAuthTokenIssuer -Force');
    expect(await p.json(GET_GLOBAL)).toEqual([]);
  });

  it('a roll whose date has passed takes effect at once; a new roll replaces a pending one; the same set twice writes nothing', async () => {
    const p = await pool();
    await importFixture(p, 'openssl3-default');
    const version = (await p.show()).cms.version;
    await p.ok(`Set-CsCertificate -Identity Global -Type OAuthTokenIssuer -Thumbprint '${A}'`);
    expect((await p.show()).cms.version).toBe(version);
    await importFixture(p, 'rsa-4096', '1/1/2027 12:00:00 AM');
    await p.ok(`Set-CsCertificate -Identity Global -Type OAuthTokenIssuer -Thumbprint '${B}' -EffectiveDate '2/1/2027 12:00:00 AM' -Roll`);
    expect((await p.show()).cms.assignments.OAuthTokenIssuer?.scheduled).toEqual({ thumbprint: B, effectiveDate: '2027-02-01T00:00:00.000Z' });
    const again = (await p.show()).cms.version;
    await p.ok(`Set-CsCertificate -Identity Global -Type OAuthTokenIssuer -Thumbprint '${B}' -EffectiveDate '2/1/2027 12:00:00 AM' -Roll`);
    expect((await p.show()).cms.version).toBe(again);
    await p.ok(`Set-CsCertificate -Identity Global -Type OAuthTokenIssuer -Thumbprint '${B}' -EffectiveDate '5/1/2026 12:00:00 AM' -Roll`);
    expect((await p.show()).cms.assignments.OAuthTokenIssuer).toEqual({ current: B, previous: A, scheduled: null });
  });

  it('-EffectiveDate without -Roll makes the certificate current at once', async () => {
    const p = await pool();
    await importFixture(p, 'openssl3-default');
    await importFixture(p, 'rsa-4096');
    await p.ok(`Set-CsCertificate -Identity Global -Type OAuthTokenIssuer -Thumbprint '${A}' -EffectiveDate '1/1/2030'`);
    expect((await p.show()).cms.assignments.OAuthTokenIssuer).toEqual({ current: A, previous: B, scheduled: null });
  });
});

describe('the server culture and time zone read -EffectiveDate', () => {
  it.each([
    ['en-US, UTC', 'en-US', 'UTC', '12/1/2026 1:30:00 PM', '2026-12-01T13:30:00+00:00', '2026-12-01T13:30:00.000Z'],
    ['en-US, America/New_York', 'en-US', 'America/New_York', '12/1/2026 8:00:00 AM', '2026-12-01T08:00:00-05:00', '2026-12-01T13:00:00.000Z'],
    ['en-GB, Europe/London (summer time)', 'en-GB', 'Europe/London', '01/07/2026 09:00:00', '2026-07-01T09:00:00+01:00', '2026-07-01T08:00:00.000Z'],
    ['de-DE, Europe/Berlin', 'de-DE', 'Europe/Berlin', '01.12.2026 13:30:00', '2026-12-01T13:30:00+01:00', '2026-12-01T12:30:00.000Z'],
  ])('%s', async (_name, culture, timeZone, text, json, instant) => {
    const p = await pool({ culture, timeZone });
    await importFixture(p, 'openssl3-default');
    await importFixture(p, 'rsa-4096', text);
    const references = await p.json<Reference>(GET_GLOBAL);
    expect(references[1]?.EffectiveDate).toBe(json);
    expect((await p.show()).cms.assignments.OAuthTokenIssuer?.scheduled?.effectiveDate).toBe(instant);
  });

  // .NET reads a date of another culture as its own when the numbers allow it (days <= 12):
  // the misread is reproduced, not refused (test/fixtures/dotnet/dotnet-facts.json).
  it.each([
    ['an en-US date on a de-DE session is read day first: 12 January', 'de-DE', '12/1/2027 1:30:00 PM', '2027-01-12T13:30:00.000Z'],
    ['a de-DE date on an en-US session is read month first: 12 January', 'en-US', '01.12.2027 13:30:00', '2027-01-12T13:30:00.000Z'],
    ['a de-DE date on an en-GB session is read right: 1 December', 'en-GB', '01.12.2027 13:30:00', '2027-12-01T13:30:00.000Z'],
  ])('%s', async (_name, sessionCulture, text, instant) => {
    const p = await pool({ culture: 'de-DE', timeZone: 'UTC', sessionCulture });
    await importFixture(p, 'openssl3-default', text);
    expect((await p.show()).cms.assignments.OAuthTokenIssuer?.scheduled?.effectiveDate).toBe(instant);
  });

  it.each([
    ['a day above 12 in a month-first session', 'en-US', 'UTC', '13.12.2026 13:30:00', "String '13.12.2026 13:30:00' was not recognized as a valid DateTime."],
    ['a time the spring change skips in Berlin', 'de-DE', 'Europe/Berlin', '29.03.2026 02:30:00', 'The supplied DateTime represents an invalid time.  For example, when the clock is adjusted forward, any time in the period that is skipped is invalid.'],
  ])('refuses %s', async (_name, culture, timeZone, text, reason) => {
    const p = await pool({ culture, timeZone, sessionCulture: culture });
    const result = await p.ps(p.importScript('openssl3-default', text));
    expect(result.stderr).toBe(`Import-CsCertificate: Cannot bind parameter 'EffectiveDate'. Cannot convert value "${text}" to type "System.DateTime". Error: "${reason}"\n`);
    expect(result.code).toBe(1);
  });
});

describe('Remove-CsCertificate, and -Identity omitted: the local computer (question 7)', () => {
  const show = (references: Reference[]): unknown[] => references.map((r) => [r.Thumbprint, r.PreviousThumbprint, r.SourceScope]);
  const onEach = async (p: Pool): Promise<unknown[]> => Promise.all(SERVERS.map(async (s) => show(await p.json<Reference>(onServer(s)))));

  it('Set-CsCertificate without -Identity through Invoke-Command is a local assignment on that server only; Remove-CsCertificate there hands it back to the global one', async () => {
    const p = await pool({ replicationDelay: 60 });
    await importFixture(p, 'openssl3-default');
    await p.admin('advance', '60');
    const { file, password } = fixture('rsa-4096');
    const { pfx, psd1 } = p.secretFiles(file, password);
    const version = (await p.show()).cms.version;
    await p.ok(`Invoke-Command -ComputerName 'fe02.contoso.com' -ScriptBlock { $s = Import-PowerShellDataFile -LiteralPath '${psd1}'; Import-CsCertificate -Path '${pfx}' -Password $s.Password; Set-CsCertificate -Type OAuthTokenIssuer -Thumbprint '${B}' }`);
    expect(await onEach(p)).toEqual([[[A, null, 'Global']], [[B, null, 'Local']], [[A, null, 'Global']]]);
    expect(show(await p.json<Reference>(GET_GLOBAL))).toEqual([[A, null, 'Global']]);
    const after = await p.show();
    expect(after.cms.version).toBe(version);
    expect(after.servers.map((s) => [s.oauthTokenIssuer.current, s.upToDate])).toEqual([[A, true], [B, true], [A, true]]);
    // Replication carries the CMS only: it never undoes a local assignment.
    await p.ok("Invoke-CsManagementStoreReplication -ReplicaFqdn 'fe02.contoso.com'");
    await p.admin('advance', '60');
    expect(show(await p.json<Reference>(onServer('fe02.contoso.com')))).toEqual([[B, null, 'Local']]);
    // In use: it asks, which a non-interactive shell refuses; nothing changes.
    const asked = await p.ps("Invoke-Command -ComputerName 'fe02.contoso.com' -ScriptBlock { Remove-CsCertificate -Type OAuthTokenIssuer }");
    expect(asked).toMatchObject({ code: 1, stderr: 'Remove-CsCertificate: PowerShell is in NonInteractive mode. Read and Prompt functionality is not available.\n' });
    expect(show(await p.json<Reference>(onServer('fe02.contoso.com')))).toEqual([[B, null, 'Local']]);
    await p.ok("Invoke-Command -ComputerName 'fe02.contoso.com' -ScriptBlock { Remove-CsCertificate -Type OAuthTokenIssuer -Force }");
    expect(await onEach(p)).toEqual([[[A, null, 'Global']], [[A, null, 'Global']], [[A, null, 'Global']]]);
    expect((await p.show()).cms.version).toBe(version);
  });

  it('-Identity Global -Previous removes the previous certificate from the CMS; the replicas follow a replication delay later', async () => {
    const p = await pool({ replicationDelay: 60 });
    await importFixture(p, 'openssl3-default');
    await importFixture(p, 'rsa-4096');
    await p.admin('advance', '60');
    expect(await onEach(p)).toEqual(SERVERS.map(() => [[B, A, 'Global']]));
    const version = (await p.show()).cms.version;
    // The previous certificate is not in use: no prompt, -Force or not.
    await p.ok('Remove-CsCertificate -Identity Global -Type OAuthTokenIssuer -Previous');
    expect(show(await p.json<Reference>(GET_GLOBAL))).toEqual([[B, null, 'Global']]);
    expect((await p.show()).cms.version).toBe(version + 1);
    expect(await onEach(p)).toEqual(SERVERS.map(() => [[B, A, 'Global']]));
    await p.admin('advance', '60');
    expect(await onEach(p)).toEqual(SERVERS.map(() => [[B, null, 'Global']]));
    // No previous left: -Previous does nothing and writes no version.
    await p.ok('Remove-CsCertificate -Identity Global -Type OAuthTokenIssuer -Previous -Force');
    expect((await p.show()).cms.version).toBe(version + 1);
  });

  it("STAGE's literal `Remove-CsCertificate -Type OAuthTokenIssuer -Previous` (no -Identity) acts on the local computer: the global previous stays", async () => {
    const p = await pool();
    await importFixture(p, 'openssl3-default');
    await importFixture(p, 'rsa-4096');
    const version = (await p.show()).cms.version;
    await p.ok('Remove-CsCertificate -Type OAuthTokenIssuer -Previous');
    expect(show(await p.json<Reference>(GET_GLOBAL))).toEqual([[B, A, 'Global']]);
    expect((await p.show()).cms.version).toBe(version);
  });

  it('-Previous on a local assignment removes the local previous only; removing the current one with -Force empties the CMS', async () => {
    const p = await pool();
    await importFixture(p, 'openssl3-default');
    await importFixture(p, 'rsa-4096');
    await p.ok(`Set-CsCertificate -Type OAuthTokenIssuer -Thumbprint '${A}'`);
    await p.ok(`Set-CsCertificate -Type OAuthTokenIssuer -Thumbprint '${B}'`);
    expect(show(await p.json<Reference>(onServer('fe01.contoso.com')))).toEqual([[B, A, 'Local']]);
    await p.ok('Remove-CsCertificate -Type OAuthTokenIssuer -Previous');
    expect(show(await p.json<Reference>(onServer('fe01.contoso.com')))).toEqual([[B, null, 'Local']]);
    expect(show(await p.json<Reference>(GET_GLOBAL))).toEqual([[B, A, 'Global']]);
    const whatIf = await p.ok('Remove-CsCertificate -Identity Global -Type OAuthTokenIssuer -Force -WhatIf');
    expect(whatIf).toEqual(['What if: Performing the operation "Remove-CsCertificate" on target "OAuthTokenIssuer".']);
    expect(show(await p.json<Reference>(GET_GLOBAL))).toEqual([[B, A, 'Global']]);
    await p.ok('Remove-CsCertificate -Identity Global -Type OAuthTokenIssuer -Force');
    // The previous one is not promoted: nothing is current in the CMS, the local one still is.
    expect(await p.json(GET_GLOBAL)).toEqual([]);
    expect(show(await p.json<Reference>(onServer('fe02.contoso.com')))).toEqual([]);
    expect(show(await p.json<Reference>(onServer('fe01.contoso.com')))).toEqual([[B, null, 'Local']]);
  });
});

describe('replication', () => {
  const status = 'Get-CsManagementStoreReplicationStatus | ConvertTo-Json -Compress -AsArray';

  it('replicas take a change after the delay (emulated seconds); the CMS has it at once', async () => {
    const p = await pool({ replicationDelay: 60 });
    await importFixture(p, 'openssl3-default');
    expect((await p.json<Reference>(GET_GLOBAL)).map((r) => r.Thumbprint)).toEqual([A]);
    expect(await p.json(onServer('fe02.contoso.com'))).toEqual([]);
    const before = await p.json<Reference>(status);
    expect(before).toEqual(SERVERS.map((fqdn) => ({
      ReplicaFqdn: fqdn, UpToDate: false, LastStatusReport: '2026-06-01T00:00:00+00:00',
      LastUpdateCreation: '2026-06-01T00:00:00+00:00', ProductVersion: '7.0.2046.0',
    })));
    await p.admin('advance', '59');
    expect((await p.json<Reference>(status)).map((s) => s.UpToDate)).toEqual([false, false, false]);
    await p.admin('advance', '1');
    expect((await p.json<Reference>(status)).map((s) => s.UpToDate)).toEqual([true, true, true]);
    expect((await p.json<Reference>(onServer('fe02.contoso.com'))).map((r) => r.Thumbprint)).toEqual([A]);
  });

  it('a stale server never catches up, even after Invoke-CsManagementStoreReplication, until it is fresh again', async () => {
    const p = await pool({ replicationDelay: 30, stale: ['fe02.contoso.com'] });
    await importFixture(p, 'openssl3-default');
    await p.admin('advance', '3600');
    await p.ok('Invoke-CsManagementStoreReplication');
    await p.admin('advance', '3600');
    expect((await p.json<Reference>(status)).map((s) => [s.ReplicaFqdn, s.UpToDate])).toEqual([
      ['fe01.contoso.com', true], ['fe02.contoso.com', false], ['fe03.contoso.com', true],
    ]);
    expect(await p.json(onServer('fe02.contoso.com'))).toEqual([]);
    expect((await p.admin('fresh', 'fe02.contoso.com')).code).toBe(0);
    await p.admin('advance', '30');
    expect((await p.json<Reference>(onServer('fe02.contoso.com'))).map((r) => r.Thumbprint)).toEqual([A]);
    expect((await p.json<Reference>(status)).every((s) => s.UpToDate === true)).toBe(true);
  });

  it('Invoke-CsManagementStoreReplication makes the replicas it names not up to date until a delay later', async () => {
    const p = await pool({ replicationDelay: 120 });
    await importFixture(p, 'openssl3-default');
    await p.admin('advance', '120');
    await p.ok("Invoke-CsManagementStoreReplication -ReplicaFqdn 'fe03.contoso.com'");
    expect((await p.json<Reference>(status)).map((s) => s.UpToDate)).toEqual([true, true, false]);
    await p.admin('advance', '120');
    expect((await p.json<Reference>(status)).map((s) => s.UpToDate)).toEqual([true, true, true]);
  });

  it('-CentralManagementStoreStatus and -ReplicaFqdn', async () => {
    const p = await pool();
    const [cms] = await p.json<Reference>('Get-CsManagementStoreReplicationStatus -CentralManagementStoreStatus | ConvertTo-Json -Compress -AsArray');
    expect(cms).toMatchObject({ ActiveMasterFQDN: 'fe01.contoso.com', ActiveFileTransferAgents: ['fe01.contoso.com'], ActiveReplicas: SERVERS, DeletedReplicas: [] });
    const one = await p.json<Reference>("Get-CsManagementStoreReplicationStatus -ReplicaFqdn 'FE02.contoso.com' | ConvertTo-Json -Compress -AsArray");
    expect(one.map((s) => s.ReplicaFqdn)).toEqual(['fe02.contoso.com']);
  });
});

describe('PowerShell plumbing', () => {
  it('Invoke-Command answers each computer in order, adding PSComputerName, RunspaceId and PSShowComputerName', async () => {
    const p = await pool();
    await importFixture(p, 'openssl3-default');
    const references = await p.json<Reference>("Invoke-Command -ComputerName 'fe03.contoso.com','fe01.contoso.com' -ScriptBlock { Get-CsCertificate -Type OAuthTokenIssuer } | ConvertTo-Json -Depth 3 -Compress -AsArray");
    expect(references.map((r) => [r.Thumbprint, r.PSComputerName, r.PSShowComputerName])).toEqual([[A, 'fe03.contoso.com', true], [A, 'fe01.contoso.com', true]]);
    expect(references[0]?.RunspaceId).toMatch(/^[0-9a-f-]{36}$/);
    expect(Object.keys(references[0] ?? {}).slice(-3)).toEqual(['PSComputerName', 'RunspaceId', 'PSShowComputerName']);
  });

  it('a block ending in ConvertTo-Json returns its string per server; the caller\'s variables only through $using:', async () => {
    const p = await pool();
    await importFixture(p, 'openssl3-default');
    const lines = await p.ok([
      "$type = 'OAuthTokenIssuer'",
      "Invoke-Command -ComputerName 'fe01.contoso.com','fe02.contoso.com' -ScriptBlock { Get-CsCertificate -Type $using:type | Select-Object -Property 'Thumbprint','Use' | ConvertTo-Json -Compress }",
      "Invoke-Command -ComputerName 'fe01.contoso.com' -ScriptBlock { \"[$type]\" }",
    ].join('\n'));
    expect(lines).toEqual([`{"Thumbprint":"${A}","Use":"OAuthTokenIssuer"}`, `{"Thumbprint":"${A}","Use":"OAuthTokenIssuer"}`, '[]']);
  });

  it('ConvertTo-Json: one object as an object, none as nothing, -AsArray always an array, indented without -Compress', async () => {
    const p = await pool();
    expect(await p.ok('Get-CsCertificate -Identity Global | ConvertTo-Json')).toEqual([]);
    expect(await p.ok('Get-CsCertificate -Identity Global | ConvertTo-Json -AsArray -Compress')).toEqual(['[]']);
    await importFixture(p, 'openssl3-default');
    const [object] = await p.ok('Get-CsCertificate -Identity Global | Select-Object -Property Thumbprint | ConvertTo-Json -Compress');
    expect(object).toBe(`{"Thumbprint":"${A}"}`);
    expect(await p.ok('Get-CsCertificate -Identity Global | Select-Object -Property Thumbprint | ConvertTo-Json')).toEqual(['{', `  "Thumbprint": "${A}"`, '}']);
    expect(await p.ok('(Get-CsCertificate -Identity Global).Thumbprint')).toEqual([A]);
    expect(await p.ok('Get-CsCertificate -Identity Global | Select-Object -ExpandProperty AlternativeNames')).toEqual(['sfb-fe01.contoso.com', 'sip.contoso.com']);
  });

  it('ConvertTo-Json -Depth truncates deeper values to their string form and warns on stderr, as PowerShell 7 does', async () => {
    const p = await pool();
    const result = await p.ps('Get-CsManagementStoreReplicationStatus -CentralManagementStoreStatus | Select-Object -Property ActiveReplicas | ConvertTo-Json -Depth 0 -Compress');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('{"ActiveReplicas":"fe01.contoso.com fe02.contoso.com fe03.contoso.com"}\n');
    expect(result.stderr).toBe('WARNING: Resulting JSON is truncated as serialization has exceeded the set depth of 0.\n');
  });

  it('a type other than OAuthTokenIssuer without -Identity is assigned on that server only; with -Identity Global it replicates', async () => {
    const p = await pool();
    const { file, password } = fixture('rsa-4096');
    const { pfx, psd1 } = p.secretFiles(file, password);
    await p.ok(`$s = Import-PowerShellDataFile -LiteralPath '${psd1}'\nImport-CsCertificate -Path '${pfx}' -Password $s.Password`);
    await p.ok(`Set-CsCertificate -Type 'Default' -Thumbprint '${B}'`);
    const uses = async (server: string): Promise<unknown[]> =>
      (await p.json<Reference>(`Invoke-Command -ComputerName '${server}' -ScriptBlock { Get-CsCertificate -Type 'Default' } | ConvertTo-Json -Compress -AsArray`)).map((r) => [r.Thumbprint, r.SourceScope]);
    expect(await uses('fe01.contoso.com')).toEqual([[B, 'Local']]);
    expect(await uses('fe02.contoso.com')).toEqual([]);
    await p.ok(`Set-CsCertificate -Identity Global -Type 'Default' -Thumbprint '${B}'`);
    expect(await uses('fe02.contoso.com')).toEqual([[B, 'Global']]);
  });

  it('output before an error stays on stdout, and what ran before it took effect; under -Command - the lines after it run too', async () => {
    const p = await pool();
    const result = await p.ps(`${p.importScript('openssl3-default')}\n'before'\nFoo\n'after'`);
    // The exit code is the last line's (PowerShell/PowerShell#3223 and #15331): 'after' succeeded.
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('before\nafter\n');
    const stopped = await p.file(`$ErrorActionPreference = 'Stop'\n'before'\nFoo\n'after'`);
    expect(stopped.code).toBe(1);
    expect(stopped.stdout).toBe('before\n');
    expect((await p.json<Reference>(GET_GLOBAL)).map((r) => r.Thumbprint)).toEqual([A]);
  });
});

describe('two scripts at once', () => {
  it('run one after the other under the state lock: both effects are kept', async () => {
    const p = await pool();
    await importFixture(p, 'openssl3-default');
    const scripts = [p.importScript('rsa-4096'), p.importScript('self-signed')];
    const results = await Promise.all([...scripts.map((s) => p.ps(s)), p.ps(GET_GLOBAL), p.ps(GET_GLOBAL)]);
    expect(results.map((r) => [r.code, r.stderr])).toEqual([[0, ''], [0, ''], [0, ''], [0, '']]);
    const show = await p.show();
    expect(show.cms.version).toBe(3);
    const slot = show.cms.assignments.OAuthTokenIssuer;
    // Whichever ran second is current, the other previous.
    expect([slot?.current, slot?.previous].sort()).toEqual([B, C].sort());
    expect(p.log()).toHaveLength(5);
  });
});

describe('secrets never in the script or argv', () => {
  const password = fixture('openssl3-default').password as string;

  it('logs every script; the adapter\'s shape leaves no password or PFX bytes in the log', async () => {
    const p = await pool();
    await importFixture(p, 'openssl3-default');
    const log = readFileSync(`${p.stateDir}/scripts.log`, 'utf8');
    expect(p.log()).toHaveLength(1);
    expect(log).toContain('Import-CsCertificate');
    expect(log).not.toContain(password);
    expect(log).not.toContain(readFileSync(fixture('openssl3-default').file).toString('base64').slice(0, 40));
  });

  it.each([
    ['a password literal', (pfx: string) => `Import-CsCertificate -Identity Global -Type OAuthTokenIssuer -Path '${pfx}' -Password '${password}'`, 'the script text contains the PFX password'],
    ['a password literal in a variable', (pfx: string) => `$p = "${password}"\nImport-CsCertificate -Path '${pfx}' -Password $p`, 'the script text contains the PFX password'],
    ['the PFX as base64 in a comment', (pfx: string) => `# ${readFileSync(fixture('openssl3-default').file).toString('base64')}\n$s = Import-PowerShellDataFile -LiteralPath '${pfx.replace(/cert\.pfx$/, 'secret.psd1')}'\nImport-CsCertificate -Path '${pfx}' -Password $s.Password`, 'the script text contains the PFX bytes'],
  ])('refuses %s (exit 3), naming no secret', async (_name, script, message) => {
    const p = await pool();
    const { pfx } = p.secretFiles(fixture('openssl3-default').file, password);
    const result = await p.ps(script(pfx));
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`sfb-skype-emulator: refused: ${message}`);
    expect(result.stderr).not.toContain(password);
    expect(await p.json(GET_GLOBAL)).toEqual([]);
  });

  it.each([
    ['a PFX readable by others', 'pfx'],
    ['a data file readable by others', 'psd1'],
  ])('refuses %s (0644)', async (_name, which) => {
    const p = await pool();
    const { file } = fixture('openssl3-default');
    const files = p.secretFiles(file, password, 0o644);
    chmodSync(which === 'pfx' ? files.psd1 : files.pfx, 0o600);
    const result = await p.ps(p.importScript('openssl3-default').replace(/'[^']*secret\.psd1'/, `'${files.psd1}'`).replace(/'[^']*cert\.pfx'/, `'${files.pfx}'`));
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`${which === 'pfx' ? 'cert.pfx' : 'secret.psd1'}' given to ${which === 'pfx' ? 'Import-CsCertificate' : 'Import-PowerShellDataFile'} has mode 0644`);
  });

  it('refuses any argument but -NoProfile -NonInteractive -Command -, without echoing it', async () => {
    const p = await pool();
    const result = await runEmulator(['-NoProfile', '-Password', password], p.env, 'Get-CsCertificate');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('argument 2 is not accepted: the script comes from -File <path> or stdin (-Command -).');
    expect(result.stderr).not.toContain(password);
  });
});

describe('admin CLI', () => {
  it('refuses to run without SFB_SKYPE_EMULATOR_DIR', async () => {
    const { SFB_SKYPE_EMULATOR_DIR: _unset, ...env } = process.env;
    for (const args of [['-Command', '-'], ['admin', 'show']]) {
      const result = await runEmulator(args, env, 'Get-CsCertificate');
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^sfb-skype-emulator: SFB_SKYPE_EMULATOR_DIR is not set: set it to the emulator's state directory/);
    }
  });

  it('refuses a state directory never initialised, a second init without --force, and bad options', async () => {
    const p = await pool();
    const empty = await runEmulator(['-Command', '-'], { ...p.env, SFB_SKYPE_EMULATOR_DIR: `${p.dir}/nothing` }, 'Get-CsCertificate');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('state.json does not exist: run `sfb-skype-emulator admin init --servers ...`');
    expect((await p.admin('init', '--servers', 'fe01.contoso.com')).stderr).toContain('already holds an emulated deployment (state.json); pass --force');
    expect((await p.admin('init', '--force', '--servers', 'fe01.contoso.com', '--culture', 'es-ES')).stderr).toContain('--culture "es-ES" is not supported; choose one of en-US, en-GB, de-DE, fr-FR, ja-JP.');
    expect((await p.admin('init', '--force', '--servers', 'fe01.contoso.com', '--time-zone', 'Mars/Olympus')).stderr).toContain('--time-zone "Mars/Olympus" is not an IANA time zone');
    expect((await p.admin('set-clock', '12/1/2026')).code).toBe(2);
    expect((await p.admin('stale', 'fe09.contoso.com')).stderr).toContain('"fe09.contoso.com" is not among the servers');
    expect((await p.admin('frobnicate')).code).toBe(2);
  });

  // Valid JSON of another structure used to be a TypeError from the interpreter.
  it.each([
    ['not JSON', '{"format": 1,'],
    ['null', 'null'],
    ['an array', '[]'],
    ['another format', '{"format": 2}'],
    ['the format alone', '{"format": 1}'],
    ['servers not a list', (state: Record<string, unknown>) => ({ ...state, config: { ...(state.config as object), servers: 'fe01.contoso.com' } })],
    ['an empty CMS history', (state: Record<string, unknown>) => ({ ...state, cms: { history: [] } })],
    ['a replica without its version', (state: Record<string, unknown>) => ({ ...state, replicas: { 'fe01.contoso.com': null } })],
  ])('a state.json that is %s: the "admin init --force" message, for a script and for admin', async (_name, content) => {
    const p = await pool();
    const file = join(p.stateDir, 'state.json');
    const written = typeof content === 'string' ? content : JSON.stringify(content(JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>));
    writeFileSync(file, written);
    for (const result of [await p.ps('Get-CsCertificate -Type OAuthTokenIssuer'), await p.admin('show')]) {
      expect(result).toMatchObject({ code: 2, stdout: '' });
      expect(result.stderr).toMatch(/^sfb-skype-emulator: The emulator's state .*state\.json (is not a deployment this emulator wrote \(.+\)|cannot be read \(.+\)); run `admin init --force` to start over\.\n$/);
    }
  });

  it('a clock.json of the wrong shape: a message naming the file and the way back, not a TypeError', async () => {
    const p = await pool();
    writeFileSync(join(p.stateDir, 'clock.json'), 'null');
    const result = await p.ps('Get-CsCertificate -Type OAuthTokenIssuer');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^sfb-skype-emulator: The emulator's clock .*clock\.json is not an object \{"now": \.\.\.\}; run `admin set-clock real`/);
    expect((await p.admin('set-clock', 'real')).code).toBe(0);
    expect((await p.ps('Get-CsCertificate -Type OAuthTokenIssuer')).code).toBe(0);
  });

  it('show prints each server\'s state; set-clock real returns to the real clock; configure changes the culture', async () => {
    const p = await pool();
    await importFixture(p, 'openssl3-default');
    const text = (await p.admin('show')).stdout;
    expect(text).toContain('clock 2026-06-01T00:00:00.000Z (emulated); server time 6/1/2026 12:00:00 AM UTC (en-US)');
    expect(text).toContain('fe02.contoso.com  current 999F..  previous -  scheduled -  (up to date)');
    await p.admin('set-clock', 'real');
    const show = await p.show();
    expect(Math.abs(Date.parse(show.now) - Date.now())).toBeLessThan(60_000);
    expect((await p.admin('configure', '--culture', 'de-DE', '--time-zone', 'Europe/Berlin')).code).toBe(0);
    const result = await p.ps(`Set-CsCertificate -Type OAuthTokenIssuer -Thumbprint '${A}' -EffectiveDate '01.12.2099 00:00:00' -Roll`);
    expect(result.stderr).toBe('');
  });
});
