/**
 * The emulator's sessions and the Front End Servers' files (tools/skype-emulator/session-cmdlets.ts,
 * server-files.ts), in both editions: a session keeps its variables between Invoke-Command calls;
 * Copy-Item -ToSession lands on that server only, inheriting the directory's readers; a PFX that
 * other users of the server could read is refused as any exposed secret is (exit 3); a copy into a
 * directory that does not exist fails; a closed session cannot be used; and an import without
 * -Identity Global on one server is that server's alone (no replication).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EmulatorState } from '../../tools/skype-emulator/state';
import { fixture, Pool, type Edition } from './harness';

const pools: Pool[] = [];
afterAll(() => pools.forEach((p) => p.cleanup()));

async function pool(edition: Edition): Promise<Pool> {
  const p = await Pool.create({ edition });
  pools.push(p);
  return p;
}
const stateOf = (p: Pool) => JSON.parse(readFileSync(join(p.stateDir, 'state.json'), 'utf8')) as EmulatorState;
const PROFILE = 'C:\\Users\\sfbadmin\\AppData\\Local';

describe.each(['desktop', 'core'] as const)('sessions and server files, edition %s', (edition) => {
  it('a session keeps its variables; $env:LOCALAPPDATA is the account\'s profile; the copy lands on that server only, readable by the account, SYSTEM and Administrators', async () => {
    const p = await pool(edition);
    const { pfx } = p.secretFiles(fixture('openssl3-default').file, null);
    const out = await p.ok(
      [
        "$ErrorActionPreference = 'Stop'",
        "$s = New-PSSession -ComputerName 'fe02.contoso.com'",
        "$d = Invoke-Command -Session $s -ScriptBlock { $kept = 'kept'; $dir = $env:LOCALAPPDATA + '\\import'; $created = New-Item -ItemType Directory -Path $dir; $dir }",
        `Copy-Item -LiteralPath '${pfx}' -Destination $d -ToSession $s`,
        'Write-Output $d',
        'Invoke-Command -Session $s -ScriptBlock { $kept }',
        'Remove-PSSession -Session $s',
      ].join('\n'),
    );
    expect(out).toEqual([`${PROFILE}\\import`, 'kept']);
    const files = stateOf(p).serverFiles!;
    expect(Object.keys(files)).toEqual(['fe02.contoso.com']);
    expect(Object.values(files['fe02.contoso.com']!).map((f) => [f.path, f.kind, f.readers])).toEqual([
      [`${PROFILE}\\import`, 'directory', ['sfbadmin', 'SYSTEM', 'Administrators']],
      [`${PROFILE}\\import\\cert.pfx`, 'file', ['sfbadmin', 'SYSTEM', 'Administrators']],
    ]);
  });

  it('a PFX copied where every user of the server can read it is refused at import (exit 3), as an exposed secret file is', async () => {
    const p = await pool(edition);
    const { pfx } = p.secretFiles(fixture('openssl3-default').file, null);
    const result = await p.ps(
      [
        "$ErrorActionPreference = 'Stop'",
        "$s = New-PSSession -ComputerName 'fe01.contoso.com'",
        `Copy-Item -LiteralPath '${pfx}' -Destination 'C:\\Windows\\Temp\\cert.pfx' -ToSession $s`,
        "Invoke-Command -Session $s -ScriptBlock { Import-Module SkypeForBusiness; Import-CsCertificate -Path 'C:\\Windows\\Temp\\cert.pfx' }",
      ].join('\n'),
    );
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("the file 'C:\\Windows\\Temp\\cert.pfx' given to Import-CsCertificate on fe01.contoso.com can be read by Users");
    expect(stateOf(p).certificates).toEqual({});
  });

  it('a copy into a directory that does not exist fails; nothing lands', async () => {
    const p = await pool(edition);
    const { pfx } = p.secretFiles(fixture('openssl3-default').file, null);
    const result = await p.ps(`$s = New-PSSession -ComputerName 'fe01.contoso.com'\nCopy-Item -LiteralPath '${pfx}' -Destination 'C:\\nowhere\\cert.pfx' -ToSession $s`);
    expect(result.stderr).toContain("Could not find a part of the path 'C:\\nowhere\\cert.pfx'.");
    expect(stateOf(p).serverFiles ?? {}).toEqual({});
  });

  it('a closed session cannot run a command', async () => {
    const p = await pool(edition);
    const result = await p.ps("$ErrorActionPreference = 'Stop'\n$s = New-PSSession -ComputerName 'fe01.contoso.com'\nRemove-PSSession -Session $s\nInvoke-Command -Session $s -ScriptBlock { 1 }");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('is not equal to Open, you cannot run a command in the session.');
  });

  it('an unreachable server: New-PSSession fails with the transport error', async () => {
    const p = await pool(edition);
    await p.admin('unreachable', 'fe03.contoso.com');
    const result = await p.ps("$ErrorActionPreference = 'Stop'\n$s = New-PSSession -ComputerName 'fe03.contoso.com'");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Connecting to remote server fe03.contoso.com failed');
  });

  it('$env: outside a remote block is not modelled (the runner\'s environment is not the emulator\'s to show)', async () => {
    const p = await pool(edition);
    const result = await p.ps('$x = $env:LOCALAPPDATA');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('The Skype emulator does not accept the variable $env:LOCALAPPDATA outside a remote block');
  });

  it('Remove-Item of a directory: the tree goes; a missing path is a non-terminating error', async () => {
    const p = await pool(edition);
    const { pfx } = p.secretFiles(fixture('openssl3-default').file, null);
    await p.ok(
      [
        "$s = New-PSSession -ComputerName 'fe01.contoso.com'",
        "$d = Invoke-Command -Session $s -ScriptBlock { $dir = $env:LOCALAPPDATA + '\\x'; $created = New-Item -ItemType Directory -Path $dir; $dir }",
        `Copy-Item -LiteralPath '${pfx}' -Destination $d -ToSession $s`,
        'Invoke-Command -Session $s -ScriptBlock { Remove-Item -LiteralPath $using:d -Recurse -Force }',
      ].join('\n'),
    );
    expect(stateOf(p).serverFiles).toEqual({ 'fe01.contoso.com': {} });
    const missing = await p.ps("$s = New-PSSession -ComputerName 'fe01.contoso.com'\nInvoke-Command -Session $s -ScriptBlock { Remove-Item -LiteralPath 'C:\\gone' -Recurse -Force }\nWrite-Output 'went on'");
    expect(missing.stdout).toContain('went on');
    expect(missing.stderr).toContain("Cannot find path 'C:\\gone' because it does not exist.");
  });
});
