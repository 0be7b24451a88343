/** The real host's `run`: exit codes, a missing program and a hang are results, never rejections. */
import { currentHost, systemProgram } from '../../../provider/adapters/files/host-platform';
import { fakeHost } from '../../support/fake-host';

describe('currentHost', () => {
  const host = currentHost();

  it('is one value per process, so what is asked of it once stays cached', () => {
    expect(currentHost()).toBe(host);
    expect(host.platform).toBe(process.platform);
  });

  it('reports the exit code and output of a program', async () => {
    await expect(host.run(process.execPath, ['-e', 'process.stdout.write("out"); process.stderr.write("err"); process.exit(3)'])).resolves.toEqual({ exitCode: 3, stdout: 'out', stderr: 'err' });
    await expect(host.run(process.execPath, ['-e', ''])).resolves.toEqual({ exitCode: 0, stdout: '', stderr: '' });
  });

  it('reports a missing program as a failure, without rejecting', async () => {
    await expect(host.run('/nonexistent/icacls.exe', [])).resolves.toMatchObject({ exitCode: null, failure: 'ENOENT' });
  });
});

describe('systemProgram', () => {
  it('is the full path under %SystemRoot%\\System32', () => {
    expect(systemProgram(fakeHost('win32'), 'icacls.exe')).toBe('C:\\Windows\\System32\\icacls.exe');
  });
});
