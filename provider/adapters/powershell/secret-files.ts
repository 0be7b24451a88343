/**
 * The PFX and its password on their way to `Import-CsCertificate` (docs/skype-emulator.md,
 * "Import and assign"): never on a command line, in the script or in a log. They are written to a
 * fresh directory (mode 0700) as `cert.pfx` (0600) and `secret.psd1` (0600), a PowerShell data
 * file the script reads with `Import-PowerShellDataFile` (which evaluates no code), and the
 * directory is removed when the call is over, whatever its outcome.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SecretPaths {
  readonly pfxPath: string;
  /** Absent when the PFX has no password: the script then passes no `-Password`. */
  readonly dataFilePath?: string;
}

// PowerShell reads ' and the typographic quotes ‘ ’ ‚ ‛ all as a single quote; doubling each
// keeps it inside a single-quoted string, where nothing else is special.
const SINGLE_QUOTES = /['\u2018\u2019\u201A\u201B]/g;

/** A PowerShell single-quoted string literal of `value`. */
export function singleQuoted(value: string): string {
  return `'${value.replace(SINGLE_QUOTES, (q) => q + q)}'`;
}

/** The data file's text: one hashtable, one key; UTF-8 with a BOM for Windows PowerShell 5.1. */
export function passwordDataFile(password: string): string {
  return `\uFEFF@{ Password = ${singleQuoted(password)} }\r\n`;
}

/** Writes the secret files, runs `use`, and removes them. */
export async function withSecretFiles<T>(pfx: Buffer, password: string | null, use: (paths: SecretPaths) => Promise<T>): Promise<T> {
  // mkdtemp creates the directory with mode 0700.
  const dir = await mkdtemp(join(tmpdir(), 'sfb-oauth-cert-'));
  try {
    const pfxPath = join(dir, 'cert.pfx');
    // `wx`: never follow or reuse a file someone placed there.
    await writeFile(pfxPath, pfx, { mode: 0o600, flag: 'wx' });
    let dataFilePath: string | undefined;
    if (password !== null) {
      dataFilePath = join(dir, 'secret.psd1');
      await writeFile(dataFilePath, passwordDataFile(password), { mode: 0o600, flag: 'wx', encoding: 'utf8' });
    }
    return await use({ pfxPath, ...(dataFilePath ? { dataFilePath } : {}) });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
