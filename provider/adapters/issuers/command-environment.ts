/**
 * The environment an issuer's commands (a CA command, an ACME challenge hook) run with: a short
 * allow-list of the provider's variables, plus what the operator declared for them
 * (`secretEnvironment`). Never the provider's whole environment: it may hold the pipeline's AWS
 * keys, PULUMI_CONFIG_PASSPHRASE, the store's passphrase or a cloud token, none of which a CA
 * tool or a DNS hook needs, and a command is the operator's code, or a third party's.
 *
 * What is kept is what starting a program and finding its files needs, and nothing secret:
 *
 * - everywhere: `PATH` (the program and what it calls are found as from the provider), the home
 *   directory, the temporary directory, the user's name and the locale (how the command decodes
 *   and prints text);
 * - on Windows besides: `SystemRoot`/`windir` (without `SystemRoot` a process cannot initialise
 *   Winsock, so name resolution fails, and side-by-side assemblies do not load: Python's
 *   subprocess documentation says "on Windows, in order to run a side-by-side assembly the
 *   specified env must include a valid SystemRoot"), `ComSpec` (how Windows runs a `.cmd` or
 *   `.bat`: with neither it and `SystemRoot` a batch file fails to start, busybox-w32 issue
 *   426), `PATHEXT`, `SystemDrive`, the profile folders (`USERPROFILE`, `HOMEDRIVE`/`HOMEPATH`,
 *   `APPDATA`, `LOCALAPPDATA`, `ProgramData`, `ProgramFiles*`, `CommonProgramFiles*`: PowerShell
 *   and certreq read them), `PSModulePath` (PowerShell finds the same modules), and the
 *   machine's facts (`COMPUTERNAME`, `USERDOMAIN`, `USERNAME`, `OS`, `PROCESSOR_ARCHITECTURE`,
 *   `NUMBER_OF_PROCESSORS`).
 *
 * Windows compares variable names without case (`Path` is `PATH`), so there the list does too.
 * A proxy (`HTTPS_PROXY`, whose URL may carry a password) is not passed on: declare it.
 */

/** Passed on from the provider's environment on every platform. */
export const INHERITED_VARIABLES = ['PATH', 'HOME', 'TMPDIR', 'TEMP', 'TMP', 'USER', 'LOGNAME', 'LANG', 'LC_ALL', 'LC_CTYPE'] as const;

/** Passed on besides on Windows. */
export const INHERITED_WINDOWS_VARIABLES = [
  'PATHEXT',
  'SystemRoot',
  'windir',
  'SystemDrive',
  'ComSpec',
  'USERPROFILE',
  'HOMEDRIVE',
  'HOMEPATH',
  'APPDATA',
  'LOCALAPPDATA',
  'ProgramData',
  'ProgramFiles',
  'ProgramFiles(x86)',
  'ProgramW6432',
  'CommonProgramFiles',
  'CommonProgramFiles(x86)',
  'CommonProgramW6432',
  'PSModulePath',
  'COMPUTERNAME',
  'USERDOMAIN',
  'USERNAME',
  'OS',
  'PROCESSOR_ARCHITECTURE',
  'NUMBER_OF_PROCESSORS',
] as const;

/**
 * The allow-listed part of `from` plus `declared` (which wins: the operator may set `PATH` for
 * the command). Pure: the provider passes `process.env` and `process.platform`.
 */
export function commandEnvironment(
  declared: Readonly<Record<string, string>> = {},
  from: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): Record<string, string> {
  const windows = platform === 'win32';
  const names = new Set<string>([...INHERITED_VARIABLES, ...(windows ? INHERITED_WINDOWS_VARIABLES : [])].map((name) => (windows ? name.toUpperCase() : name)));
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(from)) {
    if (value !== undefined && names.has(windows ? name.toUpperCase() : name)) kept[name] = value;
  }
  if (windows) {
    // A declared `Path` replaces the inherited `PATH`, not sits beside it.
    const declaredNames = new Set(Object.keys(declared).map((name) => name.toUpperCase()));
    for (const name of Object.keys(kept)) if (declaredNames.has(name.toUpperCase())) delete kept[name];
  }
  return { ...kept, ...declared };
}
