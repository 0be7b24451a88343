/**
 * `sfb-oauth-cert capture-script`: prints the read-only capture script
 * (provider/adapters/powershell/capture-script.ts) that gathers evidence from real servers, for an
 * administrator to run in a lab's Management Shell. Options are checked with the pool's own rules.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { captureScript } from '../adapters/powershell/capture-script';
import { checkPoolSpec, type PoolEdition } from '../domain/front-end-pool-spec';
import { parseIsoInstant } from '../domain/time';
import { parseArguments } from './arguments';

export const CAPTURE_USAGE = `Usage: sfb-oauth-cert capture-script --servers FQDN[,FQDN...] [--edition desktop|core]
         [--lab-thumbprint HEX --lab-time-zone WINDOWS-ZONE-ID [--lab-effective-at ISO8601]]

Prints a PowerShell script (save it as capture.ps1) that runs this provider's inspect scripts in
a lab's Skype for Business Server Management Shell and writes their exact output, with
$PSVersionTable, the culture and the time zone, to one JSON file. It is read-only. With
--lab-thumbprint (a throwaway certificate Skype already knows), the script gains an optional
step, run only with -ChangeLabDeployment, that CHANGES THE LAB DEPLOYMENT: it schedules a roll to
that certificate at --lab-effective-at (default: 90 days from now, 02:00 UTC) in a session that
must be in --lab-time-zone, then captures the pending state.
Exit status: 0 printed, 2 usage error.`;

const DAY_MS = 86_400_000;

const CAPTURE_OPTIONS = {
  servers: { type: 'string' },
  edition: { type: 'string' },
  'lab-thumbprint': { type: 'string' },
  'lab-time-zone': { type: 'string' },
  'lab-effective-at': { type: 'string' },
} as const;

/** The package's version: package.json two levels up from the sources, three from dist/. */
function version(): string {
  for (const up of [['..', '..'], ['..', '..', '..']]) {
    try {
      const json = JSON.parse(readFileSync(join(__dirname, ...up, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (json.name === 'sfb-oauth-cert' && json.version) return json.version;
    } catch {
      // Not there: the other layout.
    }
  }
  return 'unknown';
}

/** Runs `capture-script`; returns the exit code. The clock is a parameter (the default lab date). */
export function captureScriptCommand(argv: readonly string[], io: { out: NodeJS.WritableStream; err: NodeJS.WritableStream; clock: () => Date }): number {
  const usage = (message: string) => {
    io.err.write(`sfb-oauth-cert: ${message}\n\n${CAPTURE_USAGE}\n`);
    return 2;
  };
  const parsed = parseArguments(argv, CAPTURE_OPTIONS, { 'unknown-option': (option) => `Unknown option ${JSON.stringify(option)}.` });
  if (!parsed.ok) return usage(parsed.message);
  // Not shown: a stray argument may be a secret typed in the wrong place.
  const extra = parsed.positionals.length;
  if (extra > 0) return usage(`capture-script takes options only, and got ${extra === 1 ? 'an argument' : `${extra} arguments`} without an option name (not shown, in case it is a secret).`);
  const options = parsed.values;
  const servers = options.servers?.split(',').map((s) => s.trim()).filter((s) => s !== '') ?? [];
  const { spec, problems } = checkPoolSpec({ kind: 'powershell', servers, ...(options.edition !== undefined ? { edition: options.edition } : {}) });
  if (!spec) return usage(problems.join(' ').replace(/The pool's `servers`/g, '--servers').replace(/The pool's `edition`/g, '--edition'));
  const thumbprint = options['lab-thumbprint'];
  const zone = options['lab-time-zone'];
  let lab: { thumbprint: string; effectiveAt: string; sessionTimeZone: string } | undefined;
  if (thumbprint !== undefined || zone !== undefined || options['lab-effective-at'] !== undefined) {
    if (thumbprint === undefined || !/^[0-9A-Fa-f]{40}$/.test(thumbprint)) return usage('--lab-thumbprint must be the 40 hexadecimal digits of a throwaway certificate Skype already knows.');
    if (zone === undefined || !/^[A-Za-z0-9 .()+-]{1,64}$/.test(zone)) return usage('--lab-time-zone must be the Windows time zone id of the lab servers, as [System.TimeZoneInfo]::Local.Id shows it, e.g. "W. Europe Standard Time".');
    let at = new Date(Math.floor(io.clock().getTime() / DAY_MS) * DAY_MS + 90 * DAY_MS + 2 * 3_600_000);
    const given = options['lab-effective-at'];
    if (given !== undefined) {
      const parsed = parseIsoInstant(given);
      if (!parsed.ok) return usage(`--lab-effective-at ${parsed.reason}.`);
      at = parsed.date;
    }
    lab = { thumbprint: thumbprint.toUpperCase(), effectiveAt: at.toISOString(), sessionTimeZone: zone };
  }
  io.out.write(captureScript({ servers: spec.servers, edition: spec.edition as PoolEdition, version: version(), ...(lab ? { lab } : {}) }));
  return 0;
}
