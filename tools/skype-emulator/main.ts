/**
 * `sfb-skype-emulator`: the Skype for Business Server Management Shell stand-in (issue #10,
 * docs/skype-emulator.md). Two entry points:
 * - `[-NoProfile] [-NonInteractive] [-Command -]`: reads one PowerShell script on stdin and runs
 *   it against the emulated deployment in $SFB_SKYPE_EMULATOR_DIR, as the adapter runs
 *   `pwsh -NoProfile -NonInteractive -Command -`;
 * - `admin ...`: the control CLI for tests and the demo.
 * Exit status: 0 ran, 1 PowerShell error, 2 usage error, 3 secret refused.
 */
import { admin } from './admin';
import { PsError } from './binder';
import { SecretLeakError, Shell } from './shell';
import { EmulatorUsageError, emulatedNow, logScript, readState, stateDirFrom, withStateLock, writeState } from './state';

/** Scripts larger than this are refused unread past it. */
export const MAX_SCRIPT_BYTES = 1024 * 1024;

export interface Io {
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const SHELL_USAGE = 'usage: sfb-skype-emulator [-NoProfile] [-NonInteractive] [-Command -]  (the script on stdin), or: sfb-skype-emulator admin ...';

function checkShellArguments(args: readonly string[]): void {
  for (let i = 0; i < args.length; i += 1) {
    const arg = (args[i] as string).toLowerCase();
    if (arg === '-noprofile' || arg === '-noninteractive') continue;
    if (arg === '-command' && args[i + 1] === '-' && i + 2 === args.length) return;
    // Never echo the argument: it might be a misplaced secret.
    throw new EmulatorUsageError(`argument ${i + 1} is not accepted: the script comes on stdin only (-Command -).\n${SHELL_USAGE}`);
  }
}

async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += buffer.length;
    if (size > MAX_SCRIPT_BYTES) throw new EmulatorUsageError(`the script on stdin is larger than ${MAX_SCRIPT_BYTES} bytes.`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8').replace(/^\uFEFF/, '');
}

async function runScript(args: readonly string[], dir: string, io: Io): Promise<number> {
  checkShellArguments(args);
  const script = await readStdin(io.stdin);
  return withStateLock(dir, async () => {
    const state = readState(dir);
    const now = emulatedNow(dir);
    const stdout: string[] = [];
    const shell = new Shell({
      state, now, scriptText: script, argv: process.argv,
      out: (line) => stdout.push(`${line}\n`),
      warn: (line) => io.stderr(`${line}\n`),
    });
    let code = 0;
    let error = '';
    try {
      await shell.run(script);
    } catch (caught) {
      if (caught instanceof PsError) {
        code = 1;
        error = `${caught.command}: ${caught.message}\n`;
      } else if (caught instanceof SecretLeakError) {
        code = 3;
        error = `sfb-skype-emulator: refused: ${caught.message}\n`;
      } else throw caught;
    } finally {
      // What ran before an error took effect, as in PowerShell: the state is written either way.
      writeState(dir, state);
      logScript(dir, { receivedAt: new Date().toISOString(), emulatedNow: now.toISOString(), pid: process.pid, argv: process.argv.slice(2), script, exitCode: code });
    }
    io.stdout(stdout.join(''));
    if (error) io.stderr(error);
    return code;
  });
}

export async function main(args: readonly string[], env: NodeJS.ProcessEnv, io: Io): Promise<number> {
  try {
    const dir = stateDirFrom(env, process.cwd());
    if (args[0] === 'admin') return await admin(args.slice(1), dir, io.stdout);
    return await runScript(args, dir, io);
  } catch (error) {
    if (error instanceof EmulatorUsageError) {
      io.stderr(`sfb-skype-emulator: ${error.message}\n`);
      return 2;
    }
    io.stderr(`sfb-skype-emulator: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 2;
  }
}
