/**
 * When two local store directories are one directory, which matters on a Windows agent. The
 * shell resolves both paths with the platform's own rules (relative to the working directory,
 * separators normalised) and passes the platform, a fact it gathered; this rule decides. On Windows `c:\Sfb` and `C:\sfb` are one directory: NTFS and the Win32 API match
 * names case-insensitively by default (Microsoft Learn, "Case sensitivity": per-directory case
 * sensitivity exists but is off unless set with `fsutil file setCaseSensitiveInfo`), so a change
 * of case in the program must not replace the resource and move its secret to "another" store.
 */

/** Whether the resolved store directories `a` and `b` name one directory on a machine of `platform`. */
export function sameStoreDirectory(a: string, b: string, platform: string): boolean {
  if (platform !== 'win32') return a === b;
  return foldCase(a) === foldCase(b);
}

/**
 * Upper case, one character for one: NTFS compares names through its table of simple, one-to-one
 * uppercase mappings, so `ß` does not become `SS` as String.toUpperCase would make it.
 */
function foldCase(text: string): string {
  let folded = '';
  for (const character of text) {
    const upper = character.toUpperCase();
    folded += [...upper].length === 1 ? upper : character;
  }
  return folded;
}
