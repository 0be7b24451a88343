/**
 * The commands a session knows, apart from the interpreter: each is its parameter table (the
 * binder reads it) and a function run with the bound parameters. The interpreter finds commands
 * here by name and knows nothing of what they do; they reach the interpreter only through
 * {@link ShellServices}. The Management Shell (management-shell.ts) registers PowerShell's own
 * cmdlets and the SkypeForBusiness module's.
 */
import type { SyntaxNode } from 'tree-sitter';
import type { Bound, CmdletSpec, PsError } from './binder';
import type { Machine, Scope } from './scope';
import type { SecretExposure } from './secret-rules';
import type { Edition, PsHashtable, PsValue } from './values';

/** What a command may ask of the interpreter running it. */
export interface ShellServices {
  /** The run's clock (the emulated time). */
  readonly now: Date;
  /** The session's edition (a remote scope's is its machine's). */
  readonly edition: Edition;
  /** The session's machine. */
  readonly session: Machine;
  /** Where the run's secrets must not appear. */
  readonly exposure: SecretExposure;
  /** A line on the host's stdout (`What if: ...`). */
  writeLine(line: string): void;
  /** A warning, as $WarningPreference or -WarningAction (`action`) lets it through. */
  warn(scope: Scope, text: string, action?: string): void;
  /** The module-loading progress record, as $ProgressPreference lets it through. */
  progress(scope: Scope): void;
  /** A non-terminating error: recorded in `errors`, written, silenced or made terminating by -ErrorAction / the preference. */
  nonTerminating(error: PsError, bound: Bound, scope: Scope, errors: PsError[]): void;
  /** Runs a script block's statements in `scope`; their output goes to `emit`; errors propagate. */
  runBlock(body: SyntaxNode, scope: Scope, emit: (value: PsValue) => void): Promise<void>;
  /** Evaluates a hashtable literal in a new session scope (a data file's). */
  evaluateHashtable(node: SyntaxNode): Promise<PsHashtable>;
}

/** One invocation of a command. */
export interface CommandCall {
  readonly bound: Bound;
  /** The pipeline's input objects, or undefined when the command is first in its pipeline. */
  readonly input: PsValue[] | undefined;
  readonly scope: Scope;
  /** What -ErrorVariable will hold: the call's non-terminating errors (and its terminating one). */
  readonly errors: PsError[];
  readonly shell: ShellServices;
}

/** A command: its parameter table and what it does. */
export interface Command {
  readonly spec: CmdletSpec;
  readonly run: (call: CommandCall) => PsValue[] | Promise<PsValue[]>;
}

/** The commands of a session, by name (case-insensitive, as PowerShell resolves them). */
export class CommandRegistry {
  private readonly byName = new Map<string, Command>();

  constructor(commands: readonly Command[]) {
    for (const command of commands) {
      const key = command.spec.name.toLowerCase();
      if (this.byName.has(key)) throw new Error(`Two commands are registered as ${command.spec.name}.`);
      this.byName.set(key, command);
    }
  }

  find(name: string): Command | undefined {
    return this.byName.get(name.toLowerCase());
  }
}
