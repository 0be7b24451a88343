// The store contract (certificate-store.contract.ts) against the AWS Secrets Manager store on
// moto (`scripts/moto start`). Without moto this fails, never skips. Credentials come from the
// SDK's default chain, as in production: here the environment moto accepts.
import { createAwsSecretsManagerStore } from '../../provider/adapters/aws-secrets-manager';
import { MOTO_REGION, motoAwsEnv, requireMoto } from '../harness/moto';
import { certificateStoreContract } from './certificate-store.contract';

Object.assign(process.env, motoAwsEnv());

certificateStoreContract('AWS Secrets Manager store (moto)', async () => ({
  store: createAwsSecretsManagerStore({ region: MOTO_REGION, endpoint: await requireMoto() }),
  firstVersionIsAlwaysCurrent: true,
}));
