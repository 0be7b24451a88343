/**
 * The rules for the AWS Secrets Manager store's options, pure, so the resource's constructor and
 * `check` (offline, in `pulumi preview`) refuse a bad option with its name and the fix, and the
 * adapter applies the same rules before calling AWS. Limits are Secrets Manager's and the AWS
 * tagging rules':
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_Tag.html
 */
import { z } from 'zod';
import { printValue } from './printed-value';
import { builtOnFirstUse, parseWith, worded } from './schema-sentences';
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

const PREFIX = 'The AWS Secrets Manager store option';

/** An http(s) URL that carries no user name or password. */
function isEndpointUrl(endpoint: string): boolean {
  try {
    const url = new URL(endpoint);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}

/** A plain object, kept as given (its own keys, `__proto__` included, are the tags read). */
const isTagObject = (tags: unknown): tags is Record<string, unknown> => typeof tags === 'object' && tags !== null && !Array.isArray(tags);

/** Every tag's problems, in the order given; the owner tag is the provider's. */
function tagProblems(tags: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const entries = Object.entries(tags);
  if (entries.length > MAX_TAGS - 1) problems.push(`${PREFIX} \`tags\` has ${entries.length} tags; a secret holds at most ${MAX_TAGS}, one of them ${OWNER_TAG_KEY}: keep at most ${MAX_TAGS - 1}.`);
  for (const [key, value] of entries) {
    if (!TAG_KEY.test(key) || key.toLowerCase().startsWith('aws:') || key === OWNER_TAG_KEY) {
      problems.push(`${PREFIX} \`tags\` has the tag name ${printValue(key)}, which a secret cannot carry: use 1 to 128 letters, digits, spaces and _ . : / = + - @, not starting with "aws:" and not ${OWNER_TAG_KEY} (the provider sets that one).`);
    } else if (typeof value !== 'string' || !AWS_TAG_VALUE.test(value)) {
      problems.push(`${PREFIX} \`tags\` has the tag ${key} with ${typeof value === 'string' ? 'a value that is not 0 to 256 letters, digits, spaces and _ . : / = + - @' : `the value ${printValue(value)}, not a string`}; change the value.`);
    }
  }
  return problems;
}

/** One schema per option, in the order their problems are reported. */
const optionSchemas = builtOnFirstUse(() => {
  const region = worded((input) => `${PREFIX} \`region\` is ${printValue(input)}, not an AWS region; write it like "us-east-1" (the region the secret lives in).`);
  const endpoint = worded((input) => `${PREFIX} \`endpoint\` is ${typeof input === 'string' ? 'not an http(s) URL without credentials' : printValue(input)}; write it like "https://vpce-0123.secretsmanager.us-east-1.vpce.amazonaws.com", or leave it out for the region's endpoint (or AWS_ENDPOINT_URL_SECRETS_MANAGER).`);
  const kmsKeyId = worded((input) => `${PREFIX} \`kmsKeyId\` is ${printValue(input)}; give a KMS key id, ARN or alias ("alias/sfb-certificates"), or leave it out for the account's aws/secretsmanager key.`);
  const description = worded((input) => `${PREFIX} \`description\` must be a string of at most ${MAX_DESCRIPTION} characters; got ${typeof input === 'string' ? `${input.length} characters` : printValue(input)}.`);
  const recoveryWindowDays = worded((input) => `${PREFIX} \`recoveryWindowDays\` is ${printValue(input)}; use a whole number of days from ${MIN_RECOVERY_WINDOW_DAYS} to ${MAX_RECOVERY_WINDOW_DAYS} (what DeleteSecret accepts), or leave it out for ${DEFAULT_RECOVERY_WINDOW_DAYS}.`);
  const tags = worded((input) => `${PREFIX} \`tags\` must be an object of tag names to values, like { team: "unified-comms" }; got ${printValue(input)}.`);
  return {
    region: z.string(region).regex(REGION, region),
    endpoint: z.string(endpoint).refine(isEndpointUrl, endpoint),
    kmsKeyId: z.string(kmsKeyId).min(1, kmsKeyId).max(MAX_KMS_KEY_ID, kmsKeyId),
    description: z.string(description).max(MAX_DESCRIPTION, description),
    recoveryWindowDays: z.unknown().refine(isRecoveryWindow, recoveryWindowDays),
    forceDeleteWithoutRecovery: z.boolean(worded((input) => `${PREFIX} \`forceDeleteWithoutRecovery\` must be true or false; got ${printValue(input)}.`)),
    tags: z.custom<Record<string, unknown>>(isTagObject, tags).superRefine((given, context) => {
      for (const message of tagProblems(given)) context.addIssue({ code: 'custom', message });
    }),
  };
});

/**
 * Every problem with the options, each a full sentence naming the option, the value seen and the
 * fix. Empty: the options are usable. `isKnown` passes over values not known yet (preview). Keys
 * not named here (the adapter's own settings) are left to their readers.
 */
export function awsStoreOptionProblems(raw: Readonly<Record<string, unknown>>, isKnown: (value: unknown) => boolean = () => true): string[] {
  const problems: string[] = [];
  // The region is required; the other options are checked when given.
  const given = (key: string) => raw[key] !== undefined && raw[key] !== null && isKnown(raw[key]);
  for (const [key, schema] of Object.entries(optionSchemas())) {
    if (key === 'region' ? !isKnown(raw.region) : !given(key)) continue;
    const parsed = parseWith(schema, raw[key]);
    if (!parsed.ok) problems.push(...parsed.problems);
    if (key === 'forceDeleteWithoutRecovery' && raw.forceDeleteWithoutRecovery === true && given('recoveryWindowDays')) {
      problems.push(`${PREFIX}s \`forceDeleteWithoutRecovery\` and \`recoveryWindowDays\` exclude each other (DeleteSecret takes one or the other); keep one.`);
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
