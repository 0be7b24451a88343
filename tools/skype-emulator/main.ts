/**
 * `sfb-skype-emulator`: the Skype for Business Server Management Shell stand-in
 * (docs/skype-emulator.md). Entry points:
 * - `[-NoProfile] [-NonInteractive] [-ExecutionPolicy P] -File <path>`: runs the script file as
 *   one unit, as `powershell.exe -File` does (the adapter's way: docs/shell-contract.md);
 * - `[-NoProfile] [-NonInteractive] [-ExecutionPolicy P] -Command -`: reads the script on stdin
 *   and runs it statement by statement, as the console host does;
 * - `admin ...`: the control CLI for tests and the demo.
 * The edition (5.1 or 7) comes from the state (`admin init --edition`).
 * Exit status: the script's (0, 1, `exit N`), 2 usage error, 3 secret refused, 64 bad -File.
 */
import { readFileSync, statSync } from 'node:fs';
import { admin } from './admin';
import { ManagementShell } from './management-shell';
import { SecretLeakError } from './secret-rules';
import { EmulatorUsageError, emulatedNow, logScript, readState, stateDirFrom, withStateLock, writeState } from './state';

/** Scripts larger than this are refused unread past it. */
export const MAX_SCRIPT_BYTES = 1024 * 1024;

export interface Io {
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const SHELL_USAGE = 'usage: sfb-skype-emulator [-NoProfile] [-NonInteractive] [-ExecutionPolicy Bypass] (-File <path.ps1> | -Command -), or: sfb-skype-emulator admin ...';
const EXECUTION_POLICIES = ['bypass', 'unrestricted', 'remotesigned', 'allsigned', 'restricted', 'default', 'undefined'];

type Invocation = { readonly kind: 'stdin' } | { readonly kind: 'file'; readonly path: string };

/** A failure of the shell's own command line, as powershell.exe reports it (exit 64). */
class ShellArgumentError extends Error {}

function parseShellArguments(args: readonly string[]): Invocation {
  for (let i = 0; i < args.length; i += 1) {
    const arg = (args[i] as string).toLowerCase();
    if (arg === '-noprofile' || arg === '-noninteractive') continue;
    if (arg === '-executionpolicy' && EXECUTION_POLICIES.includes((args[i + 1] ?? '').toLowerCase())) {
      i += 1;
      continue;
    }
    if (arg === '-command' && args[i + 1] === '-' && i + 2 === args.length) return { kind: 'stdin' };
    // -File takes the rest of the line: the path, then the script's own arguments (none here).
    if (arg === '-file' && args[i + 1] !== undefined && i + 2 === args.length) return { kind: 'file', path: args[i + 1] as string };
    // Never echo the argument: it might be a misplaced secret.
    throw new EmulatorUsageError(`argument ${i + 1} is not accepted: the script comes from -File <path> or stdin (-Command -).\n${SHELL_USAGE}`);
  }
  throw new EmulatorUsageError(`no script given: pass -File <path> or -Command - (stdin).\n${SHELL_USAGE}`);
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

/**
 * The script file's text. 5.1 reads a file without a BOM in the ANSI code page (Windows-1252
 * here: about_Character_Encoding), so non-ASCII text is misread unless the file has a UTF-8 BOM;
 * PowerShell 7 reads BOM-less files as UTF-8.
 */
function readScriptFile(path: string, edition: 'desktop' | 'core'): string {
  let bytes: Buffer;
  try {
    if (!path.toLowerCase().endsWith('.ps1')) {
      throw new ShellArgumentError(`Processing -File '${path}' failed because the file does not have a '.ps1' extension. Specify a valid Windows PowerShell script file name, and then try again.`);
    }
    const stat = statSync(path);
    if (!stat.isFile()) throw new Error('not a file');
    if (stat.size > MAX_SCRIPT_BYTES) throw new EmulatorUsageError(`the script file is larger than ${MAX_SCRIPT_BYTES} bytes.`);
    bytes = readFileSync(path);
  } catch (error) {
    if (error instanceof ShellArgumentError || error instanceof EmulatorUsageError) throw error;
    throw new ShellArgumentError(`The argument '${path}' to the -File parameter does not exist. Provide the path to an existing '.ps1' file as an argument to the -File parameter.`);
  }
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.subarray(3).toString('utf8');
  return edition === 'desktop' ? new TextDecoder('windows-1252').decode(bytes) : bytes.toString('utf8');
}

async function runScript(args: readonly string[], dir: string, io: Io): Promise<number> {
  const invocation = parseShellArguments(args);
  const stdinScript = invocation.kind === 'stdin' ? await readStdin(io.stdin) : '';
  return withStateLock(dir, async () => {
    const state = readState(dir);
    const now = emulatedNow(dir);
    let script = stdinScript;
    if (invocation.kind === 'file') {
      try {
        script = readScriptFile(invocation.path, state.config.edition);
      } catch (error) {
        if (!(error instanceof ShellArgumentError)) throw error;
        io.stderr(`${error.message}\n`);
        return 64;
      }
    }
    const stdout: string[] = [];
    const stderr: string[] = [];
    const shell = new ManagementShell({
      state, now, scriptText: script, argv: process.argv,
      out: (line) => stdout.push(`${line}\n`),
      err: (line) => stderr.push(`${line}\n`),
      origin: invocation.kind === 'file' ? invocation.path : 'line',
    });
    let code = 0;
    try {
      code = invocation.kind === 'file' ? await shell.runFile(script) : await shell.runCommandStdin(script);
    } catch (caught) {
      if (!(caught instanceof SecretLeakError)) throw caught;
      code = 3;
      stderr.push(`sfb-skype-emulator: refused: ${caught.message}\n`);
    } finally {
      // What ran before an error took effect, as in PowerShell: the state is written either way.
      writeState(dir, state);
      logScript(dir, { receivedAt: new Date().toISOString(), emulatedNow: now.toISOString(), pid: process.pid, argv: process.argv.slice(2), script, exitCode: code });
    }
    io.stdout(stdout.join(''));
    if (stderr.length > 0) io.stderr(stderr.join(''));
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
