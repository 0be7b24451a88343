/**
 * The rules for the AWS Secrets Manager store's options, pure, so the resource's constructor and
 * `check` (offline, in `pulumi preview`) refuse a bad option with its name and the fix, and the
 * adapter applies the same rules before calling AWS. Limits are Secrets Manager's and the AWS
 * tagging rules':
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_Tag.html
 */
import { DEFAULT_RECOVERY_WINDOW_DAYS, isRecoveryWindow, MAX_RECOVERY_WINDOW_DAYS, MIN_RECOVERY_WINDOW_DAYS } from './recovery-window';

/** The store kind recorded in state for the AWS store. */
export const AWS_STORE_KIND = 'aws-secrets-manager';

/** The tag that records which stack manages a secret (see OwnerClaim in provider/ports). */
export const OWNER_TAG_KEY = 'sfb-oauth-cert:owner';

const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const MAX_DESCRIPTION = 2048;
const MAX_KMS_KEY_ID = 2048;
const MAX_TAGS = 50;
// Tag keys and values: letters, digits, spaces and _ . : / = + - @ (AWS's rule for tags).
const TAG_KEY = /^[\p{L}\p{N}\p{Zs}_.:/=+\-@]{1,128}$/u;
/** An AWS tag value: 0 to 256 letters, digits, spaces and _ . : / = + - @ (owners are recorded as one). */
export const AWS_TAG_VALUE = /^[\p{L}\p{N}\p{Zs}_.:/=+\-@]{0,256}$/u;

/**
 * Options of the AWS Secrets Manager store. Credentials are never options: the provider uses the
 * AWS SDK's default chain (AWS_PROFILE, environment variables, SSO, the instance or task role)
 * each time it calls AWS. See docs/aws-store.md for the IAM permissions.
 */
export interface AwsStoreOptions {
  /** The region of the secret, e.g. `us-east-1`. Changing it replaces the resource (another store). */
  readonly region: string;
  /**
   * Another endpoint (a VPC endpoint, a test server). @default the region's, or the SDK's
   * AWS_ENDPOINT_URL_SECRETS_MANAGER environment variable when set
   */
  readonly endpoint?: string;
  /** KMS key (id, ARN or alias) the secret is encrypted with, set when the secret is created. @default aws/secretsmanager */
  readonly kmsKeyId?: string;
  /** Tags for the secret (besides `sfb-oauth-cert:owner`, which the provider sets). */
  readonly tags?: Readonly<Record<string, string>>;
  /** The secret's description, set when the secret is created. */
  readonly description?: string;
  /** Days a destroyed certificate stays recoverable, 7 to 30. @default 30 */
  readonly recoveryWindowDays?: number;
  /** Delete at once on `pulumi destroy`, with no recovery window (opt-in). @default false */
  readonly forceDeleteWithoutRecovery?: boolean;
}

function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value);
  if (value === null) return 'null';
  return typeof value === 'number' || typeof value === 'boolean' ? `${typeof value} ${String(value)}` : `a ${typeof value}`;
}

/**
 * Every problem with the options, each a full sentence naming the option, the value seen and the
 * fix. Empty: the options are usable. `isKnown` passes over values not known yet (preview).
 */
