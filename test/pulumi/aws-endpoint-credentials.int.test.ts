/**
 * User info in an endpoint URL never reaches state, outputs or messages. The
 * `endpoint` option refuses it, but the SDK's own AWS_ENDPOINT_URL_SECRETS_MANAGER (and
 * AWS_ENDPOINT_URL) accept `http://user:token@host`: the store's description, kept in state as
 * `storeDescription` and quoted in every message, shows the endpoint without it. Through the
 * provider's handlers against moto behind the counting moto.proxy. Needs moto (`scripts/moto start`).
 */
import { randomUUID } from 'node:crypto';

import * as handlers from '../../provider/pulumi/handlers';
import { awsCertificateInputs, type Props } from '../harness/certificate-inputs';
import { useMotoBehindProxy } from '../harness/moto-proxy';
import { entry } from '../support/pfx-corpus';

const NOW = new Date('2026-06-01T00:00:00Z');
const A = entry('openssl3-default');
const TOKEN = 'Endpoint-Token-7f3a9c';

const moto = useMotoBehindProxy();
const saved = { AWS_ENDPOINT_URL_SECRETS_MANAGER: process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER, AWS_ENDPOINT_URL: process.env.AWS_ENDPOINT_URL };

afterEach(() => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

function withUserInfo(endpoint: string): string {
  const url = new URL(endpoint);
  return `${url.protocol}//ci-user:${TOKEN}@${url.host}/?X-Amz-Security-Token=${TOKEN}#${TOKEN}`;
}

// No `endpoint` option: the SDK takes the environment's.
const newsFor = (name: string) => awsCertificateInputs(A, name, undefined);

describe.each(['AWS_ENDPOINT_URL_SECRETS_MANAGER', 'AWS_ENDPOINT_URL'])('an endpoint with user info in %s', (variable) => {
  it('reaches neither the state of create and refresh nor a failure message', async () => {
    process.env[variable] = withUserInfo(moto.proxy.endpoint);
    const name = `sfb/endpoint/${randomUUID()}`;
    const inputs = (await handlers.checkInputs({}, newsFor(name), NOW)).inputs;
    const { outs } = await handlers.create(inputs, NOW);
    expect(outs.storeDescription).toBe(`AWS Secrets Manager store in us-east-1 at ${moto.proxy.endpoint}`);
    expect(moto.proxy.counts().CreateSecret).toBe(1);
    const { props } = await handlers.read(name, outs as unknown as Props, NOW);
    expect(props?.storeDescription).toBe(outs.storeDescription);
    for (const state of [outs, props]) expect(JSON.stringify(state)).not.toContain(TOKEN);

    moto.proxy.inject({ action: 'DescribeSecret', fault: { status: 400, type: 'AccessDeniedException', message: 'not authorized to perform: secretsmanager:DescribeSecret' } });
    const failure = await handlers.read(name, outs as unknown as Props, NOW).catch((e: unknown) => e as Error);
    expect((failure as Error).message).toMatch(/^STORE_ACCESS_DENIED: The AWS Secrets Manager store in us-east-1 at http:\/\/127\.0\.0\.1:\d+ refused/);
    expect((failure as Error).message).not.toContain(TOKEN);
  });
});
