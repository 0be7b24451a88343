/**
 * The command line of every `sfb-oauth-cert` command: `node:util`'s `parseArgs` reads it, and the
 * errors are worded here. parseArgs's own errors quote what was typed (`Unexpected argument
 * 'hunter2'`), and a password typed in the wrong place would then land in CI logs; so it runs
 * without its strict checks, and this module checks its tokens: no error names any argument
 * except an option's name (never a value, never a positional argument). The commands word
 * their own errors about positional arguments and about the values of the options they know.
 */
import { parseArgs } from 'node:util';

/** One option a command takes. */
export interface OptionSpec {
  /** `string`: takes a value (`--now X` or `--now=X`); `boolean`: a flag, which takes none. */
  readonly type: 'string' | 'boolean';
  /** A one-letter alias (`h` for `-h`). */
  readonly short?: string;
}

/** What is wrong with a command line, named by the option it is about (never its value). */
export interface ArgumentProblem {
  readonly kind: 'unknown-option' | 'missing-value' | 'unexpected-value';
  /** The option as typed, without any value (`--stack` for `--stack=prod`, `-p` for `-pSecret`), or {@link OPTION_NOT_SHOWN}. */
  readonly option: string;
}

/** The default sentences; a command may word a problem its own way (its wording may name only `option`). */
const DEFAULT_WORDING: Record<ArgumentProblem['kind'], (option: string) => string> = {
  'unknown-option': (option) => `Unknown option ${option}.`,
  'missing-value': (option) => `${option} needs a value.`,
  'unexpected-value': (option) => `${option} takes no value.`,
};

/**
 * What an option name must look like to be shown: one or two dashes, then a letter or digit, then
 * letters, digits, `-` and `_`; at most 64 characters. parseArgs takes `--=hunter2` as an option
 * named `=hunter2`, and anything else that starts with a dash as an option too: such a "name" may
 * be a value typed in the wrong place, so it is not shown.
 */
const SHOWN_OPTION_NAME = /^--?[A-Za-z0-9][A-Za-z0-9_-]{0,61}$/;
/** Stands for an option whose name is not shown. */
export const OPTION_NOT_SHOWN = '(not shown: not an option name)';

type Values<S extends Record<string, OptionSpec>> = { -readonly [K in keyof S]?: S[K]['type'] extends 'string' ? string : boolean };

/** The options given (the last of a repeated one wins) and the positional arguments, or the first problem, worded. */
export type ParsedArguments<S extends Record<string, OptionSpec>> =
  | { readonly ok: true; readonly values: Values<S>; readonly positionals: readonly string[] }
  | { readonly ok: false; readonly problem: ArgumentProblem; readonly message: string };

/**
 * Parses `args` against `options` (keys are the long names, without `--`). `-` is a positional
 * argument (stdin); everything after `--` is too. A value option followed by another long option
 * (`--now --json`) has no value: a forgotten value must not swallow the next option.
 */
export function parseArguments<S extends Record<string, OptionSpec>>(
  args: readonly string[],
  options: S,
  wording: Partial<Record<ArgumentProblem['kind'], (option: string) => string>> = {},
): ParsedArguments<S> {
  const { tokens } = parseArgs({ args: [...args], options: options as Record<string, OptionSpec>, strict: false, allowPositionals: true, tokens: true });
  const values: Record<string, string | boolean> = {};
  const positionals: string[] = [];
  const refuse = (kind: ArgumentProblem['kind'], rawName: string): ParsedArguments<S> => {
    const option = SHOWN_OPTION_NAME.test(rawName) ? rawName : OPTION_NOT_SHOWN;
    return { ok: false, problem: { kind, option }, message: (wording[kind] ?? DEFAULT_WORDING[kind])(option) };
  };
  for (const token of tokens) {
    if (token.kind === 'positional') {
      positionals.push(token.value);
      continue;
    }
    if (token.kind !== 'option') continue;
    const spec = Object.hasOwn(options, token.name) ? options[token.name] : undefined;
    if (!spec) return refuse('unknown-option', token.rawName);
    if (spec.type === 'boolean') {
      if (token.value !== undefined) return refuse('unexpected-value', token.rawName);
      values[token.name] = true;
      continue;
    }
    if (token.value === undefined || (!token.inlineValue && token.value.startsWith('--'))) return refuse('missing-value', token.rawName);
    values[token.name] = token.value;
  }
  return { ok: true, values: values as Values<S>, positionals };
}
