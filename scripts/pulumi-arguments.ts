// Reading the Pulumi CLI's own command line (scripts/pulumi passes it through to `pulumi`).
//
// Not node:util parseArgs: the arguments are `pulumi`'s, passed through unparsed, and only
// `pulumi` knows which of its many flags take a value. parseArgs needs every option declared (or,
// with `strict: false`, takes an undeclared `--cwd dir` as a boolean and `dir` as a positional),
// so it would misread the stack name; this reader only skips the values of the flags listed.

/** Flags of the CLI that take a value as the next argument (so it is not a positional). */
const FLAGS_WITH_VALUES = new Set(['--stack', '-s', '--cwd', '-C', '--secrets-provider', '--copy-config-from', '--color', '--config-file', '--tracing', '--profiling', '--logflow', '-v', '--verbose']);

/**
 * The stack a CLI command names on its command line: `--stack X`, `--stack=X`, `-s X`, `-sX`,
 * or the name in `stack init X` / `stack select X`. Undefined when it names none (the command
 * then runs on the selected stack, if any).
 */
export function stackNamedIn(args: readonly string[]): string | undefined {
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (arg === '--stack' || arg === '-s') return args[i + 1];
    if (arg.startsWith('--stack=')) return arg.slice('--stack='.length);
    if (/^-s[^-]/.test(arg)) return arg.slice(2).replace(/^=/, '');
    if (arg.startsWith('-')) {
      if (FLAGS_WITH_VALUES.has(arg)) i++;
      continue;
    }
    positional.push(arg);
  }
  if (positional[0] === 'stack' && (positional[1] === 'init' || positional[1] === 'select')) return positional[2];
  return undefined;
}

/**
 * The working-directory flags of a CLI command (`--cwd X`, `-C X`, `--cwd=X`), as `--cwd` flags to
 * pass on to another `pulumi` command that must look at the same project.
 */
export function cwdArgumentsIn(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--cwd' || args[i] === '-C') out.push('--cwd', args[i + 1] as string);
    else if (String(args[i]).startsWith('--cwd=')) out.push(args[i] as string);
  }
  return out;
}
