/**
 * translateAwsError on the AWS SDK's own error classes, built as its deserializer builds them
 * (message, $fault, $metadata), for the KMS failures (a key missing, disabled or refused): each
 * maps to STORE_KMS_FAILURE, never STORE_NOT_FOUND or STORE_CONFLICT; the same classes without a
 * key in their text keep their meaning. test/adapters/aws-faults.int.test.ts sends the same answers
 * through the SDK's deserializer at the endpoint. Sources of the texts: that file's comment.
 */
import {
  DecryptionFailure,
  EncryptionFailure,
  InvalidRequestException,
  ResourceNotFoundException,
  SecretsManagerServiceException,
} from '@aws-sdk/client-secrets-manager';

import { translateAwsError } from '../../provider/adapters/aws-secrets-manager/errors';
import { isSfbError } from '../../provider/domain/errors';

const KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const $metadata = { httpStatusCode: 400, requestId: 'c0ffee00-0000-4000-8000-000000000000', attempts: 1 };
const context = {
  action: 'create it',
  name: 'sfb/oauth-token-issuer/contoso.com',
  where: 'The AWS Secrets Manager store in us-east-1',
  store: 'AWS Secrets Manager store in us-east-1',
  maxAttempts: 4,
};

/**
 * An error Secrets Manager's model does not declare (AccessDeniedException is a common error, not
 * in the model; KMS's names): the SDK makes its base class with the wire name.
 */
function unmodeled(name: string, message: string): SecretsManagerServiceException {
  return new SecretsManagerServiceException({ name, $fault: 'client', $metadata, message });
}

function codeOf(error: unknown): string {
  const translated = translateAwsError(error, context);
  return isSfbError(translated) ? translated.code : 'not translated';
}

describe('KMS refusals are STORE_KMS_FAILURE', () => {
  it.each([
    ['EncryptionFailure', new EncryptionFailure({ $metadata, message: "Secrets Manager can't encrypt the protected secret text using the provided KMS key. Check that the KMS key is available, enabled, and not in an invalid state." })],
    ['DecryptionFailure', new DecryptionFailure({ $metadata, message: "Secrets Manager can't decrypt the protected secret text using the provided KMS key." })],
    ['ResourceNotFoundException naming the key', new ResourceNotFoundException({ $metadata, message: `Key '${KEY_ARN}' does not exist` })],
    ['ResourceNotFoundException naming an alias', new ResourceNotFoundException({ $metadata, message: 'Alias arn:aws:kms:us-east-1:123456789012:alias/sfb-missing is not found.' })],
    ['AccessDeniedException from KMS', unmodeled('AccessDeniedException', 'Access to KMS is not allowed')],
    ['InvalidRequestException about the default key', new InvalidRequestException({ $metadata, message: "You can't access a secret from a different AWS account if you encrypt the secret with the default KMS service key." })],
    ['NotFoundException (KMS)', unmodeled('NotFoundException', `Key '${KEY_ARN}' does not exist`)],
    ['DisabledException (KMS)', unmodeled('DisabledException', `${KEY_ARN} is disabled.`)],
    ['KMSInvalidStateException (KMS)', unmodeled('KMSInvalidStateException', `${KEY_ARN} is pending deletion.`)],
  ])('%s', (_row, error) => {
    const translated = translateAwsError(error, context);
    expect(isSfbError(translated) && translated.code).toBe('STORE_KMS_FAILURE');
    expect((translated as Error).message).toContain(`could not create it because AWS KMS refused the secret's key (${error.name}: "${error.message}")`);
  });
});

describe('the same classes without a key in their text keep their meaning', () => {
  it.each([
    ['ResourceNotFoundException', new ResourceNotFoundException({ $metadata, message: "Secrets Manager can't find the specified secret." }), 'STORE_NOT_FOUND'],
    ['AccessDeniedException', unmodeled('AccessDeniedException', 'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: secretsmanager:CreateSecret'), 'STORE_ACCESS_DENIED'],
    ['InvalidRequestException', new InvalidRequestException({ $metadata, message: "You can't perform this operation on the secret because it was marked for deletion." }), 'STORE_CONFLICT'],
    ['a secret name holding "key"', new ResourceNotFoundException({ $metadata, message: "Secrets Manager can't find the specified secret value for VersionId: 0123-key" }), 'STORE_NOT_FOUND'],
  ])('%s', (_row, error, code) => {
    expect(codeOf(error)).toBe(code);
  });
});

describe('a secret scheduled for deletion', () => {
  it('is refused in the words both stores use when they see the date themselves', () => {
    const error = new InvalidRequestException({ $metadata, message: "You can't perform this operation on the secret because it was marked for deletion." });
    expect((translateAwsError(error, context) as Error).message).toBe(
      'The secret "sfb/oauth-token-issuer/contoso.com" in the AWS Secrets Manager store in us-east-1 is scheduled for deletion, so the store cannot create it. Restore the secret first to cancel the deletion (declaring the certificate again and running `pulumi up` does it), or wait until its deletion date, when it is purged and the name can be used again.',
    );
  });
});
