/**
 * The shape of what one version stores: the first problem found, named by its field, never its
 * value; a well-formed payload has none.
 */
import { assertPayload, payloadProblem } from '../../provider/domain/certificate-payload';

const GOOD = { pfxBase64: 'TUlJS2NRSUJBekND', password: 'Sup3r-Secret', thumbprint: 'A'.repeat(40) };

describe('payloadProblem', () => {
  it.each<{ row: string; payload: unknown; problem: string | undefined }>([
    { row: 'well formed', payload: GOOD, problem: undefined },
    { row: 'well formed, with a null password and an effective date', payload: { ...GOOD, password: null, effectiveDate: '2030-01-31T00:00:00Z' }, problem: undefined },
    { row: 'not an object', payload: [GOOD], problem: 'the payload is not an object' },
    { row: 'null', payload: null, problem: 'the payload is not an object' },
    { row: 'an empty PFX', payload: { ...GOOD, pfxBase64: '' }, problem: 'pfxBase64 is not a non-empty standard base64 string without line breaks' },
    { row: 'a PFX with a line break', payload: { ...GOOD, pfxBase64: 'TUlJ\nS2Nx' }, problem: 'pfxBase64 is not a non-empty standard base64 string without line breaks' },
    { row: 'a missing password', payload: { pfxBase64: GOOD.pfxBase64, thumbprint: GOOD.thumbprint }, problem: 'password is neither a string nor null' },
    { row: 'a lower-case thumbprint', payload: { ...GOOD, thumbprint: 'a'.repeat(40) }, problem: 'thumbprint is not 40 uppercase hex digits' },
    { row: 'a date without a zone', payload: { ...GOOD, effectiveDate: '2030-01-31 00:00' }, problem: 'effectiveDate is not an ISO 8601 date-time such as 2030-01-31T00:00:00Z' },
    { row: 'unknown fields', payload: { ...GOOD, pfx: 'x', secret: 'y' }, problem: 'the payload has unknown fields (pfx, secret)' },
    { row: 'held by a server, without a PFX', payload: { heldBy: 'fe01.contoso.com', thumbprint: GOOD.thumbprint }, problem: undefined },
    { row: 'held by something that is not a server name', payload: { heldBy: 'fe01 & calc', thumbprint: GOOD.thumbprint }, problem: 'heldBy is not a server name' },
    { row: 'held by a server, with a password too', payload: { heldBy: 'fe01.contoso.com', thumbprint: GOOD.thumbprint, password: 'pw' }, problem: 'the payload has unknown fields (password)' },
    { row: 'a PFX and a server both: read as a PFX payload', payload: { ...GOOD, heldBy: 'fe01.contoso.com' }, problem: 'the payload has unknown fields (heldBy)' },
    { row: 'the first problem of several', payload: { pfxBase64: 7, password: 7, thumbprint: 7, extra: 1 }, problem: 'pfxBase64 is not a non-empty standard base64 string without line breaks' },
  ])('$row', ({ payload, problem }) => {
    expect(payloadProblem(payload)).toBe(problem);
  });

  it('assertPayload throws INVALID_ARGUMENT naming the version and the field, never the password', () => {
    let thrown: unknown;
    try {
      assertPayload('sfb/oauth', 'v1', { ...GOOD, thumbprint: 'x' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: 'The payload of version v1 of secret "sfb/oauth" is not valid: thumbprint is not 40 uppercase hex digits. Pass the PFX as base64 and the password as a string or null (or, for a certificate a Front End Server holds, the server\'s name as heldBy), and the thumbprint as 40 uppercase hex digits.',
    });
  });
});
