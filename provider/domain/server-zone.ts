/**
 * The Front End Servers' time zone. Which zone Skype applies to `-EffectiveDate` is
 * not documented (skype-cmdlets.md, open questions), so the answer is made not to matter: the
 * session that runs Import/Set-CsCertificate builds the DateTime in its own local time
 * (docs/shell-contract.md, "Dates"), and it must be in the zone every Front End Server is in.
 * Inspect reports each server's and the session's `[TimeZoneInfo]::Local.Id` (a Windows id);
 * nothing here guesses a zone that was not reported.
 *
 * Windows ids map to IANA names through CLDR's windowsZones table (the `windows-iana` package, pure
 * data): the IANA name is what Intl computes local times and daylight saving changes with.
 *
 * Pure: the reports are parameters.
 */
import { findIana, findWindows } from 'windows-iana';
import type { Finding } from './errors';

/** A time zone named both ways. */
export interface ServerZone {
  /** The Windows id, as `[TimeZoneInfo]::Local.Id` reports it: `W. Europe Standard Time`. */
  readonly windows: string;
  /** The IANA name whose rules compute its local times: `Europe/Berlin`. */
  readonly iana: string;
}

/** The zone an IANA name stands for on Windows (CLDR's first Windows id for it), or undefined when Windows has none. */
export function zoneOfIana(iana: string): ServerZone | undefined {
  const windows = findWindows(iana)[0];
  return windows === undefined ? undefined : { windows, iana };
}

/** The zone a Windows id names (CLDR's primary IANA name for it), or undefined when CLDR does not know the id. */
export function zoneOfWindows(windows: string): ServerZone | undefined {
  const iana = findIana(windows)[0];
  return iana === undefined ? undefined : { windows, iana };
}

/** How messages and the plan line name a zone: `W. Europe Standard Time (Europe/Berlin)`, or `UTC`. */
export function describeZone(zone: ServerZone): string {
  return zone.windows === zone.iana ? zone.windows : `${zone.windows} (${zone.iana})`;
}

/** Windows compares time zone ids without regard to case (`FindSystemTimeZoneById`, PowerShell's `-ne`). */
function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** What one server said about its zone at a look. */
export interface ZoneReport {
  readonly server: string;
  /** `[TimeZoneInfo]::Local.Id`; absent where the shell did not report it. */
  readonly timeZone?: string;
  /** Present when the server could not be read at this look. */
  readonly unreachable?: unknown;
}

function serverList(servers: readonly string[]): string {
  return servers.join(', ');
}

const FIX_SESSION = 'run the provider on a Front End Server, or on an agent whose time zone is the servers\' one';

/**
 * The zone a scheduled roll is given in: the one every Front End Server reports, which the
 * session's must equal. Otherwise TIME_ZONE_MISMATCH, naming the zones, the servers and the fix.
 * Unreachable servers are left out (their failure is reported by the wait that follows).
 */
