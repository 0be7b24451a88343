/**
 * A {@link HostPlatform} for tests: any platform, programs answered by a table, sleeps recorded
 * and returned at once. Lets a Linux machine run the Windows branches and assert their argv.
 */
import type { CommandResult, HostPlatform } from '../../provider/adapters/files/host-platform';

export interface FakeHost extends HostPlatform {
  /** Every program run, in order: the program's path and its arguments. */
  readonly calls: Array<{ command: string; args: string[] }>;
  /** Every wait asked for, in milliseconds. */
  readonly sleeps: number[];
}

/** Answers a program: by its file name (e.g. `icacls.exe`) and arguments. */
export type Responder = (program: string, args: readonly string[]) => Partial<CommandResult> | Promise<Partial<CommandResult>>;

export const TEST_SID = 'S-1-5-21-1004336348-1177238915-682003330-1001';

/** whoami's one line for the test user, as `whoami /user /fo csv /nh` prints it. */
export const WHOAMI_LINE = `"agent01\\builder","${TEST_SID}"\r\n`;

/** Answers whoami with {@link WHOAMI_LINE} and every other program with success. */
export const windowsTools: Responder = (program) => (program === 'whoami.exe' ? { stdout: WHOAMI_LINE } : { stdout: 'Successfully processed 1 files; Failed processing 0 files\r\n' });

export function fakeHost(platform: NodeJS.Platform, respond: Responder = windowsTools): FakeHost {
  const calls: FakeHost['calls'] = [];
  const sleeps: number[] = [];
  return {
    platform,
    systemRoot: 'C:\\Windows',
    calls,
    sleeps,
    async run(command, args) {
      calls.push({ command, args: [...args] });
      const program = command.split('\\').pop() ?? command;
      const answer = await respond(program, args);
      return { exitCode: 0, stdout: '', stderr: '', ...answer };
    },
    async sleep(ms) {
      sleeps.push(ms);
    },
  };
}
