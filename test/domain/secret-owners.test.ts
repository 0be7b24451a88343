/** Owners and claims (provider/domain/secret-owners.ts): the rule both stores apply before a change. */
import type { ErrorCode } from '../../provider/domain/errors';
import { assertClaimAllowed, assertClaimGiven, assertOwnerClaim, ownerAfterClaim } from '../../provider/domain/secret-owners';
import type { OwnerClaim } from '../../provider/ports/certificate-store';
import { thrownCode } from '../support/thrown-code';

const PROD = 'organization/sfb/prod';
const DEV = 'organization/sfb/dev';

describe('the ownership rule', () => {
  it.each<[string, string | undefined, OwnerClaim | undefined, ErrorCode | 'no error', string | undefined]>([
    ['nobody has claimed it', undefined, { owner: DEV }, 'no error', DEV],
    ['the same owner', PROD, { owner: PROD }, 'no error', PROD],
    ['another owner', PROD, { owner: DEV }, 'STORE_OWNED_ELSEWHERE', undefined],
    ['another owner, adopting', PROD, { owner: DEV, adopt: true }, 'no error', DEV],
    ['a change without a claim', PROD, undefined, 'no error', PROD],
  ])('%s', (_row, owner, claim, code, after) => {
    expect(thrownCode(() => assertClaimAllowed(owner, 'sfb/x', claim, 'write version v of it'))).toBe(code);
    if (code === 'no error') expect(ownerAfterClaim(owner, claim)).toBe(after);
  });

  it('names both stacks and the way on', () => {
    expect(() => assertClaimAllowed(PROD, 'sfb/x', { owner: DEV }, 'manage it')).toThrow(
      `The secret "sfb/x" is managed by ${PROD}, not by ${DEV}, so ${DEV} will not manage it: two stacks declaring one secret would roll each other's certificate.`,
    );
  });

  it.each<[string, unknown, ErrorCode | 'no error']>([
    ['no claim', undefined, 'no error'],
    ['an owner with a space and an @', { owner: 'org/sfb/prod @ eu' }, 'no error'],
    ['an owner of 256 characters', { owner: 'a'.repeat(256) }, 'no error'],
    ['an empty owner', { owner: '' }, 'INVALID_ARGUMENT'],
    ['an owner of 257 characters', { owner: 'a'.repeat(257) }, 'INVALID_ARGUMENT'],
    ['an owner with a line break (not a tag value)', { owner: 'bad\nowner' }, 'INVALID_ARGUMENT'],
    ['adopt as a string', { owner: PROD, adopt: 'yes' }, 'INVALID_ARGUMENT'],
    ['null', null, 'INVALID_ARGUMENT'],
  ])('checks a claim: %s', (_row, claim, code) => {
    expect(thrownCode(() => assertOwnerClaim(claim))).toBe(code);
  });

  it('needs a claim to claim', () => {
    expect(thrownCode(() => assertClaimGiven('sfb/x', undefined))).toBe('INVALID_ARGUMENT');
    expect(thrownCode(() => assertClaimGiven('sfb/x', { owner: PROD }))).toBe('no error');
  });
});
