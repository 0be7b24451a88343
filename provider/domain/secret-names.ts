/**
 * The name of a secret, as AWS Secrets Manager allows it (CreateSecret `Name`): 1 to 512 of
 * A-Z a-z 0-9 and / _ + = . @ -. The local store follows the same rule, so a stack can move from
 * one store to the other without renaming its secret:
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html
 */
import { SfbError } from './errors';

/** The most characters a secret's name may have. */
export const MAX_SECRET_NAME_LENGTH = 512;

/** The characters a secret's name may have (one or more; the length is checked on its own). */
export const SECRET_NAME_CHARACTERS = /^[A-Za-z0-9/_+=.@-]+$/;

/** Whether `name` is a secret name both stores accept. */
export function isSecretName(name: unknown): name is string {
  return typeof name === 'string' && name.length <= MAX_SECRET_NAME_LENGTH && SECRET_NAME_CHARACTERS.test(name);
}

/** Throws INVALID_ARGUMENT unless `name` is a valid secret name. The name is shown cut to 80 characters. */
export function assertSecretName(name: unknown): asserts name is string {
  if (!isSecretName(name)) {
    throw new SfbError(
      'INVALID_ARGUMENT',
      `The secret name ${shownIdentifier(name)} is not valid: use 1 to ${MAX_SECRET_NAME_LENGTH} characters from A-Z a-z 0-9 and / _ + = . @ - (the rule AWS Secrets Manager applies), for example "sfb/oauth-token-issuer".`,
    );
  }
}

/**
 * A name or id a caller passed, for a message: quoted and cut to 80 characters with its length,
 * or its type when it is no string. Names and ids are never secrets.
 */
export function shownIdentifier(value: unknown): string {
  if (typeof value !== 'string') return `a ${typeof value}`;
  const cut = value.length > 80 ? `${value.slice(0, 80)}...` : value;
  return `${JSON.stringify(cut)} (${value.length} characters)`;
}
