/**
 * Rules every certificate store follows, whatever keeps the bytes: the local store emulates
 * Secrets Manager, and the AWS store meets Secrets Manager's own rules with the same words.
 */
import { SfbError } from './errors';

/**
 * Secrets Manager refuses every operation but describe and restore on a secret scheduled for
 * deletion; so does the local store. `action` completes "the store cannot ...".
 */
export function refuseIfScheduledForDeletion(secret: { readonly name: string; readonly deletionDate?: string | undefined }, action: string): void {
  if (secret.deletionDate !== undefined) {
    throw new SfbError(
      'STORE_CONFLICT',
      `The secret "${secret.name}" is scheduled for deletion on ${secret.deletionDate}, so the store cannot ${action}. Restore the secret first to cancel the deletion, or wait until that date, when it is purged and the name can be used again.`,
    );
  }
}
