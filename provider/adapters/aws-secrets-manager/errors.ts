/**
 * Translates what the AWS SDK throws into our codes, each with a sentence and the fix. The
 * retrying is the SDK's (standard mode, bounded by maxAttempts): by the time an error reaches
 * here, a throttled or transient call has already been retried, so the message says so.
 *
 * Failures are sorted by what the caller should do, as smithy's retry strategy sorts them:
 * throttling and transient (5xx, network) ones are retryable later; permissions, KMS, a missing
 * or deleted secret are not, and each names its fix. AWS error messages are quoted only for
 * permission and KMS failures, where they name the denied action or key (they never hold a
 * secret value); a network error's own text is not quoted.
 */
import { SfbError, isSfbError } from '../../domain/errors';
import { scheduledForDeletionError } from '../../domain/store-rules';

/** What was being done, for messages: `write version X of secret "n"`. */
export interface CallContext {
  readonly action: string;
  readonly name: string;
  /** `The AWS Secrets Manager store in us-east-1`, with the endpoint when one is set: starts a sentence. */
  readonly where: string;
  /** The store's description, `AWS Secrets Manager store in us-east-1`, for use inside a sentence. */
  readonly store: string;
  readonly maxAttempts: number;
}

interface AwsLikeError {
  readonly name?: string;
  readonly message?: string;
  readonly code?: string;
  readonly $fault?: 'client' | 'server';
  readonly $metadata?: { readonly httpStatusCode?: number; readonly attempts?: number; readonly requestId?: string };
  readonly $retryable?: { readonly throttling?: boolean };
}

const ACCESS_DENIED = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'IncompleteSignature',
  'InvalidClientTokenId',
  'ExpiredTokenException',
  'ExpiredToken',
  'CredentialsProviderError',
]);
const THROTTLING = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded', 'SlowDown']);
/**
 * KMS refusing the secret's key (STORE_KMS_FAILURE, so the user looks at the key, not the
 * secret). Secrets Manager's own names are
 * EncryptionFailure and DecryptionFailure (API reference, CreateSecret / PutSecretValue /
 * GetSecretValue errors and CommonErrors); the rest are KMS's names for a missing, disabled,
 * deleted or unusable key (KMS API reference, GenerateDataKey and Decrypt errors:
 * NotFoundException, DisabledException, KMSInvalidStateException, KeyUnavailableException,
 * InvalidKeyUsageException, IncorrectKeyException, InvalidCiphertextException), should Secrets
 * Manager pass one through (assumed: it does not document which it does), and the KMS* names
 * other services use for the same.
 */
const KMS = new Set([
  'DecryptionFailure',
  'EncryptionFailure',
  'NotFoundException',
  'DisabledException',
  'KMSInvalidStateException',
  'KeyUnavailableException',
  'InvalidKeyUsageException',
  'IncorrectKeyException',
  'InvalidCiphertextException',
  'KMSAccessDeniedException',
  'KMSDisabledException',
  'KMSNotFoundException',
]);
/**
 * Secrets Manager's generic errors that are about the key when their text names KMS or a key
 * ARN or alias: AccessDeniedException "Access to KMS is not allowed" (a key policy that refuses;
 * AWS knowledge center "secrets-manager-cross-account-key", aws/aws-cdk#7677),
 * InvalidRequestException "...if you encrypt the secret with the default KMS service key" (the
 * text LocalStack's parity tests recorded against AWS), and a ResourceNotFoundException naming
 * the key (KMS's "Key 'arn:aws:kms:...' does not exist", boto/botocore#2107), which is the key's
 * absence, never the secret's: STORE_NOT_FOUND would send the user after the wrong thing.
 */
const ABOUT_THE_KEY = new Set(['AccessDeniedException', 'ResourceNotFoundException', 'InvalidRequestException', 'InvalidParameterException', 'ValidationException']);
const NAMES_KMS = /\bKMS\b|arn:aws[a-z-]*:kms:|\balias\/|\bCMK\b/i;
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);

/** The AWS error's name (`ResourceNotFoundException`), if it is one. */
export function awsErrorName(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const name = (error as AwsLikeError).name;
  return typeof name === 'string' ? name : undefined;
}

function quoted(message: string | undefined): string {
  if (typeof message !== 'string' || message.trim() === '') return '';
  const flat = message.replace(/\s+/g, ' ').trim();
  return `: "${flat.length > 300 ? `${flat.slice(0, 300)}...` : flat}"`;
}

/**
 * Our error for an SDK failure. Errors that are neither AWS's nor the network's (a bug of ours)
 * are returned unchanged, so the provider reports them as INTERNAL_ERROR.
 */
