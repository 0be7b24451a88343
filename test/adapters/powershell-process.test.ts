/**
 * The PowerShell adapter's process and file handling (pipeline agents are often Windows machines):
 * a call ends with every process its shell started; it settles when the shell exits even if a
 * grandchild keeps the pipes; the Windows branch (taskkill /T /F) is exercised through the injected
 * platform seam; call directories are owner-only, removed with retries, and a run sweeps what a
 * cancelled one left, only ours.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { currentHost } from '../../provider/adapters/files/host-platform';
import { CALL_DIRECTORY_PREFIX, dataFile, sweepLeftovers, withCallDirectory } from '../../provider/adapters/powershell/call-directory';
import { processTreeFor, runShell, type ProcessTree } from '../../provider/adapters/powershell/shell';
import { fakeHost, TEST_SID, windowsTools } from '../support/fake-host';

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'sfb-process-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

/** Whether a process is gone (a zombie not yet reaped by init counts as gone: it runs no more). */
function gone(pid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2] === 'Z';
  } catch {
    return true;
  }
}

/** Waits (polling a file, not a clock) until `file` holds a pid. */
async function pidIn(file: string): Promise<number> {
  for (;;) {
    const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : '';
    if (/^\d+$/.test(text)) return Number(text);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('a shell call ends with every process it started', () => {
  // Hang guards, not speed targets: without the fix these calls wait 600 s for the pipes.
  it('a time limit kills the grandchild that holds the pipes too (a wrapper that does not exec)', async () => {
    const pidFile = path.join(temp, 'grandchild.pid');
    const call = runShell({ command: ['sh', '-c', `sleep 600 & echo $! > '${pidFile}'; wait`], timeoutMs: 300, doing: 'testing' });
    await expect(call).rejects.toMatchObject({ code: 'SHELL_TIMEOUT', message: expect.stringContaining('was stopped with every process it started') });
    expect(gone(await pidIn(pidFile))).toBe(true);
  }, 20_000);

  it('settles when the shell exits, even if a process outside its group keeps the pipes open', async () => {
    const pidFile = path.join(temp, 'escaped.pid');
    const script = `setsid sh -c 'echo $$ > "$0"; exec sleep 600' '${pidFile}' & while [ ! -s '${pidFile}' ]; do sleep 0.01; done; echo '#sfb-oauth-cert:done'`;
    try {
      await expect(runShell({ command: ['sh', '-c', script], timeoutMs: 60_000, doing: 'testing' })).resolves.toMatchObject({ code: 0, stdout: '#sfb-oauth-cert:done\n' });
    } finally {
      process.kill(await pidIn(pidFile), 'SIGKILL');
    }
  }, 20_000);

  it('the Windows branch: taskkill /T /F /PID, no process group (the seam injected)', () => {
    const host = fakeHost('win32');
    const tree = processTreeFor(host);
    tree.kill(4242);
    expect(tree.detached).toBe(false);
    // From System32, not whatever PATH finds.
    expect(host.calls).toEqual([{ command: 'C:\\Windows\\System32\\taskkill.exe', args: ['/T', '/F', '/PID', '4242'] }]);
    expect(processTreeFor(fakeHost('linux')).detached).toBe(true);
  });

  it('a time limit asks the platform to kill the tree of the shell it started', async () => {
    const killed: number[] = [];
    const posix = processTreeFor(currentHost());
    const tree: ProcessTree = { detached: true, kill: (pid) => (killed.push(pid), posix.kill(pid)) };
    await expect(runShell({ command: ['sleep', '600'], timeoutMs: 200, doing: 'testing', tree })).rejects.toMatchObject({ code: 'SHELL_TIMEOUT' });
    expect(killed.length).toBeGreaterThanOrEqual(1);
    expect(gone(killed[0]!)).toBe(true);
  }, 20_000);

  it('SHELL_FAILED: output beyond the limit stops the call', async () => {
    await expect(runShell({ command: ['yes'], timeoutMs: 10_000, doing: 'testing', maxOutputBytes: 1024 })).rejects.toMatchObject({ code: 'SHELL_FAILED', message: expect.stringContaining('more than 1024 bytes on stdout') });
  });

  it('SHELL_NOT_FOUND names where the provider must run', async () => {
    await expect(runShell({ command: ['/nonexistent/powershell.exe', '-File', 'x'], timeoutMs: 5000, doing: 'testing' })).rejects.toMatchObject({
      code: 'SHELL_NOT_FOUND',
      message: expect.stringContaining('`/nonexistent/powershell.exe` cannot be started (ENOENT) while testing; run the provider where Windows PowerShell 5.1 and the Skype for Business Server administrative tools are installed'),
    });
  });

  it('nothing on stdin: the script is a file', async () => {
    await expect(runShell({ command: ['cat'], timeoutMs: 5000, doing: 'testing' })).resolves.toEqual({ code: 0, stdout: '', stderr: '' });
  });
});

describe('the call directory', () => {
  it('owner-only, text files UTF-8 with a BOM (5.1 reads BOM-less scripts in the ANSI code page), bytes as given; removed afterwards, even on failure', async () => {
    let seen = '';
    await expect(
      withCallDirectory(async (directory) => {
        seen = directory.path;
        const script = await directory.write('call.ps1', "Write-Output 'Zürich'\n");
        const pfx = await directory.write('cert.pfx', Buffer.from([0x30, 0x82]));
        const secret = await directory.write('secret.psd1', dataFile({ Password: "it's" }));
        expect(path.basename(directory.path)).toMatch(new RegExp(`^${CALL_DIRECTORY_PREFIX}${process.pid}-[A-Za-z0-9]{6}$`));
        expect(fs.statSync(directory.path).mode & 0o777).toBe(0o700);
        for (const file of [script, pfx, secret]) expect(fs.statSync(file).mode & 0o777).toBe(0o600);
        expect(fs.readFileSync(script)).toEqual(Buffer.from("\uFEFFWrite-Output 'Zürich'\n", 'utf8'));
        expect(fs.readFileSync(pfx)).toEqual(Buffer.from([0x30, 0x82]));
        expect(fs.readFileSync(secret, 'utf8')).toBe("\uFEFF@{ Password = 'it''s' }\r\n");
        await expect(directory.write('cert.pfx', Buffer.alloc(1))).rejects.toMatchObject({ code: 'EEXIST' });
        throw new Error('the call failed');
      }, { base: temp }),
    ).rejects.toThrow('the call failed');
    expect(fs.existsSync(seen)).toBe(false);
  });

  it('a data file of several entries, every quote doubled', () => {
    expect(dataFile({ UserName: 'CONTOSO\\svc', Password: "a'b’c" })).toBe("@{ UserName = 'CONTOSO\\svc'; Password = 'a''b’’c' }\r\n");
  });

  it('on Windows (platform injected): made owner-only before anything is written, removed waiting out a file Defender holds', async () => {
    const before: string[][] = [];
    const host = fakeHost('win32', (program, args) => {
      if (program === 'icacls.exe') before.push(fs.readdirSync(args[0] ?? ''));
      return windowsTools(program, args);
    });
    let attempts = 0;
    const rm = async (target: string, options: { recursive: true; force: true }) => {
      attempts += 1;
      if (attempts === 1) throw Object.assign(new Error('EPERM: held'), { code: 'EPERM' });
      await fs.promises.rm(target, options);
    };
    let dir = '';
    await withCallDirectory(async (directory) => {
      dir = directory.path;
      await directory.write('secret.psd1', dataFile({ Password: 'x' }));
    }, { base: temp, host, rm });
    expect(before).toEqual([[]]);
    expect(host.calls.find((c) => c.command.endsWith('icacls.exe'))?.args).toEqual([dir, '/inheritance:r', '/grant:r', `*${TEST_SID}:(OI)(CI)F`]);
    expect(host.sleeps).toEqual([100]);
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('a run removes what a cancelled run left: only our prefix, our user, older than the run, of a process that is gone', async () => {
    const base = fs.mkdtempSync(path.join(temp, 'sweep-'));
    const dead = await new Promise<number>((resolve) => {
      const child = spawn('true');
      child.once('exit', () => resolve(child.pid!));
    });
    const startedAt = Date.now();
    const old = new Date(startedAt - 3_600_000);
    const make = (name: string, files: string[] = ['cert.pfx', 'secret.psd1'], when = old) => {
      const dir = path.join(base, name);
      fs.mkdirSync(dir);
      for (const f of files) fs.writeFileSync(path.join(dir, f), 'x');
      fs.utimesSync(dir, when, when);
      return name;
    };
    const leftover = make(`${CALL_DIRECTORY_PREFIX}${dead}-aB3dE9`);
    const legacy = make('sfb-oauth-cert-Xy12Zq');
    const running = make(`${CALL_DIRECTORY_PREFIX}${process.ppid}-aB3dE9`);
    const newer = make(`${CALL_DIRECTORY_PREFIX}${dead}-Zz9Zz9`, ['cert.pfx'], new Date(startedAt + 60_000));
    const legacyOther = make('sfb-oauth-cert-Qq12Qq', ['notes.txt']);
    const foreign = make('someone-else-aB3dE9');
    const removed = await sweepLeftovers({ base, startedAt, isAlive: (pid) => pid !== dead, uid: process.getuid!() });
    expect(removed.sort()).toEqual([leftover, legacy].sort());
    expect(fs.readdirSync(base).sort()).toEqual([running, newer, legacyOther, foreign].sort());
    // Another user's directory is never touched.
    expect(await sweepLeftovers({ base, startedAt: startedAt + 3_600_000, isAlive: () => false, uid: process.getuid!() + 1 })).toEqual([]);
  });

  it('a temporary directory with non-ASCII characters works', async () => {
    const base = fs.mkdtempSync(path.join(temp, 'Zürich-東京-'));
    await withCallDirectory(async (directory) => {
      const file = await directory.write('call.ps1', 'x');
      expect(file.startsWith(base)).toBe(true);
      expect(fs.existsSync(file)).toBe(true);
    }, { base });
  });
});