export function agreedServerZone(servers: readonly ZoneReport[], session: { readonly timeZone: string } | undefined): { readonly zone: ServerZone } | { readonly issue: Finding<'TIME_ZONE_MISMATCH'> } {
  const issue = (message: string) => ({ issue: { code: 'TIME_ZONE_MISMATCH' as const, message } });
  const reachable = servers.filter((s) => s.unreachable === undefined);
  if (reachable.length === 0) {
    return issue(`No Front End Server reported its time zone (${servers.length === 0 ? 'the pool has none' : `${serverList(servers.map((s) => s.server))} could not be read`}), so the instant of a scheduled roll cannot be given in the servers' local time; make the servers reachable from the session that runs the provider, or leave \`effectiveDate\` out to make the certificate current now.`);
  }
  const silent = reachable.filter((s) => s.timeZone === undefined || s.timeZone === '');
  if (silent.length > 0) {
    return issue(`${serverList(silent.map((s) => s.server))} did not report ${silent.length === 1 ? 'its' : 'their'} time zone ([TimeZoneInfo]::Local.Id), so the instant of a scheduled roll cannot be checked against the servers' local time; use the Management Shell inspect of this version of sfb-oauth-cert (docs/shell-contract.md), or leave \`effectiveDate\` out to make the certificate current now.`);
  }
  const byZone = new Map<string, { id: string; servers: string[] }>();
  for (const s of reachable) {
    const key = s.timeZone!.toLowerCase();
    const group = byZone.get(key) ?? { id: s.timeZone!, servers: [] };
    group.servers.push(s.server);
    byZone.set(key, group);
  }
  if (byZone.size > 1) {
    const groups = [...byZone.values()].map((g) => `${serverList(g.servers)} in "${g.id}"`).join('; ');
    return issue(`The Front End Servers are not in one time zone (${groups}), so one -EffectiveDate would be a different instant on each; set the same time zone on every Front End Server (tzutil /s "<zone id>"), or leave \`effectiveDate\` out to make the certificate current now.`);
  }
  const serversZone = [...byZone.values()][0]!;
  const everyServer = serversZone.servers.length === 1 ? serversZone.servers[0]! : `the Front End Servers (${serverList(serversZone.servers)})`;
  if (session === undefined || session.timeZone === '') {
    return issue(`The session that runs Import/Set-CsCertificate did not report its time zone, so it cannot be checked against the servers' "${serversZone.id}"; use the Management Shell inspect of this version of sfb-oauth-cert (docs/shell-contract.md), or ${FIX_SESSION}.`);
  }
  if (!sameId(session.timeZone, serversZone.id)) {
    return issue(`The session that runs Import/Set-CsCertificate is in time zone "${session.timeZone}", but ${everyServer} ${serversZone.servers.length === 1 ? 'is' : 'are'} in "${serversZone.id}": the effective date is given as the session's local time, and Skype's reading of it is documented for neither zone, so the roll could land at another instant. ${FIX_SESSION[0]!.toUpperCase()}${FIX_SESSION.slice(1)} ("${serversZone.id}", tzutil /s "${serversZone.id}"), or leave \`effectiveDate\` out to make the certificate current now.`);
  }
  const zone = zoneOfWindows(serversZone.id);
  if (!zone) {
    return issue(`The Front End Servers' time zone "${serversZone.id}" is not in CLDR's Windows time zone table that this version of sfb-oauth-cert knows, so the servers' local time and daylight saving changes cannot be computed for the effective date; put the servers in a standard Windows time zone, or leave \`effectiveDate\` out to make the certificate current now.`);
  }
  return { zone };
}

/** The zone preview assumes, and the warning when the declared one is not the one the servers reported. */
export interface PreviewZone {
  readonly zone: ServerZone;
  readonly warning?: Finding<'SERVER_TIME_ZONE_DIFFERS'>;
}

/**
 * The zone preview plans in: the zone the servers reported at the last look (`reported`, a
 * Windows id recorded in state) when there is one, else the declared `serverTimeZone` (IANA,
 * already checked to have a Windows counterpart). A declared zone that differs from the reported
 * one is reported, and the reported one is used: it is what `up` will use.
 */
export function previewServerZone(declared: string, reported: string | undefined): PreviewZone | undefined {
  const assumed = zoneOfIana(declared);
  const seen = reported === undefined ? undefined : zoneOfWindows(reported);
  if (!seen) return assumed ? { zone: assumed } : undefined;
  if (assumed && sameId(assumed.windows, seen.windows)) return { zone: assumed };
  return {
    zone: seen,
    warning: {
      code: 'SERVER_TIME_ZONE_DIFFERS',
      message: `The pool's \`serverTimeZone\` "${declared}" (${assumed ? assumed.windows : 'no Windows time zone'}) is not the time zone the Front End Servers reported at the last look, "${seen.windows}"; preview and up use the servers' ${describeZone(seen)}. Set \`serverTimeZone\` to "${seen.iana}" so the declaration says what the servers use.`,
    },
  };
}
