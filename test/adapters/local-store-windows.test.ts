/**
 * The local store on a Windows agent, run on this machine with the platform injected: a rename
 * antivirus holds is waited out and then reported as a held file (not as a permissions problem),
 * and the "world-writable directory" check reads the directory's ACL instead of mode bits.
 */
import { promises as fs, writeFileSync } from 'node:fs';
import * as path from 'node:path';

import { broadWriteGrants } from '../../provider/adapters/files/directory-acl';
import { HELD_FILE_RETRY_DELAYS_MS } from '../../provider/adapters/files/held-files';
import { createLocalStore } from '../../provider/adapters/local-store';
import { replaceIfUnchanged } from '../../provider/adapters/local-store/atomic-file';
import { fakeHost, TEST_SID, windowsTools } from '../support/fake-host';
import { aPayload } from '../builders/store-payloads';
import { temporaryDirectories } from '../support/temporary-directories';

const ICACLS = 'C:\\Windows\\System32\\icacls.exe';
const NAME = 'sfb/oauth-token-issuer/contoso.com';
const PASSPHRASE = 'windows-test-passphrase-7d2e';
/** A directory only the deploying user, SYSTEM and Administrators may use (a profile folder). */
const PRIVATE_DACL = `D:PAI(A;OICI;FA;;;${TEST_SID})(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)`;
/** What a folder made under C:\ inherits from Windows' default ACL of the drive's root. */
const DRIVE_ROOT_CHILD_DACL = 'D:AI(A;ID;FA;;;BA)(A;OICIIOID;GA;;;BA)(A;ID;FA;;;SY)(A;OICIIOID;GA;;;SY)(A;OICIID;0x1200a9;;;BU)(A;ID;0x1301bf;;;AU)(A;OICIIOID;SDGXGWGR;;;AU)';

const aRoot = temporaryDirectories('sfb-store-windows-');

function errno(code: string, syscall: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: operation not permitted, ${syscall}`), { code, syscall });
}

/** A Windows host whose `icacls <dir> /save <file>` writes `dacl` as icacls does (UTF-16 LE). */
function windowsHostWithDacl(dacl: () => string) {
  return fakeHost('win32', (program, args) => {
    if (program === 'icacls.exe' && args[1] === '/save') {
      writeFileSync(args[2] ?? '', Buffer.from(`store\r\n${dacl()}\r\n`, 'utf16le'));
      return { stdout: 'Successfully processed 1 files; Failed processing 0 files\r\n' };
    }
    return windowsTools(program, args);
  });
}

describe('replaceIfUnchanged on Windows: a rename antivirus holds', () => {
  it('is waited out: the write is retried until the rename goes through', async () => {
    const file = path.join(await aRoot(), 'secret.json');
    await fs.writeFile(file, 'old');
    const host = fakeHost('win32');
    const failures = [errno('EPERM', 'rename'), errno('EBUSY', 'rename')];
    const write = async (target: string, data: Buffer) => {
      const failure = failures.shift();
      if (failure) throw failure;
      await fs.writeFile(target, data);
    };
    await replaceIfUnchanged(file, Buffer.from('old'), Buffer.from('new'), host, write);
    expect(await fs.readFile(file, 'utf8')).toBe('new');
    expect(host.sleeps).toEqual(HELD_FILE_RETRY_DELAYS_MS.slice(0, 2));
  });

  it('is reported as a file another process holds, not as a permissions problem, once the retries are spent', async () => {
    const directory = await aRoot();
    const file = path.join(directory, 'secret.json');
    await fs.writeFile(file, 'old');
    const host = fakeHost('win32');
    let attempts = 0;
    const write = async () => {
      attempts += 1;
      throw errno('EPERM', 'rename');
    };
    await expect(replaceIfUnchanged(file, Buffer.from('old'), Buffer.from('new'), host, write)).rejects.toMatchObject({
      code: 'FILE_IN_USE',
      retryable: true,
      message: `The local store could not replace ${file} (EPERM) for 9.8 s, although the new version was written beside it, so the directory is writable: another process holds the file open, usually an antivirus scanner, a backup or indexing service, or an editor (or the file is marked read-only). Nothing was changed. Exclude the store directory ${directory} from real-time scanning (or close the program that has the file open, or clear the read-only attribute with \`attrib -r\`), then retry.`,
    });
    expect(attempts).toBe(HELD_FILE_RETRY_DELAYS_MS.length + 1);
    expect(await fs.readFile(file, 'utf8')).toBe('old');
  });

  it.each([
    ['a refused open of the temporary file on Windows (a permissions problem)', 'win32', errno('EPERM', 'open')],
    ['a refused rename on Linux (permissions, which waiting does not change)', 'linux', errno('EPERM', 'rename')],
  ] as const)('is not waited out: %s stays STORE_ACCESS_DENIED', async (_row, platform, failure) => {
    const file = path.join(await aRoot(), 'secret.json');
    const host = fakeHost(platform);
    await expect(replaceIfUnchanged(file, undefined, Buffer.from('new'), host, async () => Promise.reject(failure))).rejects.toMatchObject({ code: 'STORE_ACCESS_DENIED' });
    expect(host.sleeps).toEqual([]);
  });
});

