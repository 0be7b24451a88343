/**
 * Temporary directories for one test file: each made on demand (private to this user, in the
 * system's temp directory), all removed after the file's last test. Call it at the top level of
 * the file: it registers that `afterAll`.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export function temporaryDirectories(prefix: string): () => Promise<string> {
  const made: string[] = [];
  afterAll(async () => {
    await Promise.all(made.map((directory) => fs.rm(directory, { recursive: true, force: true })));
  });
  return async () => {
    const directory = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
    made.push(directory);
    return directory;
  };
}
