/**
 * The test clock's rules: which shifts are values, and when a shift may be honoured (every party
 * a local stand-in) or must be refused (a real party would see a moved clock).
 */
import { MAX_SHIFT_SECONDS, parseClockShift, testClockLine, testClockRefusal, TEST_CLOCK_PREFIX, TEST_CLOCK_VARIABLE, withoutTestClockPrefix, type ClockParties } from '../../provider/domain/test-clock';

const EMULATOR = ['/usr/bin/node', '/work/bin/sfb-skype-emulator', '-NoProfile'];
const LOCAL = { kind: 'local', directory: '.sfb-store' };
const aws = (endpoint?: string) => ({ kind: 'aws-secrets-manager', region: 'eu-west-1', ...(endpoint ? { endpoint } : {}) });

describe('the shift value', () => {
  it.each<[string, string | undefined, number | undefined]>([
    ['not set', undefined, undefined],
    ['set empty', '', undefined],
    ['two days ahead', '172800', 172800],
    ['an hour behind', '-3600', -3600],
    ['with a plus sign', '+60', 60],
    ['zero', '0', 0],
    ['a hundred years', String(MAX_SHIFT_SECONDS), MAX_SHIFT_SECONDS],
  ])('takes %s', (_row, raw, seconds) => {
    expect(parseClockShift(raw)).toEqual(seconds === undefined ? { ok: true } : { ok: true, seconds });
  });

  it.each([
    ['a fraction', '1.5'],
    ['a unit', '2d'],
    ['a word', 'tomorrow'],
    ['a date', '2027-01-01T00:00:00Z'],
    ['beyond a hundred years', String(MAX_SHIFT_SECONDS + 1)],
    ['beyond a hundred years behind', String(-MAX_SHIFT_SECONDS - 1)],
    ['exponent notation', '1e5'],
  ])('refuses %s with INVALID_ARGUMENT naming the variable', (_row, raw) => {
    const shift = parseClockShift(raw);
    expect(shift).toEqual({ ok: false, problem: { code: 'INVALID_ARGUMENT', message: expect.stringContaining(`The environment variable ${TEST_CLOCK_VARIABLE} is ${JSON.stringify(raw)}, which is not a whole number of seconds`) } });
  });
});

describe('when a shift is honoured', () => {
  it.each<[string, ClockParties]>([
    ['the emulator pool and the local store', { store: LOCAL, poolCommand: EMULATOR }],
    ['the local store without a pool', { store: LOCAL }],
    ['the emulator as a Windows .cmd', { store: LOCAL, poolCommand: ['C:\\sfb\\bin\\sfb-skype-emulator.cmd'] }],
    ['AWS on 127.0.0.1', { store: aws('http://127.0.0.1:5000') }],
    ['AWS on 127.8.9.10', { store: aws('http://127.8.9.10:5000') }],
    ['AWS on localhost', { store: aws('https://localhost:4566/') }],
    ['AWS on ::1', { store: aws('http://[::1]:5000') }],
  ])('honours %s', (_row, parties) => {
    expect(testClockRefusal(parties)).toBeUndefined();
  });

  it.each<[string, ClockParties, 'pool' | 'store']>([
    ['a real powershell.exe pool', { store: LOCAL, poolCommand: ['powershell.exe', '-NoProfile'] }, 'pool'],
    ['pwsh with the emulator in a name that only contains it', { store: LOCAL, poolCommand: ['pwsh', '-File', 'not-sfb-skype-emulator-really.ps1'] }, 'pool'],
    ['AWS without an endpoint', { store: aws() }, 'store'],
    ['AWS on a remote endpoint', { store: aws('https://secretsmanager.eu-west-1.amazonaws.com') }, 'store'],
    ['AWS on a host named like loopback', { store: aws('http://127.0.0.1.example.com') }, 'store'],
    ['AWS on an endpoint that is not a URL', { store: aws('not a url') }, 'store'],
    ['a store this version does not know', { store: { kind: 'vault' } }, 'store'],
    ['no store at all', { store: undefined }, 'store'],
  ])('refuses %s with INVALID_ARGUMENT naming the variable and the fix', (_row, parties, party) => {
    const refusal = testClockRefusal(parties);
    expect(refusal).toEqual({ party, code: 'INVALID_ARGUMENT', message: expect.stringContaining(`The environment variable ${TEST_CLOCK_VARIABLE} is set, but the`) });
    expect(refusal?.message).toContain(`unset ${TEST_CLOCK_VARIABLE}: it exists for tests against local stand-ins`);
  });
});

describe('the plan line', () => {
  it('starts with the prefix once, and reads back without it', () => {
    expect(TEST_CLOCK_PREFIX).toBe('test clock: ');
    expect(testClockLine('new 7F3A.. current now')).toBe('test clock: new 7F3A.. current now');
    expect(testClockLine('test clock: new 7F3A.. current now')).toBe('test clock: new 7F3A.. current now');
    expect(withoutTestClockPrefix('test clock: drift: store holds no current certificate')).toBe('drift: store holds no current certificate');
    expect(withoutTestClockPrefix('drift: store holds no current certificate')).toBe('drift: store holds no current certificate');
  });
});
