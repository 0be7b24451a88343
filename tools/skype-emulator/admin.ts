/**
 * The control CLI for tests and the demo (`sfb-skype-emulator admin ...`), separate from the
 * PowerShell entry point: it makes the emulated deployment and moves its clock and servers.
 * docs/skype-emulator.md lists the commands.
 */
import { parseIsoInstant } from '../../provider/domain/time';
import { CULTURES, formatServerDate, isCulture, type Culture } from './culture';
import { cmsSlots, latestCms, replicaStatus, serverSlots, settle } from './deployment';
import type { Edition } from './values';
import {
  createStateDir, EmulatorUsageError, emulatedNow, initialState, readClock, readState, validateConfig, withStateLock,
  writeClock, writeState, type EmulatorConfig, type EmulatorState, type Slot,
} from './state';

export const ADMIN_USAGE = `usage: sfb-skype-emulator admin <command>   (state directory: $SFB_SKYPE_EMULATOR_DIR)
  init --servers FQDN,FQDN,... [--local-server FQDN] [--culture ${CULTURES.join('|')}] [--time-zone IANA]
       [--edition desktop|core] [--session-culture C] [--session-time-zone IANA]
       [--replication-delay SECONDS] [--stale FQDN,...] [--unreachable FQDN,...] [--now ISO8601|real] [--force]
  configure [--local-server FQDN] [--culture C] [--time-zone IANA] [--edition desktop|core]
       [--session-culture C] [--session-time-zone IANA] [--replication-delay SECONDS]
       [--server-time-zone FQDN=IANA]   (one server's own zone; FQDN= to drop it)
  set-clock ISO8601|real        advance SECONDS
  stale FQDN...                 fresh FQDN...
  unreachable FQDN...           reachable FQDN...
  show [--json]`;

type Options = Map<string, string | true>;

function parseOptions(args: readonly string[], allowed: readonly string[], flags: readonly string[] = []): { options: Options; rest: string[] } {
  const options: Options = new Map();
  const rest: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    if (!arg.startsWith('--')) {
      rest.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (flags.includes(name)) {
      options.set(name, true);
      continue;
    }
    if (!allowed.includes(name)) throw new EmulatorUsageError(`unknown option --${name}\n${ADMIN_USAGE}`);
    const value = inline ?? args[i + 1];
    if (value === undefined) throw new EmulatorUsageError(`--${name} needs a value\n${ADMIN_USAGE}`);
    if (inline === undefined) i += 1;
    options.set(name, value);
  }
  return { options, rest };
}

const list = (value: string | true | undefined): string[] =>
  typeof value === 'string' ? value.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '') : [];

function seconds(value: string, option: string): number {
  if (!/^\d+$/.test(value)) throw new EmulatorUsageError(`${option} "${value}" is not a whole number of seconds >= 0.`);
  return Number(value);
}

function clockValue(value: string): string | null {
  if (value === 'real') return null;
  const parsed = parseIsoInstant(value);
  if (!parsed.ok) throw new EmulatorUsageError(`the clock value ${parsed.reason}; give an ISO 8601 instant with a zone (2026-12-01T00:00:00Z) or "real".`);
  return parsed.date.toISOString();
}

function summarise(slot: Slot | undefined): Record<string, unknown> {
  return {
    current: slot?.current?.thumbprint ?? null,
    previous: slot?.previous?.thumbprint ?? null,
    scheduled: slot?.scheduled ? { thumbprint: slot.scheduled.thumbprint, effectiveDate: slot.scheduled.effectiveDate } : null,
  };
}

/** The deployment as `admin show --json` prints it. */
export function describe(state: EmulatorState, now: Date, clock: string | null): Record<string, unknown> {
  const cms = cmsSlots(state, now);
  return {
    now: now.toISOString(),
    clock: clock === null ? 'real' : 'emulated',
    config: state.config,
    cms: {
      version: latestCms(state).version,
      createdAt: latestCms(state).createdAt,
      assignments: Object.fromEntries(Object.entries(cms).map(([type, slot]) => [type, summarise(slot)])),
    },
    servers: state.config.servers.map((server) => {
      const status = replicaStatus(state, server);
      return {
        fqdn: server,
        stale: state.config.stale.includes(server),
        unreachable: state.config.unreachable.includes(server),
        upToDate: status.upToDate,
        version: state.replicas[server]?.version ?? 0,
        lastUpdateCreation: status.lastUpdateCreation,
        // What the server uses: a local-scope assignment in place of its replica's global one.
        oauthTokenIssuer: summarise(serverSlots(state, server, now).OAuthTokenIssuer?.slot),
        oauthTokenIssuerScope: serverSlots(state, server, now).OAuthTokenIssuer?.scope ?? null,
        timeZone: state.config.serverTimeZones[server] ?? state.config.timeZone,
      };
    }),
    certificates: Object.values(state.certificates),
  };
}

