/**
 * moto behind the counting, fault-injecting proxy (test/harness/fault-proxy.ts) for one test
 * file: started before its tests, stopped after them, its counts and faults cleared before each
 * test; with a plain Secrets Manager client on moto itself for reading back what the store did.
 * The AWS SDK's credentials and region for moto are put in this process's environment.
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { FaultProxy } from './fault-proxy';
import { motoAwsEnv, requireMoto, secretsManagerClient } from './moto';

export interface MotoBehindProxy {
  /** The proxy in front of moto: give the store `proxy.endpoint`. */
  readonly proxy: FaultProxy;
  /** A client on moto itself, not through the proxy (its calls are not counted). */
  readonly sdk: SecretsManagerClient;
}

/** Registers the set-up and tear-down hooks of the current file or describe block; read the fields inside tests. */
export function useMotoBehindProxy(): MotoBehindProxy {
  Object.assign(process.env, motoAwsEnv());
  let proxy: FaultProxy | undefined;
  let sdk: SecretsManagerClient | undefined;
  beforeAll(async () => {
    const moto = await requireMoto();
    proxy = await FaultProxy.start(moto);
    sdk = secretsManagerClient(moto);
  });
  afterAll(async () => {
    sdk?.destroy();
    await proxy?.stop();
  });
  beforeEach(() => proxy?.reset());
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is used before useMotoBehindProxy's beforeAll started it`);
    return value;
  };
  return {
    get proxy() {
      return started(proxy, 'the proxy');
    },
    get sdk() {
      return started(sdk, 'the moto client');
    },
  };
}