describe('the store directory on Windows: its ACL, not mode bits', () => {
  it('makes a directory it creates private to the deploying user, then checks it', async () => {
    const directory = path.join(await aRoot(), 'store');
    const host = windowsHostWithDacl(() => PRIVATE_DACL);
    const store = createLocalStore({ directory, passphrase: PASSPHRASE, host, scryptParams: { N: 1024, r: 8, p: 1 } });
    await store.putVersion({ name: NAME, versionId: 'version-a'.padEnd(36, '0'), payload: aPayload('a', { password: null }), stage: 'current' });
    const onStore = host.calls.filter((call) => call.args[0] === directory);
    expect(onStore[0]).toEqual({ command: ICACLS, args: [directory, '/inheritance:r', '/grant:r', `*${TEST_SID}:(OI)(CI)F`] });
    expect(onStore[1]).toMatchObject({ command: ICACLS, args: [directory, '/save', expect.stringMatching(/sfb-oauth-cert-acl-\w+[\\/]dacl\.txt$/)] });
    expect((await store.describe(NAME))?.versions).toHaveLength(1);
  });

  it('refuses, for every operation, a directory Authenticated Users may modify (a folder made under C:\\)', async () => {
    const directory = path.join(await aRoot(), 'store');
    let dacl = PRIVATE_DACL;
    const host = windowsHostWithDacl(() => dacl);
    const store = createLocalStore({ directory, passphrase: PASSPHRASE, host, scryptParams: { N: 1024, r: 8, p: 1 } });
    await store.putVersion({ name: NAME, versionId: 'version-a'.padEnd(36, '0'), payload: aPayload('a', { password: null }), stage: 'current' });
    dacl = DRIVE_ROOT_CHILD_DACL;
    const message = `The local store directory ${directory} lets NT AUTHORITY\\Authenticated Users write to it (ACL entries (A;ID;0x1301bf;;;AU) (A;OICIIOID;SDGXGWGR;;;AU)), so any user on this machine could replace or roll back its encrypted certificate files; the store refuses to use it. Run \`icacls "${directory}" /inheritance:r /grant:r *${TEST_SID}:(OI)(CI)F\` (it grants the deploying user alone, as chmod 700 does), or point the store at a directory under that user's profile.`;
    for (const operation of [() => store.describe(NAME), () => store.getVersion(NAME, 'version-a'.padEnd(36, '0')), () => store.scheduleDeletion(NAME, 7)]) {
      await expect(operation()).rejects.toMatchObject({ code: 'STORE_INSECURE', message });
    }
  });

  it('refuses a directory whose ACL it cannot read', async () => {
    const directory = await aRoot();
    const host = fakeHost('win32', (program, args) => (program === 'icacls.exe' && args[1] === '/save' ? { exitCode: 5, stderr: `${directory}: Access is denied.` } : windowsTools(program, args)));
    const store = createLocalStore({ directory, passphrase: PASSPHRASE, host });
    await expect(store.describe(NAME)).rejects.toMatchObject({
      code: 'STORE_INSECURE',
      message: expect.stringMatching(/^The local store could not read who may write its directory .*: `icacls .* \/save .*dacl\.txt` exited with status 5: ".*: Access is denied\."; the store refuses a directory it cannot check\. Run `icacls /),
    });
  });

  it('does not look at mode bits on Windows (they mean nothing there)', async () => {
    const directory = await aRoot();
    await fs.chmod(directory, 0o777);
    const store = createLocalStore({ directory, passphrase: PASSPHRASE, host: windowsHostWithDacl(() => PRIVATE_DACL) });
    await expect(store.describe(NAME)).resolves.toBeUndefined();
  });
});

describe('broadWriteGrants: which DACL entries let every user write', () => {
  it.each<[string, string, string[]]>([
    ['a private folder', PRIVATE_DACL, []],
    ['a folder made under C:\\', DRIVE_ROOT_CHILD_DACL, ['(A;ID;0x1301bf;;;AU)', '(A;OICIIOID;SDGXGWGR;;;AU)']],
    ["C:\\'s Users: create folders, and files in subfolders", 'D:(A;CI;LC;;;BU)(A;CIIO;DC;;;BU)', ['(A;CI;LC;;;BU)', '(A;CIIO;DC;;;BU)']],
    ['Everyone may read and execute only', 'D:(A;OICI;FR;;;WD)(A;OICI;FX;;;WD)', []],
    ['Users may write (FW)', 'D:(A;OICI;FW;;;BU)', ['(A;OICI;FW;;;BU)']],
    ['a deny entry', 'D:(D;OICI;FA;;;WD)', []],
    ['Everyone by its full SID', 'D:(A;;0x1f01ff;;;S-1-1-0)', ['(A;;0x1f01ff;;;S-1-1-0)']],
    ['Everyone may change the ACL (WRITE_DAC)', 'D:(A;;WD;;;WD)', ['(A;;WD;;;WD)']],
    ['rights this table does not know (counted as write)', 'D:(A;;KA;;;AU)', ['(A;;KA;;;AU)']],
    ['a grant to another single user', 'D:(A;OICI;FA;;;S-1-5-21-1-2-3-1002)', []],
  ])('%s', (_row, dacl, aces) => {
    const reading = broadWriteGrants(dacl);
    expect(reading.ok && reading.grants.map((grant) => grant.ace)).toEqual(aces);
  });

  it('reads a null DACL as Everyone, with full access', () => {
    expect(broadWriteGrants('D:NO_ACCESS_CONTROL')).toEqual({ ok: true, grants: [{ group: 'Everyone', ace: 'D:NO_ACCESS_CONTROL (no ACL at all)' }] });
  });

  it('does not read what is not an SDDL DACL', () => {
    expect(broadWriteGrants('store BUILTIN\\Users:(OI)(CI)(F)')).toEqual({ ok: false, why: 'it is not an SDDL DACL ("store BUILTIN\\Users:(OI)(CI)(F)")' });
  });
});
