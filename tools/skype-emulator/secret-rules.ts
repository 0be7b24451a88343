/**
 * The emulator's own refusals to handle a secret where it must never be: a PFX password or a
 * credential's password in the script text or argv (where `ps` and /proc show it), the PFX bytes
 * inlined in the script, or a file holding a secret readable by anyone but its owner. The
 * adapter passes secrets in 0600 files; a script that does otherwise is refused with exit status 3.
 */
import { readFileSync, statSync } from 'node:fs';
import { PsError } from './binder';

/** The emulator's own refusal: a secret where it must never be (exit status 3). */
export class SecretLeakError extends Error {
  override readonly name = 'SecretLeakError';
}

/** Where a run's secrets must not appear: the script text and the process's argv. */
export interface SecretExposure {
  readonly scriptText: string;
  readonly argv: readonly string[];
}

/** A secret (a credential's password, the text given to ConvertTo-SecureString) must not be in the script text or argv. */
export function checkSecretText(exposure: SecretExposure, secret: string, what: string): void {
  if (secret.length < 4) return;
  if (exposure.scriptText.includes(secret) || exposure.argv.join(' ').includes(secret)) {
    throw new SecretLeakError(`the script text or argv contains ${what}; pass it in a 0600 PowerShell data file read with Import-PowerShellDataFile (docs/skype-emulator.md).`);
  }
}

/** The PFX password and the PFX bytes (base64 or hex) never in the script or argv. */
export function checkPfxNotExposed(exposure: SecretExposure, password: string | null, bytes: Buffer): void {
  const haystacks = [exposure.scriptText, exposure.argv.join(' ')];
  const where = ['the script text', 'the emulator\'s argv'];
  const base64 = bytes.toString('base64').slice(0, 48);
  const hex = bytes.subarray(0, 24).toString('hex');
  haystacks.forEach((text, i) => {
    if (password !== null && password !== '') {
      const quoted = [`'${password.replace(/['‘’‚‛]/g, (q) => q + q)}'`, `"${password}"`];
      if ((password.length >= 4 && text.includes(password)) || quoted.some((q) => text.includes(q))) {
        throw new SecretLeakError(`${where[i]} contains the PFX password given to Import-CsCertificate/Set-CsCertificate; pass it in a 0600 PowerShell data file read with Import-PowerShellDataFile (docs/skype-emulator.md).`);
      }
    }
    if (bytes.length >= 24 && (text.includes(base64) || text.toLowerCase().includes(hex))) {
      throw new SecretLeakError(`${where[i]} contains the PFX bytes (base64 or hex); write the PFX to a 0600 file and pass its path (docs/skype-emulator.md).`);
    }
  });
}

/**
 * Reads a file that holds a secret (a PFX, a data file): it must exist and be readable by its
 * owner only, as the adapter writes it (a 0600 temp file: a wider mode lets other users of the
 * machine read the secret).
 */
export function readSecretFile(command: string, path: string): Buffer {
  let mode: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new PsError(command, `Cannot find path '${path}' because it does not exist.`);
    mode = stat.mode & 0o777;
  } catch (error) {
    if (error instanceof PsError) throw error;
    throw new PsError(command, `Cannot find path '${path}' because it does not exist.`);
  }
  if ((mode & 0o077) !== 0) {
    throw new SecretLeakError(`the file '${path}' given to ${command} has mode ${mode.toString(8).padStart(4, '0')}: a file holding a secret must be readable by its owner only (0600).`);
  }
  return readFileSync(path);
}
