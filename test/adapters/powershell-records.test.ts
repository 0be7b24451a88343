/**
 * The record readers of provider/adapters/powershell/parse.ts: PowerShell's property names are
 * case-insensitive, so a record is read by name in any case, then by its schema.
 */
import { errorRecordOf, replicasOf, sessionOf, withNames } from '../../provider/adapters/powershell/parse';

const DOING = 'reading the deployment';
const shapeError = (why: string) => ({
  code: 'SHELL_FAILED',
  message: `The shell's answer while ${DOING} does not have the documented shape: ${why}. Check that the pool's command runs Windows PowerShell 5.1 (or PowerShell 7 with edition "core") with the Skype for Business Server administrative tools, and compare with a capture (docs/front-end.md, "Evidence from a real server").`,
});

describe('names in any case', () => {
  it('spells each known name as the schema does; the exact spelling wins; other properties are dropped', () => {
    expect(withNames({ TIMEZONE: 'UTC', timeZone: 'Europe/Berlin', extra: 1 }, ['timeZone'])).toEqual({ timeZone: 'Europe/Berlin' });
    expect(withNames({ upTODATE: true }, ['UpToDate'])).toEqual({ UpToDate: true });
  });

  it('a `__proto__` property in a record is data, never a prototype that lends the record its fields', () => {
    const record = JSON.parse('{"__proto__": {"timeZone": "Evil"}, "psVersion": "5.1", "edition": "Desktop"}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(withNames(record, ['timeZone', '__proto__']))).toBe(Object.prototype);
    expect(() => sessionOf(record, DOING)).toThrow(expect.objectContaining(shapeError('the session record has no timeZone')));
  });
});

describe('the session record', () => {
  it('reads names in any case, a version written as a number as its text, and an invariant culture as empty', () => {
    expect(sessionOf({ TimeZone: 'W. Europe Standard Time', PSVERSION: 5.1, Edition: 'Desktop' }, DOING)).toEqual({ timeZone: 'W. Europe Standard Time', culture: '', psVersion: '5.1', edition: 'Desktop' });
  });

  it.each([
    ['not an object', ['UTC'], 'the session record is not an object'],
    ['no time zone', { psVersion: '5.1', edition: 'Desktop' }, 'the session record has no timeZone'],
    ['an empty version', { timeZone: 'UTC', psVersion: '', edition: 'Desktop' }, 'the session record has no psVersion'],
    ['an edition that is a list', { timeZone: 'UTC', psVersion: '5.1', edition: ['Desktop'] }, 'the session record has no edition'],
  ])('%s fails, naming the first field', (_name, document, why) => {
    expect(() => sessionOf(document, DOING)).toThrow(expect.objectContaining(shapeError(why)));
  });
});

describe('the replicas record', () => {
  it('reads UpToDate as a boolean or its text in any case; the FQDN lower case', () => {
    expect(replicasOf([{ replicafqdn: 'FE01.contoso.com', uptodate: 'TRUE' }, { ReplicaFqdn: 'fe02.contoso.com', UpToDate: false }], DOING)).toEqual([
      { server: 'fe01.contoso.com', upToDate: true },
      { server: 'fe02.contoso.com', upToDate: false },
    ]);
  });

  it.each([
    ['no FQDN', [{ UpToDate: true }], 'replica 1 has no ReplicaFqdn'],
    ['an FQDN that is a number', [{ ReplicaFqdn: 'fe01.contoso.com', UpToDate: true }, { ReplicaFqdn: 7, UpToDate: true }], 'replica 2 has no ReplicaFqdn'],
    ['UpToDate as 1', [{ ReplicaFqdn: 'fe01.contoso.com', UpToDate: 1 }], 'replica fe01.contoso.com has no boolean UpToDate'],
    ['UpToDate as "yes"', [{ ReplicaFqdn: 'fe01.contoso.com', UpToDate: 'yes' }], 'replica fe01.contoso.com has no boolean UpToDate'],
  ])('%s fails', (_name, document, why) => {
    expect(() => replicasOf(document, DOING)).toThrow(expect.objectContaining(shapeError(why)));
  });
});

describe('an error record', () => {
  it('reads names in any case, a number as its text, anything else as empty; strings bounded', () => {
    const payload = JSON.stringify({ SERVER: 'fe02.contoso.com', FullyQualifiedErrorId: 'X', category: 6, targetName: ['t'], exceptionType: 'System.Exception', Message: 'm'.repeat(500) });
    expect(errorRecordOf(payload, DOING)).toEqual({ server: 'fe02.contoso.com', fullyQualifiedErrorId: 'X', category: '6', exceptionType: 'System.Exception', message: `${'m'.repeat(400)}...` });
  });

  it('a record that is not an object fails', () => {
    expect(() => errorRecordOf('["x"]', DOING)).toThrow(expect.objectContaining(shapeError('an error record is not an object')));
  });
});
