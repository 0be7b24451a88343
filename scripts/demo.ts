/**
 * `npm run demo`: a real `pulumi up` of examples/embedded on the embedded defaults (local file
 * backend, local certificate store), through the Automation API over the project's own `pulumi`
 * CLI (docs/engine.md explains why not the Node language host). On first run it creates a demo
 * PFX for contoso.com and stores its password and the store passphrase as secret stack config.
 * A second run reports no changes.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalWorkspace, PulumiCommand } from '@pulumi/pulumi/automation';
import { engineEnv, projectRoot, requirePulumiInstalled } from './engine-env';
import { makeDemoPfx } from '../provider/adapters/pfx/demo-pfx';
import { program } from '../examples/embedded/program';

const STACK = 'demo';
const SIP_DOMAIN = 'contoso.com';

async function main(): Promise<void> {
  const root = projectRoot();
  const layout = requirePulumiInstalled();
  const env = engineEnv({ root });
  mkdirSync(env.PULUMI_HOME!, { recursive: true });
  const stateDir = env.PULUMI_BACKEND_URL!.startsWith('file://') ? env.PULUMI_BACKEND_URL!.slice('file://'.length) : undefined;
  if (stateDir) mkdirSync(stateDir, { recursive: true });

  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: STACK, projectName: 'sfb-oauth-cert-demo', program },
    { workDir: root, envVars: env, pulumiHome: env.PULUMI_HOME!, pulumiCommand: await PulumiCommand.get({ root: layout.installRoot }) },
  );

  const demoDir = join(root, '.demo');
  const pfxFile = join(demoDir, 'contoso-oauth.pfx');
  const config = await stack.getAllConfig();
  if (!existsSync(pfxFile) || !config['sfb-oauth-cert-demo:pfxPassword']) {
    // First run: a throwaway self-signed certificate and fresh secrets, kept only as secret config.
    const password = randomBytes(18).toString('base64url');
    mkdirSync(demoDir, { recursive: true, mode: 0o700 });
    writeFileSync(pfxFile, makeDemoPfx({ sipDomain: SIP_DOMAIN, password, notBefore: new Date(), validDays: 365 }), { mode: 0o600 });
    await stack.setConfig('pfxPassword', { value: password, secret: true });
    await stack.setConfig('sipDomain', { value: SIP_DOMAIN, secret: false });
    await stack.setConfig('pfxFile', { value: pfxFile, secret: false });
    if (!config['sfb-oauth-cert:storePassphrase']) {
      await stack.setConfig('sfb-oauth-cert:storePassphrase', { value: randomBytes(24).toString('base64url'), secret: true });
    }
    console.log(`Created the demo certificate ${pfxFile} (self-signed for ${SIP_DOMAIN}); its password is secret stack config.`);
  }

  const result = await stack.up({ color: 'never', onOutput: (text) => process.stdout.write(text) });
  const changes = Object.entries(result.summary.resourceChanges ?? {}).filter(([op]) => op !== 'same');
  const outputs = result.outputs;
  const rows: [string, string][] = [
    ['thumbprint', String(outputs.thumbprint?.value ?? '')],
    ['notAfter', String(outputs.notAfter?.value ?? '')],
    ['plan', String(outputs.plan?.value ?? '')],
    ['previous', String(outputs.previousThumbprint?.value ?? '-')],
    ['store', String(outputs.store?.value ?? '')],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log('\nOAuthTokenIssuer certificate (stack "demo"):');
  for (const [key, value] of rows) console.log(`  ${key.padEnd(width)}  ${value}`);
  console.log(changes.length === 0 ? '\nNo changes.' : `\nChanges: ${changes.map(([op, n]) => `${n} ${op}`).join(', ')}`);
}

main().catch((error: unknown) => {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
