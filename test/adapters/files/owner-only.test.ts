/**
 * Owner-only directories and files, and removal that waits out a held file (pipeline agents are
 * often Windows machines). POSIX runs for real; the Windows branch runs on this machine with the
 * platform injected, and the exact icacls/whoami argv is asserted.
 */
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { HELD_FILE_PATIENCE_MS, HELD_FILE_RETRY_DELAYS_MS, retryWhileHeld } from '../../../provider/adapters/files/held-files';
import { createPrivateDirectory, currentUserSid, removePath, writePrivateFile } from '../../../provider/adapters/files/owner-only';
import { fakeHost, TEST_SID, windowsTools } from '../../support/fake-host';

const scratch = mkdtempSync(join(tmpdir(), 'sfb-owner-only-'));
const ICACLS = 'C:\\Windows\\System32\\icacls.exe';
const WHOAMI = 'C:\\Windows\\System32\\whoami.exe';

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated`), { code });
}

describe('createPrivateDirectory on POSIX', () => {
  it('makes a 0700 directory whose files are 0600, whatever the umask, and never reuses a file', async () => {
    const previous = process.umask(0);
    try {
      const dir = await createPrivateDirectory('posix-', fakeHost('linux'), scratch);
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      await writePrivateFile(join(dir, 'cert.pfx'), Buffer.from([0x30, 0x82]));
      expect(statSync(join(dir, 'cert.pfx')).mode & 0o777).toBe(0o600);
      await expect(writePrivateFile(join(dir, 'cert.pfx'), 'again')).rejects.toMatchObject({ code: 'EEXIST' });
    } finally {
      process.umask(previous);
    }
  });

  it('runs no program on POSIX', async () => {
    const host = fakeHost('linux');
    await createPrivateDirectory('posix-', host, scratch);
    expect(host.calls).toEqual([]);
  });
});

describe('createPrivateDirectory on Windows (platform injected)', () => {
  it('removes the inherited entries and grants the current user SID alone, inherited by files and folders', async () => {
    const host = fakeHost('win32');
    const dir = await createPrivateDirectory('win-', host, scratch);
    expect(host.calls).toEqual([
      { command: WHOAMI, args: ['/user', '/fo', 'csv', '/nh'] },
      { command: ICACLS, args: [dir, '/inheritance:r', '/grant:r', `*${TEST_SID}:(OI)(CI)F`] },
    ]);
  });

  it('asks whoami once per host, whatever the number of directories', async () => {
    const host = fakeHost('win32');
    await createPrivateDirectory('win-', host, scratch);
    await createPrivateDirectory('win-', host, scratch);
    expect(host.calls.map((call) => call.command)).toEqual([WHOAMI, ICACLS, ICACLS]);
  });

  it('uses the system programs of %SystemRoot%, not whatever PATH finds', async () => {
    const host = { ...fakeHost('win32'), systemRoot: 'D:\\WINDOWS' };
    const calls: string[] = [];
    await createPrivateDirectory('win-', { ...host, run: (command, args) => (calls.push(command), host.run(command, args)) }, scratch);
    expect(calls).toEqual(['D:\\WINDOWS\\System32\\whoami.exe', 'D:\\WINDOWS\\System32\\icacls.exe']);
  });

  it('leaves nothing behind and writes no secret when icacls fails', async () => {
    const parent = mkdtempSync(join(scratch, 'icacls-fails-'));
    const host = fakeHost('win32', (program) => (program === 'icacls.exe' ? { exitCode: 5, stderr: 'C:\\x: Access is denied.\r\n' } : windowsTools(program, [])));
    await expect(createPrivateDirectory('win-', host, parent)).rejects.toMatchObject({
      code: 'PRIVATE_FILES_FAILED',
      message: expect.stringMatching(/^Could not make .*win-\w+ readable by the current user only: `icacls .* \/inheritance:r \/grant:r \*S-1-5-21-.*:\(OI\)\(CI\)F` exited with status 5: "C:\\x: Access is denied\."\. Check that the user running the deployment owns the directory and may change its permissions\.$/),
    });
    expect(readdirSync(parent)).toEqual([]);
  });

  it.each([
    ['prints no SID', { stdout: '"agent01\\builder"\r\n' }, 'printed: ""agent01\\builder""'],
    ['is missing', { exitCode: null, failure: 'ENOENT' }, 'could not run (ENOENT)'],
    ['fails', { exitCode: 1, stderr: 'ERROR: Access denied.' }, 'exited with status 1: "ERROR: Access denied."'],
  ])('refuses when whoami %s, and asks again next time', async (_row, answer, said) => {
    let whoamiAnswer: object = answer;
    const host = fakeHost('win32', (program, args) => (program === 'whoami.exe' ? whoamiAnswer : windowsTools(program, args)));
    await expect(currentUserSid(host)).rejects.toMatchObject({
      code: 'PRIVATE_FILES_FAILED',
      message: `Could not find the current user's SID, needed to make a directory only that user can read: \`${WHOAMI} /user /fo csv /nh\` ${said}. Run the deployment as a regular Windows user account, with ${WHOAMI} present.`,
    });
    whoamiAnswer = windowsTools('whoami.exe', []);
    await expect(currentUserSid(host)).resolves.toBe(TEST_SID);
  });
});