export function awsStoreOptionProblems(raw: Readonly<Record<string, unknown>>, isKnown: (value: unknown) => boolean = () => true): string[] {
  const problems: string[] = [];
  const known = (key: string) => raw[key] !== undefined && raw[key] !== null && isKnown(raw[key]);
  const prefix = 'The AWS Secrets Manager store option';
  if (isKnown(raw.region) && (typeof raw.region !== 'string' || !REGION.test(raw.region))) {
    problems.push(`${prefix} \`region\` is ${shown(raw.region)}, not an AWS region; write it like "us-east-1" (the region the secret lives in).`);
  }
  if (known('endpoint')) {
    const endpoint = raw.endpoint;
    let ok = false;
    if (typeof endpoint === 'string') {
      try {
        const url = new URL(endpoint);
        ok = (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === '';
      } catch {
        ok = false;
      }
    }
    if (!ok) {
      problems.push(`${prefix} \`endpoint\` is ${typeof endpoint === 'string' ? 'not an http(s) URL without credentials' : shown(endpoint)}; write it like "https://vpce-0123.secretsmanager.us-east-1.vpce.amazonaws.com", or leave it out for the region's endpoint (or AWS_ENDPOINT_URL_SECRETS_MANAGER).`);
    }
  }
  if (known('kmsKeyId') && (typeof raw.kmsKeyId !== 'string' || raw.kmsKeyId.length === 0 || raw.kmsKeyId.length > MAX_KMS_KEY_ID)) {
    problems.push(`${prefix} \`kmsKeyId\` is ${shown(raw.kmsKeyId)}; give a KMS key id, ARN or alias ("alias/sfb-certificates"), or leave it out for the account's aws/secretsmanager key.`);
  }
  if (known('description') && (typeof raw.description !== 'string' || raw.description.length > MAX_DESCRIPTION)) {
    problems.push(`${prefix} \`description\` must be a string of at most ${MAX_DESCRIPTION} characters; got ${typeof raw.description === 'string' ? `${raw.description.length} characters` : shown(raw.description)}.`);
  }
  if (known('recoveryWindowDays')) {
    const days = raw.recoveryWindowDays;
    if (!isRecoveryWindow(days)) {
      problems.push(`${prefix} \`recoveryWindowDays\` is ${shown(days)}; use a whole number of days from ${MIN_RECOVERY_WINDOW_DAYS} to ${MAX_RECOVERY_WINDOW_DAYS} (what DeleteSecret accepts), or leave it out for ${DEFAULT_RECOVERY_WINDOW_DAYS}.`);
    }
  }
  if (known('forceDeleteWithoutRecovery') && typeof raw.forceDeleteWithoutRecovery !== 'boolean') {
    problems.push(`${prefix} \`forceDeleteWithoutRecovery\` must be true or false; got ${shown(raw.forceDeleteWithoutRecovery)}.`);
  }
  if (known('forceDeleteWithoutRecovery') && raw.forceDeleteWithoutRecovery === true && known('recoveryWindowDays')) {
    problems.push(`${prefix}s \`forceDeleteWithoutRecovery\` and \`recoveryWindowDays\` exclude each other (DeleteSecret takes one or the other); keep one.`);
  }
  if (known('tags')) {
    const tags = raw.tags;
    if (typeof tags !== 'object' || tags === null || Array.isArray(tags)) {
      problems.push(`${prefix} \`tags\` must be an object of tag names to values, like { team: "unified-comms" }; got ${shown(tags)}.`);
    } else {
      const entries = Object.entries(tags as Record<string, unknown>);
      if (entries.length > MAX_TAGS - 1) problems.push(`${prefix} \`tags\` has ${entries.length} tags; a secret holds at most ${MAX_TAGS}, one of them ${OWNER_TAG_KEY}: keep at most ${MAX_TAGS - 1}.`);
      for (const [key, value] of entries) {
        if (!TAG_KEY.test(key) || key.toLowerCase().startsWith('aws:') || key === OWNER_TAG_KEY) {
          problems.push(`${prefix} \`tags\` has the tag name ${shown(key)}, which a secret cannot carry: use 1 to 128 letters, digits, spaces and _ . : / = + - @, not starting with "aws:" and not ${OWNER_TAG_KEY} (the provider sets that one).`);
        } else if (typeof value !== 'string' || !AWS_TAG_VALUE.test(value)) {
          problems.push(`${prefix} \`tags\` has the tag ${key} with ${typeof value === 'string' ? 'a value that is not 0 to 256 letters, digits, spaces and _ . : / = + - @' : `the value ${shown(value)}, not a string`}; change the value.`);
        }
      }
    }
  }
  return problems;
}

/**
 * An endpoint as it may be shown in messages and kept in state (`storeDescription`): scheme,
 * host, port and path only. User info (`http://user:token@host`, which the SDK's
 * AWS_ENDPOINT_URL_SECRETS_MANAGER accepts though the `endpoint` option refuses it), a query and
 * a fragment may carry credentials, so they are dropped: the description reaches state and every
 * message. Text that is not a
 * URL is not shown at all: it cannot be told apart from a secret.
 */
export function endpointForDisplay(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return 'an endpoint that is not a URL';
  }
  const path = url.pathname === '/' ? '' : url.pathname;
  return `${url.protocol}//${url.host}${path}`;
}