export function translateAwsError(error: unknown, context: CallContext): unknown {
  if (isSfbError(error) || typeof error !== 'object' || error === null) return error;
  const e = error as AwsLikeError;
  const name = e.name ?? '';
  const status = e.$metadata?.httpStatusCode;
  const attempts = e.$metadata?.attempts ?? 1;
  const { action, name: secret, where } = context;
  const tried = attempts > 1 ? ` after ${attempts} attempts (the SDK retries throttling and transient failures, up to ${context.maxAttempts})` : '';
  const nothing = 'Nothing was changed by this call; running the same `pulumi up` again completes the change.';

  if (KMS.has(name) || (ABOUT_THE_KEY.has(name) && NAMES_KMS.test(e.message ?? ''))) {
    return new SfbError(
      'STORE_KMS_FAILURE',
      `${where} could not ${action} because AWS KMS refused the secret's key (${name}${quoted(e.message)}). Check that the key in the store's \`kmsKeyId\` (or the account's aws/secretsmanager key) exists, is enabled, and that the deploying identity may use it (kms:Decrypt and kms:GenerateDataKey, allowed by the key policy).`,
    );
  }
  if (ACCESS_DENIED.has(name)) {
    return new SfbError(
      'STORE_ACCESS_DENIED',
      `${where} refused to ${action} (${name}${quoted(e.message)}). Check which AWS identity the deployment runs as (\`aws sts get-caller-identity\`; credentials come from the SDK's default chain: AWS_PROFILE, environment variables, SSO, the instance or task role) and give it the secretsmanager permissions listed in docs/aws-store.md on secret "${secret}".`,
    );
  }
  if (name === 'ResourceNotFoundException') {
    return new SfbError(
      'STORE_NOT_FOUND',
      `${where} has no secret "${secret}" (or not the version asked for), so it cannot ${action}. Check the secret name, the region and the AWS account of the credentials.`,
    );
  }
  if (name === 'InvalidRequestException' && /delet/i.test(e.message ?? '')) {
    return scheduledForDeletionError({ name: secret }, action, context.store);
  }
  if (name === 'InvalidRequestException' || name === 'ResourceExistsException' || name === 'PreconditionNotMetException') {
    return new SfbError(
      'STORE_CONFLICT',
      `${where} refused to ${action} (${name}): the secret's present state does not allow it. Run \`pulumi refresh\` to see what the store holds, then \`pulumi up\`.`,
    );
  }
  if (name === 'InvalidParameterException' || name === 'ValidationException' || name === 'MalformedPolicyDocumentException') {
    return new SfbError(
      'INVALID_ARGUMENT',
      `${where} refused a parameter when asked to ${action} (${name}${quoted(e.message)}). Check the store's options (region, kmsKeyId, tags, description) and the secret name.`,
    );
  }
  if (name === 'LimitExceededException') {
    return new SfbError(
      'STORE_UNAVAILABLE',
      `${where} refused to ${action} because an account or secret limit was reached (LimitExceededException). Secrets Manager keeps about 100 versions of a secret; remove old versions or raise the quota, then run \`pulumi up\` again.`,
    );
  }
  if (THROTTLING.has(name) || e.$retryable?.throttling === true) {
    return new SfbError(
      'STORE_UNAVAILABLE',
      `${where} throttled the request to ${action} (${name || `HTTP ${String(status)}`})${tried}. ${nothing} Run it when the account's Secrets Manager traffic is lower, or ask AWS for a higher request quota.`,
      true,
    );
  }
  if ((typeof status === 'number' && status >= 500) || e.$fault === 'server' || name === 'InternalServiceError') {
    return new SfbError(
      'STORE_UNAVAILABLE',
      `${where} failed to ${action} with a server error (${name || 'unnamed'}, HTTP ${String(status ?? 'unknown')})${tried}. ${nothing}`,
      true,
    );
  }
  // A Node error from another realm (a test runner's sandbox) reaches here wrapped by the SDK as
  // "AWS SDK error wrapper for Error: connect ECONNREFUSED ...": take the code from that text.
  const wrapped = typeof e.message === 'string' ? /\b(E[A-Z_]{3,})\b/.exec(e.message)?.[1] : undefined;
  const code = e.code ?? (wrapped !== undefined && NETWORK_CODES.has(wrapped) ? wrapped : name);
  if (NETWORK_CODES.has(code) || name === 'TimeoutError' || name === 'RequestTimeout' || name === 'AbortError') {
    return new SfbError(
      'STORE_UNAVAILABLE',
      `${where} could not be reached to ${action} (${code})${tried}. Check the network path to the endpoint (proxy, VPC endpoint, DNS) and the store's \`endpoint\` option or AWS_ENDPOINT_URL_SECRETS_MANAGER. ${nothing}`,
      true,
    );
  }
  if (e.$metadata !== undefined) {
    // Another service error: AWS's, not ours; named by its error name and status only.
    return new SfbError(
      'STORE_UNAVAILABLE',
      `${where} failed to ${action} (${name || 'an unnamed error'}, HTTP ${String(status ?? 'unknown')}). Run \`pulumi up\` again; if it persists, check the AWS Health Dashboard and the store's options.`,
    );
  }
  return error;
}
