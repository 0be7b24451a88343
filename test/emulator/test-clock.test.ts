/**
 * The emulator's clock follows the provider's test clock: in real-time mode its "now" is the real
 * clock plus SFB_OAUTH_CERT_TEST_CLOCK_SHIFT_SECONDS (the emulator inherits the provider's
 * environment); a clock set with `admin set-clock` stays where it was set.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_CLOCK_VARIABLE } from '../../provider/domain/test-clock';
import { emulatedNow, writeClock } from '../../tools/skype-emulator/state';

const TWO_DAYS_MS = 2 * 24 * 3600 * 1000;

describe("the emulator's clock and the test clock", () => {
  const saved = process.env[TEST_CLOCK_VARIABLE];
  afterEach(() => {
    if (saved === undefined) delete process.env[TEST_CLOCK_VARIABLE];
    else process.env[TEST_CLOCK_VARIABLE] = saved;
  });

  const aClock = (now: string | null) => {
    const dir = mkdtempSync(join(tmpdir(), 'sfb-emulator-clock-'));
    writeClock(dir, now);
    return dir;
  };

  it('in real-time mode, is the real clock shifted by the variable', () => {
    const dir = aClock(null);
    process.env[TEST_CLOCK_VARIABLE] = String(TWO_DAYS_MS / 1000);
    const before = Date.now();
    const now = emulatedNow(dir).getTime();
    expect(now).toBeGreaterThanOrEqual(before + TWO_DAYS_MS);
    expect(now).toBeLessThanOrEqual(Date.now() + TWO_DAYS_MS);
  });

  it('in real-time mode without the variable, is the real clock', () => {
    const dir = aClock(null);
    delete process.env[TEST_CLOCK_VARIABLE];
    const before = Date.now();
    const now = emulatedNow(dir).getTime();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });

  it('keeps a clock set by hand where it was set', () => {
    const dir = aClock('2027-01-01T00:00:00.000Z');
    process.env[TEST_CLOCK_VARIABLE] = '3600';
    expect(emulatedNow(dir)).toEqual(new Date('2027-01-01T00:00:00Z'));
  });

  it('refuses an invalid shift, naming the variable', () => {
    const dir = aClock(null);
    process.env[TEST_CLOCK_VARIABLE] = 'two days';
    expect(() => emulatedNow(dir)).toThrow(new RegExp(`The environment variable ${TEST_CLOCK_VARIABLE} is "two days", which is not a whole number of seconds`));
  });
});
