/**
 * The test clock: tests of expiry, promotion and removal move the provider's clock instead of
 * sleeping. `SFB_OAUTH_CERT_TEST_CLOCK_SHIFT_SECONDS` shifts the real clock by a signed number of
 * seconds (time keeps flowing, so wait loops and replication delays still work); a test moves
 * the clock by running the next preview, up or refresh with a larger shift.
 *
 * A clock that can be moved is a hazard in production: a clock set ahead removes a previous
 * certificate that is still valid, or promotes a scheduled one early. So the shift is honoured
 * only when every party is a local stand-in (the pool runs the Skype emulator, the store is the
 * local store or an AWS endpoint on this machine), and refused otherwise. Pure: the caller
 * reads the environment and the clock.
 */
import { AWS_STORE_KIND } from './aws-store-options';
import type { Finding } from './errors';

/** The environment variable that shifts the provider's clock (and the emulator's). */
export const TEST_CLOCK_VARIABLE = 'SFB_OAUTH_CERT_TEST_CLOCK_SHIFT_SECONDS';

/** How every plan line starts while the test clock is in force, so no reviewer mistakes it. */
export const TEST_CLOCK_PREFIX = 'test clock: ';

/** The base name of the emulator's command (bin/sfb-skype-emulator). */
export const EMULATOR_COMMAND = 'sfb-skype-emulator';

const SECONDS_PER_YEAR = 365.25 * 24 * 3600;
/** The largest shift: a hundred years either way (Date covers far more; no test needs more). */
export const MAX_SHIFT_SECONDS = Math.floor(100 * SECONDS_PER_YEAR);

const INTEGER = /^[+-]?\d+$/;

/** The shift read from the variable: absent (not set), a number of seconds, or the problem. */
export type ClockShift = { readonly ok: true; readonly seconds?: number } | { readonly ok: false; readonly problem: Finding<'INVALID_ARGUMENT'> };

/** Reads the variable's value; `undefined` or the empty string: not set. */
export function parseClockShift(raw: string | undefined): ClockShift {
  if (raw === undefined || raw === '') return { ok: true };
  const text = raw.trim();
  const seconds = INTEGER.test(text) ? Number(text) : Number.NaN;
  if (Number.isSafeInteger(seconds) && Math.abs(seconds) <= MAX_SHIFT_SECONDS) return { ok: true, seconds };
  const shown = JSON.stringify(raw.length > 40 ? `${raw.slice(0, 40)}...` : raw);
  return {
    ok: false,
    problem: {
      code: 'INVALID_ARGUMENT',
      message: `The environment variable ${TEST_CLOCK_VARIABLE} is ${shown}, which is not a whole number of seconds within ±${MAX_SHIFT_SECONDS} (100 years); set it to a signed integer such as 172800 (two days ahead), or unset it: it exists for tests against local stand-ins.`,
    },
  };
}

/** The parties a clock shift would reach: the store and, when the resource has one, the pool. */
export interface ClockParties {
  /** The `store` input or state value (unchecked: whatever the resource carries). */
  readonly store: unknown;
  /** The pool's command (the shell and its options); absent: the resource has no pool. */
  readonly poolCommand?: readonly string[];
}

/** `localhost`, 127.0.0.0/8 and ::1: an endpoint on this machine. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare === '::1' || bare === '0:0:0:0:0:0:0:1') return true;
  const octets = bare.split('.');
  return octets.length === 4 && octets[0] === '127' && octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255);
}

/** Whether an element of the pool's command is the emulator (its base name, any directory, `.cmd`/`.js` allowed). */
export function runsEmulator(command: readonly string[]): boolean {
  return command.some((part) => {
    const base = part.split(/[\\/]/).pop() ?? '';
    return base.replace(/\.(cmd|js|ts|exe)$/i, '') === EMULATOR_COMMAND;
  });
}

function storeIsLocal(store: unknown): boolean {
  if (typeof store !== 'object' || store === null) return false;
  const spec = store as { kind?: unknown; endpoint?: unknown };
  if (spec.kind === 'local') return true;
  if (spec.kind !== AWS_STORE_KIND || typeof spec.endpoint !== 'string') return false;
  try {
    return isLoopbackHost(new URL(spec.endpoint).hostname);
  } catch {
    return false;
  }
}

/** A refusal of the shift: the party that is not a stand-in (check reports on its property). */
export interface TestClockRefusal extends Finding<'INVALID_ARGUMENT'> {
  readonly party: 'pool' | 'store';
}

/**
 * Why the shift may not be honoured for these parties, or `undefined` when every party is a
 * local stand-in. The sentence names the variable, the party and the fix.
 */
export function testClockRefusal(parties: ClockParties): TestClockRefusal | undefined {
  const fix = `unset ${TEST_CLOCK_VARIABLE}: it exists for tests against local stand-ins (the Skype emulator, the local store, an AWS endpoint on this machine) and would move real certificates' dates`;
  if (parties.poolCommand !== undefined && !runsEmulator(parties.poolCommand)) {
    return {
      party: 'pool',
      code: 'INVALID_ARGUMENT',
      message: `The environment variable ${TEST_CLOCK_VARIABLE} is set, but the pool's command ${JSON.stringify(parties.poolCommand)} is not the Skype emulator (${EMULATOR_COMMAND}), so the shifted clock would reach real Front End Servers; ${fix}.`,
    };
  }
  if (!storeIsLocal(parties.store)) {
    return {
      party: 'store',
      code: 'INVALID_ARGUMENT',
      message: `The environment variable ${TEST_CLOCK_VARIABLE} is set, but the store is not a local stand-in (the local store, or AWS Secrets Manager with an \`endpoint\` on 127.0.0.1, ::1 or localhost), so the shifted clock would reach a real secret; ${fix}.`,
    };
  }
  return undefined;
}

/** The plan line as shown while the test clock is in force. */
export function testClockLine(line: string): string {
  return line.startsWith(TEST_CLOCK_PREFIX) ? line : `${TEST_CLOCK_PREFIX}${line}`;
}

/** The plan line without the test clock's prefix: what the line says. */
export function withoutTestClockPrefix(line: string): string {
  return line.startsWith(TEST_CLOCK_PREFIX) ? line.slice(TEST_CLOCK_PREFIX.length) : line;
}
