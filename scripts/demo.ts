/**
 * `npm run demo`: a real `pulumi up` of examples/embedded on the embedded defaults (local file
 * backend, local certificate store), through the Automation API over the project's own `pulumi`
 * CLI (docs/engine.md explains why not the Node language host). On first run it creates a demo
 * PFX for contoso.com and stores its password and the store passphrase as secret stack config
 * (through the CLI's stdin, never its argv: scripts/secret-config.ts). A second run reports no
 * changes. The repository's public demo passphrase protects only this "demo" stack on the
 * embedded backend; with PULUMI_BACKEND_URL pointing elsewhere, set PULUMI_CONFIG_PASSPHRASE_FILE.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalWorkspace, PulumiCommand, type Stack } from '@pulumi/pulumi/automation';
import { DEMO_STACK, engineEnv, projectRoot, requirePulumiInstalled } from './engine-env';
import { setSecretConfig } from './secret-config';
import { makeDemoPfx } from '../provider/adapters/pfx/demo-pfx';
import { program } from '../examples/embedded/program';

const PROJECT = 'sfb-oauth-cert-demo';
const SIP_DOMAIN = 'contoso.com';

export interface DemoConfigTarget {
  stack: Stack;
  /** Where the demo PFX is written. */
  demoDir: string;
  pulumiBinary: string;
  /** The CLI environment (PULUMI_HOME, backend, passphrase). */
  env: Record<string, string>;
}

/**
 * First run: a throwaway self-signed certificate and fresh secrets, kept only as secret config
 * (set through the CLI's stdin). Returns whether it configured anything.
 */
export async function ensureDemoConfig(target: DemoConfigTarget): Promise<boolean> {
  const { stack, demoDir } = target;
  const pfxFile = join(demoDir, 'contoso-oauth.pfx');
  const project = (await stack.workspace.projectSettings()).name;
  const config = await stack.getAllConfig();
  if (existsSync(pfxFile) && config[`${project}:pfxPassword`]) return false;
  const cli = { pulumiBinary: target.pulumiBinary, workDir: stack.workspace.workDir, env: target.env, stackName: stack.name };
  const password = randomBytes(18).toString('base64url');
  mkdirSync(demoDir, { recursive: true, mode: 0o700 });
  writeFileSync(pfxFile, makeDemoPfx({ sipDomain: SIP_DOMAIN, password, notBefore: new Date(), validDays: 365 }), { mode: 0o600 });
  await setSecretConfig(cli, 'pfxPassword', password);
  await stack.setConfig('sipDomain', { value: SIP_DOMAIN, secret: false });
  await stack.setConfig('pfxFile', { value: pfxFile, secret: false });
  if (!config['sfb-oauth-cert:storePassphrase']) {
    await setSecretConfig(cli, 'sfb-oauth-cert:storePassphrase', randomBytes(24).toString('base64url'));
  }
  console.log(`Created the demo certificate ${pfxFile} (self-signed for ${SIP_DOMAIN}); its password is secret stack config.`);
  return true;
}

async function main(): Promise<void> {
  const root = projectRoot();
  const layout = requirePulumiInstalled();
  const env = engineEnv({ root, stackName: DEMO_STACK });
  mkdirSync(env.PULUMI_HOME!, { recursive: true });
  const stateDir = env.PULUMI_BACKEND_URL!.startsWith('file://') ? env.PULUMI_BACKEND_URL!.slice('file://'.length) : undefined;
  if (stateDir) mkdirSync(stateDir, { recursive: true });

  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: DEMO_STACK, projectName: PROJECT, program },
    { workDir: root, envVars: env, pulumiHome: env.PULUMI_HOME!, pulumiCommand: await PulumiCommand.get({ root: layout.installRoot }) },
  );
  await ensureDemoConfig({ stack, demoDir: join(root, '.demo'), pulumiBinary: layout.pulumiBinary, env });

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
  console.log(`\nOAuthTokenIssuer certificate (stack "${DEMO_STACK}"):`);
  for (const [key, value] of rows) console.log(`  ${key.padEnd(width)}  ${value}`);
  console.log(changes.length === 0 ? '\nNo changes.' : `\nChanges: ${changes.map(([op, n]) => `${n} ${op}`).join(', ')}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
