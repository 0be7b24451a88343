/**
 * The `servers` output read back from state: what is of the shape written is read (dates with
 * the strict parser), anything else is left out, never thrown.
 */
import { readRecordedServers } from '../../provider/domain/recorded-servers';

const A = 'A'.repeat(40);
const B = 'B'.repeat(40);

describe('readRecordedServers', () => {
  it.each<{ row: string; servers: unknown; looks: unknown }>([
    { row: 'not an object', servers: [A], looks: [] },
    { row: 'null', servers: null, looks: [] },
    {
      row: 'an entry as written',
      servers: { 'fe01.contoso.com': { current: A, previous: B, pending: { thumbprint: B, effectiveDate: '2026-09-01T00:00:00.000Z' }, currentNotAfter: '2027-01-01T00:00:00.000Z', previousNotAfter: '2026-01-01T00:00:00Z', timeZone: 'UTC' } },
      looks: [
        {
          server: 'fe01.contoso.com',
          current: A,
          previous: B,
          pending: { thumbprint: B, effectiveDate: new Date('2026-09-01T00:00:00Z') },
          currentNotAfter: { text: '2027-01-01T00:00:00.000Z', date: new Date('2027-01-01T00:00:00Z') },
          previousNotAfter: { text: '2026-01-01T00:00:00Z', date: new Date('2026-01-01T00:00:00Z') },
          timeZone: 'UTC',
          unreachable: false,
        },
      ],
    },
    {
      row: 'fields of another shape are left out, the rest is read',
      servers: { fe01: { current: A.toLowerCase(), previous: 7, pending: { thumbprint: B, effectiveDate: '09/01/2026' }, currentNotAfter: '2027-01-01 00:00', timeZone: '' }, fe02: { current: B } },
      looks: [
        { server: 'fe01', unreachable: false },
        { server: 'fe02', current: B, unreachable: false },
      ],
    },
    { row: 'an entry that is not an object is skipped', servers: { fe01: 'up', fe02: null }, looks: [] },
    { row: 'an unreachable server is marked', servers: { fe01: { current: null, previous: null, unreachable: { code: 'SERVER_UNREACHABLE', message: 'm' } } }, looks: [{ server: 'fe01', unreachable: true }] },
  ])('$row', ({ servers, looks }) => {
    expect(readRecordedServers(servers)).toEqual(looks);
  });
});
