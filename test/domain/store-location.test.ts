/** Whether two resolved store directories are one (on Windows, a change of case is the same name). */
import { sameStoreDirectory } from '../../provider/domain/store-location';

describe('sameStoreDirectory', () => {
  it.each<[string, string, string, NodeJS.Platform, boolean]>([
    ['a drive letter and a folder in another case on Windows', 'c:\\Sfb', 'C:\\sfb', 'win32', true],
    ['non-ASCII letters in another case on Windows', 'C:\\Zertifikate\\ÄNDERUNG', 'C:\\zertifikate\\änderung', 'win32', true],
    ['two folders on Windows', 'C:\\sfb', 'C:\\sfb-old', 'win32', false],
    ['ß and SS on Windows (NTFS maps one character to one)', 'C:\\straße', 'C:\\STRASSE', 'win32', false],
    ['paths in another case on Linux', '/srv/Sfb', '/srv/sfb', 'linux', false],
    ['one path on Linux', '/srv/sfb', '/srv/sfb', 'linux', true],
  ])('%s: %s and %s on %s → %s', (_row, a, b, platform, same) => {
    expect(sameStoreDirectory(a, b, platform)).toBe(same);
  });
});
