// Where this repository is and where the machine-level cache of tools lives: the two roots the
// Pulumi CLI install and the Node install both compute their layouts from.
import * as os from 'node:os';
import * as path from 'node:path';

/** An environment as read: a variable is a string or absent. */
export type Env = Record<string, string | undefined>;

/** The repository root (this file is in <root>/scripts). */
export function projectRoot(): string {
  return path.resolve(__dirname, '..');
}

/** Machine-level cache shared by every clone on this machine (CI included). */
export function machineCacheDir(env: Env = process.env): string {
  if (env.SFB_CACHE_DIR) return path.resolve(env.SFB_CACHE_DIR);
  const xdg = env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), '.cache');
  return path.join(path.resolve(xdg), 'sfb-oauth-cert');
}
