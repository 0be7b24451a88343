import { decodeSecretDocument, encodeSecretDocument, secretDocumentFields } from '../../provider/domain/secret-document';
import { payloadProblem } from '../../provider/domain/certificate-payload';

const T = '7F3A0A1B2C3D4E5F60718293A4B5C6D7E8F90A1B';

describe('the secret document of a certificate a Front End Server holds', () => {
  it('is schema 2 without a PFX or password, and reads back', () => {
    const text = encodeSecretDocument(secretDocumentFields({ heldBy: 'fe02.contoso.com', thumbprint: T, effectiveDate: '2027-01-01T00:00:00.000Z' }, '2035-01-01T00:00:00.000Z'));
    expect(JSON.parse(text)).toEqual({ format: 'sfb-oauth-cert/oauth-token-issuer', schemaVersion: 2, thumbprint: T, notAfter: '2035-01-01T00:00:00.000Z', effectiveDate: '2027-01-01T00:00:00.000Z', heldBy: 'fe02.contoso.com' });
    expect(decodeSecretDocument(text)).toEqual({ ok: true, fields: { heldBy: 'fe02.contoso.com', thumbprint: T, notAfter: '2035-01-01T00:00:00.000Z', effectiveDate: '2027-01-01T00:00:00.000Z' } });
  });

  it('a PFX document keeps schema 1 and its bytes (a retried write stays a no-op)', () => {
    expect(encodeSecretDocument(secretDocumentFields({ pfxBase64: 'AAAA', password: null, thumbprint: T }, undefined))).toBe(`{"format":"sfb-oauth-cert/oauth-token-issuer","schemaVersion":1,"thumbprint":"${T}","password":null,"pfxBase64":"AAAA"}`);
  });

  it('a schema 1 document without a PFX is damaged, not a record of a server', () => {
    expect(decodeSecretDocument(JSON.stringify({ format: 'sfb-oauth-cert/oauth-token-issuer', schemaVersion: 1, thumbprint: T, heldBy: 'fe02.contoso.com' }))).toEqual({ ok: false, reason: 'its "pfxBase64" is not a string' });
  });

  it.each([
    ['a record naming its server', { heldBy: 'fe02.contoso.com', thumbprint: T }, undefined],
    ['a record without its server', { thumbprint: T }, 'pfxBase64 is not a non-empty standard base64 string without line breaks'],
    ['a record whose server is not a name', { heldBy: '; rm -rf /', thumbprint: T }, 'heldBy is not a server name'],
    ['a record with a password', { heldBy: 'fe02.contoso.com', password: 'x', thumbprint: T }, 'the payload has unknown fields (password)'],
  ])('payloadProblem: %s', (_name, payload, problem) => {
    expect(payloadProblem(payload)).toBe(problem);
  });
});
