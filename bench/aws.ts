/**
 * bench:aws: Secrets Manager calls per operation for 20 certificates on the AWS store, counted
 * at the endpoint (the fault proxy in front of moto, with no fault injected), through the real
 * engine (Automation API, inline program): create, no-op up, refresh, update (a new PFX for
 * every certificate), destroy. Target: a no-op up makes zero calls; a refresh at most one
 * per certificate. Exits 1 when a target is missed.
 * Usage: scripts/moto start && npm run bench:aws
 */
import { randomUUID } from 'node:crypto';
import * as pulumi from '@pulumi/pulumi';
import { CertificateStores, OAuthTokenIssuerCertificate } from '../provider';
import { FaultProxy } from '../test/harness/fault-proxy';
import { MOTO_REGION, motoAwsEnv, requireMoto } from '../test/harness/moto';
import { ThrowawayStack } from '../test/harness/pulumi-stack';
import { bytesOf, entry } from '../test/support/pfx-corpus';

const COUNT = 20;

async function main(): Promise<void> {
  const proxy = await FaultProxy.start(await requireMoto());
  const run = randomUUID().slice(0, 8);
  let pfx = entry('openssl3-default');
  const program = async () => {
    const store = CertificateStores.awsSecretsManager({ region: MOTO_REGION, endpoint: proxy.endpoint });
    for (let i = 0; i < COUNT; i++) {
      new OAuthTokenIssuerCertificate(`cert-${i}`, {
        sipDomain: 'contoso.com',
        pfx: pulumi.secret(bytesOf(pfx).toString('base64')),
        password: pulumi.secret(pfx.password ?? ''),
        secretName: `sfb/bench/${run}/cert-${i}`,
        store,
      });
    }
  };
  const stack = await ThrowawayStack.create({ program, envVars: motoAwsEnv() });
  const rows: { operation: string; calls: Record<string, number> }[] = [];
  const measure = async (operation: string, action: () => Promise<unknown>) => {
    proxy.reset();
    await action();
    rows.push({ operation, calls: proxy.counts() });
  };
  try {
    await measure('create (up)', () => stack.up());
    await measure('no-op up', () => stack.up());
    await measure('refresh', () => stack.refresh());
    pfx = entry('rsa-4096');
    await measure('update (up, new PFX)', () => stack.up());
    await measure('destroy', () => stack.destroy());
  } finally {
    await stack.cleanup().catch(() => undefined);
    await proxy.stop();
  }
  const total = (calls: Record<string, number>) => Object.values(calls).reduce((a, b) => a + b, 0);
  console.log(`Secrets Manager calls for ${COUNT} certificates, counted at the endpoint\n`);
  console.log('| operation | calls | per certificate | by API |');
  console.log('| --- | ---: | ---: | --- |');
  for (const { operation, calls } of rows) {
    const by = Object.entries(calls).sort().map(([api, n]) => `${api} ${n}`).join(', ') || '-';
    console.log(`| ${operation} | ${total(calls)} | ${(total(calls) / COUNT).toFixed(1)} | ${by} |`);
  }
  const noop = total(rows[1]!.calls);
  const refresh = total(rows[2]!.calls);
  const misses = [
    ...(noop === 0 ? [] : [`a no-op up made ${noop} calls (target 0)`]),
    ...(refresh <= COUNT ? [] : [`a refresh made ${refresh} calls (target at most ${COUNT})`]),
  ];
  console.log(misses.length === 0 ? '\ntargets met: no-op up 0 calls, refresh <= 1 call per certificate' : `\nMISSED: ${misses.join('; ')}`);
  if (misses.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
