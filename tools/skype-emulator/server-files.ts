/**
 * The Front End Servers' disks, as far as scripts reach them through remoting: directories made
 * with New-Item, files copied with Copy-Item -ToSession, removed with Remove-Item, read by
 * Import-CsCertificate on that server. Each entry keeps who may read it, reduced to the principals
 * its ACL grants read (docs/skype-emulator.md, "Files on the servers"):
 * - a user's profile (`C:\Users\<user>\...`, e.g. `$env:LOCALAPPDATA`) grants the user, SYSTEM and
 *   Administrators only (Windows' default profile ACL; assumed, see the doc);
 * - any other path also grants BUILTIN\Users (the volume root's default ACL; assumed);
 * - a new file or directory takes its parent's readers (NTFS inheritance: a file copied into a
 *   folder inherits that folder's permissions, Microsoft's "How permissions are handled when you
 *   copy and move files and folders").
 */
import type { EmulatorState, ServerFile } from './state';

/** The principals a profile folder grants read. */
export const PROFILE_READERS = (user: string): string[] => [user, 'SYSTEM', 'Administrators'];
/** The principals a path outside any profile grants read. */
export const SHARED_READERS = ['SYSTEM', 'Administrators', 'Users'];

/** A Windows path's key: backslashes, no trailing separator, lower case (paths compare case-insensitively). */
export function pathKey(path: string): string {
  return path.replace(/\//g, '\\').replace(/\\+$/, '').toLowerCase();
}

function parentKey(key: string): string | undefined {
  const at = key.lastIndexOf('\\');
  return at > 0 ? key.slice(0, at) : undefined;
}

/** The files of one server (made on first use). */
export function filesOf(state: EmulatorState, server: string): Record<string, ServerFile> {
  state.serverFiles ??= {};
  return (state.serverFiles[server] ??= {});
}

/** One entry, or undefined. */
export function entryAt(state: EmulatorState, server: string, path: string): ServerFile | undefined {
  return state.serverFiles?.[server]?.[pathKey(path)];
}

/**
 * Who may read a new entry at `path`: its parent's readers when the parent is a directory the
 * emulator knows, else the default of where it is (a profile, or elsewhere).
 */
export function inheritedReaders(state: EmulatorState, server: string, path: string): readonly string[] {
  const parent = parentKey(pathKey(path));
  const known = parent !== undefined ? entryAt(state, server, parent) : undefined;
  if (known?.kind === 'directory') return known.readers;
  const profile = /^[a-z]:\\users\\([^\\]+)\\/i.exec(`${path.replace(/\//g, '\\')}\\`);
  return profile ? PROFILE_READERS(profile[1]!) : SHARED_READERS;
}

/** Whether the parent directory of `path` exists: a profile folder always does; others only when made. */
export function parentExists(state: EmulatorState, server: string, path: string): boolean {
  const parent = parentKey(pathKey(path));
  if (parent === undefined) return true;
  if (entryAt(state, server, parent)?.kind === 'directory') return true;
  // The profile's own folders (AppData\Local and above) exist for a user who has logged on.
  return /^[a-z]:(\\users\\[^\\]+(\\appdata(\\local)?)?)?$/i.test(parent) || /^[a-z]:\\windows\\temp$/i.test(parent);
}

/** Records an entry. */
export function putEntry(state: EmulatorState, server: string, entry: ServerFile): void {
  filesOf(state, server)[pathKey(entry.path)] = entry;
}

/** Removes an entry and, for a directory, everything under it; returns whether anything was there. */
export function removeTree(state: EmulatorState, server: string, path: string): boolean {
  const files = filesOf(state, server);
  const key = pathKey(path);
  const doomed = Object.keys(files).filter((k) => k === key || k.startsWith(`${key}\\`));
  for (const k of doomed) delete files[k];
  return doomed.length > 0;
}

/** Every file (not directory) left on any server, as `server: path`: what a test asserts is empty. */
export function filesLeft(state: EmulatorState): string[] {
  return Object.entries(state.serverFiles ?? {}).flatMap(([server, files]) => Object.values(files).filter((f) => f.kind === 'file').map((f) => `${server}: ${f.path}`));
}