function text(state: EmulatorState, now: Date, clock: string | null): string {
  const { culture, timeZone } = state.config;
  const short = (t: string | null | undefined): string => (t ? `${t.slice(0, 4)}..` : '-');
  const line = (slot: Slot | undefined): string =>
    `current ${short(slot?.current?.thumbprint)}  previous ${short(slot?.previous?.thumbprint)}  scheduled ${slot?.scheduled ? `${short(slot.scheduled.thumbprint)} at ${formatServerDate(new Date(slot.scheduled.effectiveDate), culture, timeZone)}` : '-'}`;
  const rows = [
    `clock ${now.toISOString()} (${clock === null ? 'real' : 'emulated'}); server time ${formatServerDate(now, culture, timeZone)} ${timeZone} (${culture}); replication delay ${state.config.replicationDelaySeconds} s`,
    `shell ${state.config.edition === 'desktop' ? 'Windows PowerShell 5.1 (desktop)' : 'PowerShell 7 (core)'}; session ${state.config.sessionTimeZone} (${state.config.sessionCulture})`,
    `CMS (version ${latestCms(state).version})  ${line(cmsSlots(state, now).OAuthTokenIssuer)}`,
    ...state.config.servers.map((server) => {
      const status = replicaStatus(state, server);
      const flags = `${status.upToDate ? 'up to date' : 'NOT up to date'}${state.config.stale.includes(server) ? ', stale' : ''}${state.config.unreachable.includes(server) ? ', UNREACHABLE' : ''}`;
      const used = serverSlots(state, server, now).OAuthTokenIssuer;
      return `${server}  ${line(used?.slot)}${used?.scope === 'Local' ? '  LOCAL assignment' : ''}  (${flags})`;
    }),
  ];
  return `${rows.join('\n')}\n`;
}

