/**
 * Strict reading of what the shell prints (docs/skype-emulator.md, "What comes back"): each
 * document on its own line, each object with the properties this provider relies on, of the
 * documented types. Anything else is SHELL_FAILED naming the call and what was wrong, so a
 * profile printing a banner or a cmdlet of another shape is never half-read.
 */
import { SfbError } from '../../domain/errors';
import { parseIsoInstant } from '../../domain/time';
import type { FrontEndCertificates, ReplicaState } from '../../ports/front-end-pool';

const THUMBPRINT = /^[0-9A-Fa-f]{40}$/;

/** The JSON documents of stdout, one per non-empty line; exactly `count` of them. */
export function jsonLines(stdout: string, count: number, doing: string): unknown[] {
  const lines = stdout.split(/\r?\n/).filter((line) => line.trim() !== '');
  const bad = (why: string) =>
    new SfbError('SHELL_FAILED', `The shell's answer while ${doing} is not what the provider asked for: ${why}. Run the pool's command with -NoProfile (a profile may print text), and check that the Skype for Business Server Management Shell module is loaded.`);
  if (lines.length !== count) throw bad(`${lines.length} line(s) of output where ${count} JSON document(s) were expected`);
  return lines.map((line, index) => {
    try {
      return JSON.parse(line) as unknown;
    } catch {
      // The line is not quoted: it came from a shell of unknown shape.
      throw bad(`line ${index + 1} is not JSON`);
    }
  });
}

function fail(doing: string, why: string): SfbError {
  return new SfbError('SHELL_FAILED', `The shell's answer while ${doing} does not have the documented shape: ${why}. Check that the command runs the Skype for Business Server Management Shell (Get-CsCertificate returns CertificateReference objects).`);
}

function arrayOf(value: unknown, doing: string, what: string): Record<string, unknown>[] {
  if (!Array.isArray(value)) throw fail(doing, `${what} is not a JSON array (is -AsArray missing?)`);
  return value.map((item, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw fail(doing, `${what} item ${i + 1} is not an object`);
    return item as Record<string, unknown>;
  });
}

function thumbprintOf(value: unknown, doing: string, what: string): string {
  if (typeof value !== 'string' || !THUMBPRINT.test(value)) throw fail(doing, `${what} is not a thumbprint of 40 hex digits`);
  return value.toUpperCase();
}

function optionalThumbprint(value: unknown, doing: string, what: string): string | undefined {
  return value === null || value === undefined || value === '' ? undefined : thumbprintOf(value, doing, what);
}

function instantOf(value: unknown, doing: string, what: string): string {
  const parsed = parseIsoInstant(value);
  if (!parsed.ok) throw fail(doing, `${what} ${parsed.reason}`);
  return parsed.date.toISOString();
}

/**
 * One server's CertificateReference objects, in their documented order: the current one (its
 * `PreviousThumbprint` is the previous certificate), then a scheduled roll not yet effective.
 */
export function certificatesOf(server: string, objects: readonly Record<string, unknown>[], doing: string): FrontEndCertificates {
  if (objects.length > 2) throw fail(doing, `${server} lists ${objects.length} OAuthTokenIssuer certificates where at most two (current and scheduled) exist`);
  const [current, scheduled] = objects;
  if (!current) return { server };
  const where = (i: number, key: string) => `${server}'s certificate ${i} ${key}`;
  const currentThumbprint = thumbprintOf(current.Thumbprint, doing, where(1, 'Thumbprint'));
  const previous = optionalThumbprint(current.PreviousThumbprint, doing, where(1, 'PreviousThumbprint'));
  const result: FrontEndCertificates = {
    server,
    current: currentThumbprint,
    currentNotAfter: instantOf(current.NotAfter, doing, where(1, 'NotAfter')),
    ...(previous ? { previous } : {}),
    // SourceScope (docs/skype-emulator.md): "Local" is an assignment made on that server alone.
    ...(typeof current.SourceScope === 'string' && current.SourceScope.toLowerCase() === 'local' ? { scope: 'local' as const } : {}),
  };
  if (!scheduled) return result;
  return {
    ...result,
    scheduled: { thumbprint: thumbprintOf(scheduled.Thumbprint, doing, where(2, 'Thumbprint')), effectiveDate: instantOf(scheduled.EffectiveDate, doing, where(2, 'EffectiveDate')) },
  };
}

/** The remoting output of one `Invoke-Command`, grouped by `PSComputerName`, for `servers`. */
export function serversOf(document: unknown, servers: readonly string[], doing: string): FrontEndCertificates[] {
  const objects = arrayOf(document, doing, 'the remoting output');
  const byServer = new Map<string, Record<string, unknown>[]>(servers.map((s) => [s.toLowerCase(), []]));
  for (const [i, object] of objects.entries()) {
    const name = object.PSComputerName;
    const list = typeof name === 'string' ? byServer.get(name.toLowerCase()) : undefined;
    if (!list) throw fail(doing, `object ${i + 1} comes from ${typeof name === 'string' ? `"${name.slice(0, 80)}"` : 'no PSComputerName'}, not a server that was asked`);
    list.push(object);
  }
  return servers.map((server) => certificatesOf(server, byServer.get(server.toLowerCase()) ?? [], doing));
}

/** The CMS's own (`-Identity Global`) certificates. */
export function globalOf(document: unknown, doing: string): FrontEndCertificates {
  return certificatesOf('global', arrayOf(document, doing, 'the global certificate list'), doing);
}

/** `Get-CsManagementStoreReplicationStatus` objects. */
export function replicasOf(document: unknown, doing: string): ReplicaState[] {
  return arrayOf(document, doing, 'the replication status').map((object, i) => {
    if (typeof object.ReplicaFqdn !== 'string' || object.ReplicaFqdn === '') throw fail(doing, `replica ${i + 1} has no ReplicaFqdn`);
    if (typeof object.UpToDate !== 'boolean') throw fail(doing, `replica ${object.ReplicaFqdn} has no boolean UpToDate`);
    return { server: object.ReplicaFqdn.toLowerCase(), upToDate: object.UpToDate };
  });
}
