/**
 * Owners and claims: which stack manages a secret, so two stacks declaring one secret cannot roll
 * each other's certificate or destroy it under each other. The rule is {@link OwnerClaim}'s (in
 * provider/ports/certificate-store.ts), the same on every backend; the local store records the
 * owner in its file, the AWS store in the tag `sfb-oauth-cert:owner`, which is why an owner must
 * be a valid AWS tag value.
 */
import { AWS_TAG_VALUE } from './aws-store-options';
import { SfbError } from './errors';
import type { OwnerClaim } from '../ports/certificate-store';

/** Whether `owner` can be recorded as an owner: a non-empty AWS tag value. */
export function isOwner(owner: unknown): owner is string {
  return typeof owner === 'string' && owner !== '' && AWS_TAG_VALUE.test(owner);
}

/** Throws INVALID_ARGUMENT unless `claim` is absent or a well-formed {@link OwnerClaim}. */
export function assertOwnerClaim(claim: unknown): asserts claim is OwnerClaim | undefined {
  if (claim === undefined) return;
  const { owner, adopt } = (claim ?? {}) as Partial<OwnerClaim>;
  if (!isOwner(owner) || (adopt !== undefined && typeof adopt !== 'boolean')) {
    const seen = typeof owner === 'string' ? JSON.stringify(owner.slice(0, 80)) : `a ${typeof owner}`;
    throw new SfbError(
      'INVALID_ARGUMENT',
      `The owner ${seen} is not valid: use 1 to 256 letters, digits, spaces and _ . : / = + - @ (an AWS tag value), such as "organization/project/stack", and adopt as true or false.`,
    );
  }
}

/** Throws INVALID_ARGUMENT unless a claim is given: the claim operation records an owner, so it needs one. */
export function assertClaimGiven(name: string, claim: OwnerClaim | undefined): asserts claim is OwnerClaim {
  if (claim === undefined) throw new SfbError('INVALID_ARGUMENT', `Claiming secret "${name}" needs an owner; pass { owner: "organization/project/stack" }.`);
  assertOwnerClaim(claim);
}

/**
 * The ownership rule, decided before the operation's own rule: throws STORE_OWNED_ELSEWHERE when
 * `owner` (the recorded one; `undefined`: nobody has claimed the secret) is another stack and the
 * claim does not adopt the secret. A change without a claim is not checked. `action` completes
 * "this stack will not ...".
 */
export function assertClaimAllowed(owner: string | undefined, name: string, claim: OwnerClaim | undefined, action: string): void {
  if (owner === undefined || claim === undefined || claim.adopt === true || owner === claim.owner) return;
  throw new SfbError(
    'STORE_OWNED_ELSEWHERE',
    `The secret "${name}" is managed by ${owner}, not by ${claim.owner}, so ${claim.owner} will not ${action}: two stacks declaring one secret would roll each other's certificate. If ${owner} no longer manages it (the stack was renamed, moved or retired), set \`adopt: true\` on this resource once to take it over (the store then records ${claim.owner} as its owner); otherwise give this stack its own secretName or store.`,
  );
}

/** The owner once an allowed claim is recorded: the claim's, or the recorded one when no claim was made. */
export function ownerAfterClaim(owner: string | undefined, claim: OwnerClaim | undefined): string | undefined {
  return claim === undefined ? owner : claim.owner;
}
