// The local AWS endpoint (moto server started by `scripts/moto start`) for integration tests.
// A missing or silent endpoint is an error that says how to start it: tests fail, never skip.
import * as fs from 'fs';
import * as path from 'path';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { projectRoot } from '../../scripts/project-paths';

export const MOTO_REGION = 'us-east-1';
/** moto accepts any credentials; these only satisfy the SDKs' credential chains. */
export const MOTO_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

const endpointFile = path.join(projectRoot(), '.moto', 'endpoint');

/** The endpoint from MOTO_ENDPOINT or `.moto/endpoint`, e.g. `http://127.0.0.1:41234`. */
export function motoEndpoint(file: string = endpointFile): string {
  const fromEnv = process.env.MOTO_ENDPOINT?.trim();
  if (fromEnv) return fromEnv.replace(/\/+$/, '');
  let fromFile = '';
  try {
    fromFile = fs.readFileSync(file, 'utf8').trim();
  } catch {
    // reported below
  }
  if (!fromFile) {
    throw new Error(
      `No moto endpoint: ${file} is missing and MOTO_ENDPOINT is not set. ` +
        'Run `scripts/moto start` (npm test does it for you).',
    );
  }
  return fromFile.replace(/\/+$/, '');
}

/** The endpoint, after checking that moto answers `GET /moto-api/data.json`. */
export async function requireMoto(): Promise<string> {
  const endpoint = motoEndpoint();
  let problem: string;
  try {
    const res = await fetch(`${endpoint}/moto-api/data.json`, { signal: AbortSignal.timeout(5000) });
    if (res.ok) {
      await res.arrayBuffer();
      return endpoint;
    }
    problem = `HTTP ${res.status}`;
  } catch (err) {
    problem = err instanceof Error ? err.message : String(err);
  }
  throw new Error(
    `moto at ${endpoint} does not answer GET /moto-api/data.json (${problem}). ` +
      'Run `scripts/moto status`, then `scripts/moto stop && scripts/moto start`.',
  );
}

/**
 * Clears every service's state in moto (`POST /moto-api/reset`). It wipes the state of every
 * test using this moto server, including other test files that jest runs in parallel: call it
 * only when tests run serially (`--runInBand`); otherwise give each test unique names instead.
 */
export async function resetMoto(endpoint?: string): Promise<void> {
  const target = endpoint ?? (await requireMoto());
  const res = await fetch(`${target}/moto-api/reset`, { method: 'POST', signal: AbortSignal.timeout(10000) });
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`POST ${target}/moto-api/reset answered HTTP ${res.status}`);
}

/** A real Secrets Manager client pointed at moto. */
export function secretsManagerClient(endpoint: string = motoEndpoint()): SecretsManagerClient {
  return new SecretsManagerClient({ endpoint, region: MOTO_REGION, credentials: MOTO_CREDENTIALS });
}

/**
 * Credentials and region for child processes (the Pulumi CLI, the provider plugin) that talk to
 * moto. The endpoint itself is not set here: pass it explicitly (backend URL, provider config).
 */
export function motoAwsEnv(): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
    AWS_REGION: MOTO_REGION,
    AWS_DEFAULT_REGION: MOTO_REGION,
    // Keep the SDKs from reading the developer's real profiles or the instance metadata service.
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

/** Creates an S3 bucket in moto with a plain unsigned PUT (moto accepts unsigned requests). */
export async function createMotoBucket(bucket: string, endpoint?: string): Promise<void> {
  const target = endpoint ?? (await requireMoto());
  const res = await fetch(`${target}/${encodeURIComponent(bucket)}`, {
    method: 'PUT',
    signal: AbortSignal.timeout(10000),
  });
  const body = await res.text();
  if (!res.ok) throw new Error(`PUT ${target}/${bucket} answered HTTP ${res.status}: ${body}`);
}
