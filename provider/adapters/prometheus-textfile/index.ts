/**
 * Writes the status report as a `*.prom` file for the textfile collector of node_exporter or
 * windows_exporter. The collector reads every `*.prom` file in its directory at each scrape, so
 * the file is written atomically (write-file-atomic: a temporary file beside it, fsynced, then
 * renamed over it): a scrape sees the previous file or the new one, never half of one, and the
 * temporary file's name (`<file>.<number>`) does not end in `.prom`, so it is never read.
 */
import * as path from 'node:path';
import writeFileAtomic from 'write-file-atomic';

import { SfbError } from '../../domain/errors';
import type { StatusReport } from '../../domain/status-report';
import { renderTextfile } from './render';

export { labelValue, METRIC_PREFIX, renderTextfile } from './render';

/** The file's mode: the exporter's service account must read it; it holds no secret. */
const TEXTFILE_MODE = 0o644;

/** Writes `report` to `file` (which must end in `.prom`) atomically. */
export async function writePrometheusTextfile(file: string, report: StatusReport): Promise<void> {
  const target = path.resolve(file);
  try {
    await writeFileAtomic(target, renderTextfile(report), { mode: TEXTFILE_MODE, fsync: true });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new SfbError(
      'INVALID_ARGUMENT',
      // The path is not quoted: it came from the command line, where a misplaced secret may stand.
      `The Prometheus textfile could not be written (${typeof code === 'string' ? code : 'an error'}); check that its directory exists and that this user may create files in it (the collector's directory, e.g. node_exporter's --collector.textfile.directory).`,
    );
  }
}