describe('removePath', () => {
  it('removes a directory and its files; an absent path is fine', async () => {
    const dir = await createPrivateDirectory('rm-', fakeHost('linux'), scratch);
    writeFileSync(join(dir, 'a'), 'x');
    await removePath(dir, { what: 'the test directory', host: fakeHost('linux') });
    expect(existsSync(dir)).toBe(false);
    await removePath(dir, { what: 'the test directory', host: fakeHost('linux') });
  });

  it('waits out a file Defender holds on Windows (EPERM, then EBUSY), moving the clock, not sleeping', async () => {
    const host = fakeHost('win32');
    const failures = [errno('EPERM'), errno('EBUSY')];
    const removed: string[] = [];
    const rm = async (target: string) => {
      const failure = failures.shift();
      if (failure) throw failure;
      removed.push(target);
    };
    await removePath('C:\\Temp\\sfb-oauth-cert-x', { what: 'the test directory', host, rm });
    expect(removed).toEqual(['C:\\Temp\\sfb-oauth-cert-x']);
    expect(host.sleeps).toEqual(HELD_FILE_RETRY_DELAYS_MS.slice(0, 2));
  });

  it('says a process holds the file, not that permissions are wrong, once the retries are spent', async () => {
    const host = fakeHost('win32');
    let attempts = 0;
    const rm = async () => {
      attempts += 1;
      throw errno('EPERM');
    };
    await expect(removePath('C:\\Temp\\sfb-oauth-cert-x', { what: 'the private directory holding the PFX and its password', host, rm })).rejects.toMatchObject({
      code: 'FILE_IN_USE',
      retryable: true,
      message:
        'Could not delete the private directory holding the PFX and its password, C:\\Temp\\sfb-oauth-cert-x: another process still held a file in it open (EPERM) after 9.8 s of retries, usually an antivirus scanner, a backup or indexing service, or an editor. Delete C:\\Temp\\sfb-oauth-cert-x once that process lets go (on Windows, exclude C:\\Temp from real-time scanning if it repeats).',
    });
    expect(attempts).toBe(HELD_FILE_RETRY_DELAYS_MS.length + 1);
    expect(host.sleeps.reduce((a, b) => a + b, 0)).toBe(HELD_FILE_PATIENCE_MS);
  });

  it('does not wait on POSIX for EPERM, which there means permissions', async () => {
    const host = fakeHost('linux');
    const rm = async () => {
      throw errno('EPERM');
    };
    await expect(removePath('/tmp/x', { what: 'the test directory', host, rm })).rejects.toMatchObject({ code: 'PRIVATE_FILES_FAILED', message: 'Could not delete the test directory, /tmp/x (EPERM). Delete it by hand; check that the user running the deployment owns it.' });
    expect(host.sleeps).toEqual([]);
  });
});

describe('retryWhileHeld', () => {
  it.each([
    ['win32', 'EACCES', [100]],
    ['win32', 'ENOTEMPTY', [100]],
    ['win32', 'ENOENT', []],
    ['linux', 'EBUSY', [100]],
    ['linux', 'EACCES', []],
  ] as const)('on %s, %s: waits %j', async (platform, code, sleeps) => {
    const host = fakeHost(platform);
    let failed = false;
    const action = async () => {
      if (failed) return 'done';
      failed = true;
      throw errno(code);
    };
    const outcome = await retryWhileHeld(action, host).catch((error: NodeJS.ErrnoException) => error.code);
    expect(host.sleeps).toEqual(sleeps);
    expect(outcome).toBe(sleeps.length > 0 ? 'done' : code);
  });
});