export async function admin(args: readonly string[], dir: string, out: (text: string) => void): Promise<number> {
  const [command, ...rest] = args;
  switch (command) {
    case 'init': {
      const { options, rest: extra } = parseOptions(rest, [
        'servers', 'local-server', 'culture', 'time-zone', 'edition', 'session-culture', 'session-time-zone', 'replication-delay', 'stale', 'unreachable', 'now',
      ], ['force']);
      if (extra.length > 0) throw new EmulatorUsageError(`unexpected argument(s) to init\n${ADMIN_USAGE}`);
      const servers = list(options.get('servers'));
      const culture = (options.get('culture') as string | undefined) ?? 'en-US';
      if (!isCulture(culture)) throw new EmulatorUsageError(`--culture "${culture}" is not supported; choose one of ${CULTURES.join(', ')}.`);
      const timeZone = (options.get('time-zone') as string | undefined) ?? 'UTC';
      const config: EmulatorConfig = {
        servers,
        localServer: list(options.get('local-server'))[0] ?? servers[0] ?? '',
        culture: culture as Culture,
        timeZone,
        edition: ((options.get('edition') as string | undefined) ?? 'desktop') as Edition,
        // By default the session is a Management Shell on a Front End: the servers' culture and zone.
        sessionCulture: ((options.get('session-culture') as string | undefined) ?? culture) as Culture,
        sessionTimeZone: (options.get('session-time-zone') as string | undefined) ?? timeZone,
        replicationDelaySeconds: seconds((options.get('replication-delay') as string | undefined) ?? '0', '--replication-delay'),
        stale: list(options.get('stale')),
        unreachable: list(options.get('unreachable')),
        serverTimeZones: {},
      };
      validateConfig(config);
      const clock = options.has('now') ? clockValue(options.get('now') as string) : null;
      createStateDir(dir, initialState(config, clock === null ? new Date() : new Date(clock)), clock, options.get('force') === true);
      out(`initialised an emulated pool of ${servers.length} server(s) in ${dir}\n`);
      return 0;
    }
    case 'set-clock':
    case 'advance': {
      const [value, ...extra] = rest;
      if (value === undefined || extra.length > 0) throw new EmulatorUsageError(ADMIN_USAGE);
      return withStateLock(dir, async () => {
        const next = command === 'set-clock' ? clockValue(value) : new Date(emulatedNow(dir).getTime() + seconds(value, 'advance') * 1000).toISOString();
        writeClock(dir, next);
        out(`clock ${next ?? 'real'}\n`);
        return 0;
      });
    }
    case 'stale':
    case 'fresh':
    case 'unreachable':
    case 'reachable':
    case 'configure':
      return withStateLock(dir, async () => {
        const state = readState(dir);
        const now = emulatedNow(dir);
        settle(state, now);
        if (command === 'configure') {
          const { options, rest: extra } = parseOptions(rest, ['local-server', 'culture', 'time-zone', 'edition', 'session-culture', 'session-time-zone', 'replication-delay', 'server-time-zone']);
          const serverZone = options.get('server-time-zone');
          const serverTimeZones = { ...state.config.serverTimeZones };
          if (typeof serverZone === 'string') {
            const [server, zone] = serverZone.split('=', 2) as [string, string | undefined];
            if (zone === undefined) throw new EmulatorUsageError(`--server-time-zone "${serverZone}" is not FQDN=IANA (fe02.contoso.com=America/New_York).`);
            if (zone === '') delete serverTimeZones[server.trim().toLowerCase()];
            else serverTimeZones[server.trim().toLowerCase()] = zone;
          }
          if (extra.length > 0) throw new EmulatorUsageError(ADMIN_USAGE);
          const culture = options.get('culture');
          const config: EmulatorConfig = {
            ...state.config,
            ...(options.has('local-server') ? { localServer: list(options.get('local-server'))[0] ?? '' } : {}),
            ...(typeof culture === 'string' ? { culture: culture as Culture } : {}),
            ...(options.has('time-zone') ? { timeZone: options.get('time-zone') as string } : {}),
            ...(options.has('edition') ? { edition: options.get('edition') as Edition } : {}),
            ...(options.has('session-culture') ? { sessionCulture: options.get('session-culture') as Culture } : {}),
            ...(options.has('session-time-zone') ? { sessionTimeZone: options.get('session-time-zone') as string } : {}),
            serverTimeZones,
            ...(options.has('replication-delay') ? { replicationDelaySeconds: seconds(options.get('replication-delay') as string, '--replication-delay') } : {}),
          };
          validateConfig(config);
          state.config = config;
        } else if (command === 'unreachable' || command === 'reachable') {
          const servers = rest.flatMap((r) => list(r));
          if (servers.length === 0) throw new EmulatorUsageError(ADMIN_USAGE);
          for (const server of servers) {
            if (!state.config.servers.includes(server)) throw new EmulatorUsageError(`"${server}" is not among the servers (${state.config.servers.join(', ')}).`);
          }
          state.config.unreachable = command === 'unreachable'
            ? [...new Set([...state.config.unreachable, ...servers])]
            : state.config.unreachable.filter((s) => !servers.includes(s));
        } else {
          const servers = rest.flatMap((r) => list(r));
          if (servers.length === 0) throw new EmulatorUsageError(ADMIN_USAGE);
          for (const server of servers) {
            if (!state.config.servers.includes(server)) throw new EmulatorUsageError(`"${server}" is not among the servers (${state.config.servers.join(', ')}).`);
            const wasStale = state.config.stale.includes(server);
            state.config.stale = command === 'stale' ? [...new Set([...state.config.stale, server])] : state.config.stale.filter((s) => s !== server);
            if (command === 'fresh' && wasStale) {
              // Back in service, it catches up as any replica does: a replication delay from now.
              (state.replicas[server] ??= { version: 0 }).resyncAt = new Date(now.getTime() + state.config.replicationDelaySeconds * 1000).toISOString();
            }
          }
        }
        settle(state, now);
        writeState(dir, state);
        out(text(state, now, readClock(dir)));
        return 0;
      });
    case 'show': {
      const { options, rest: extra } = parseOptions(rest, [], ['json']);
      if (extra.length > 0) throw new EmulatorUsageError(ADMIN_USAGE);
      return withStateLock(dir, async () => {
        const state = readState(dir);
        const now = emulatedNow(dir);
        settle(state, now);
        writeState(dir, state);
        const clock = readClock(dir);
        out(options.get('json') === true ? `${JSON.stringify(describe(state, now, clock), null, 1)}\n` : text(state, now, clock));
        return 0;
      });
    }
    default:
      throw new EmulatorUsageError(command === undefined ? ADMIN_USAGE : `unknown admin command "${command}"\n${ADMIN_USAGE}`);
  }
}
