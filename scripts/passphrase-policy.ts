// The passphrase policy: the repository's demo passphrase is public, so it protects only the
// demo's own stack on the repository's embedded backend; every other stack must bring its own
// passphrase or a KMS secrets provider, and is told what to set.
import * as os from 'node:os';
import * as path from 'node:path';
import { projectRoot, type Env } from './project-paths';

/**
 * Passphrase for the local demo and the throwaway test stacks only. It protects nothing: it is
 * in this file. Real stacks set PULUMI_CONFIG_PASSPHRASE (or _FILE) or use a KMS secrets provider.
 * engineEnv() hands it out only for {@link DEMO_STACK} on the repository's embedded backend
 * (as a fallback for every stack it would have protected an S3 backend's real secrets with a
 * public string); the test
 * harness passes it explicitly for the stacks it creates in temp directories.
 */
export const LOCAL_DEMO_PASSPHRASE = 'sfb-oauth-cert-local-demo-only';

/** The stack `npm run demo` creates on the embedded backend. */
export const DEMO_STACK = 'demo';

/** Whether the environment names a passphrase for the passphrase secrets provider. */
export function hasPassphrase(env: Env): boolean {
  return env.PULUMI_CONFIG_PASSPHRASE !== undefined || env.PULUMI_CONFIG_PASSPHRASE_FILE !== undefined;
}

/** The repository's embedded state backend: `file://<root>/.pulumi-state`. */
export function embeddedBackendUrl(root: string = projectRoot()): string {
  return `file://${path.join(root, '.pulumi-state')}`;
}

/**
 * Whether the public demo passphrase may protect this stack: only the demo's own stack
 * ({@link DEMO_STACK}) on this repository's embedded file backend. Anything else (another stack
 * name, another directory, an S3 or cloud backend) may hold real secrets.
 */
export function mayUseDemoPassphrase(backendUrl: string, stackName: string, root: string = projectRoot()): boolean {
  const dir = fileBackendDir(backendUrl);
  const embedded = fileBackendDir(embeddedBackendUrl(root));
  // A fully qualified name on a file backend is `organization/<project>/<stack>`.
  const shortName = stackName.split('/').pop();
  return dir !== undefined && embedded !== undefined && path.resolve(dir) === path.resolve(embedded) && shortName === DEMO_STACK;
}

/** Why a stack gets no passphrase from this project, and what to set instead. */
export function passphraseRequiredMessage(stackName: string | undefined, backendUrl: string): string {
  const which = stackName === undefined ? 'this command' : `stack "${stackName}"`;
  return (
    `No secrets passphrase for ${which} on backend ${redactUrl(backendUrl)}: the repository's demo passphrase is used ` +
    `only for the "${DEMO_STACK}" stack on the embedded backend (${embeddedBackendUrl()}) and for throwaway test stacks, ` +
    'because it is public. Set PULUMI_CONFIG_PASSPHRASE_FILE to a file holding your passphrase (or ' +
    'PULUMI_CONFIG_PASSPHRASE), or use a KMS secrets provider (`pulumi stack init --secrets-provider awskms://...`, ' +
    'or `pulumi stack change-secrets-provider` for an existing stack).'
  );
}

/** The backend URL without its query string (an endpoint or credentials may hide there). */
function redactUrl(url: string): string {
  return url.split('?')[0] ?? url;
}

/** The local directory behind a file:// backend URL, or undefined for other backends. */
export function fileBackendDir(backendUrl: string): string | undefined {
  if (!backendUrl.startsWith('file://')) return undefined;
  const rest = backendUrl.slice('file://'.length).split('?')[0] ?? '';
  return rest.startsWith('~') ? path.join(os.homedir(), rest.slice(1)) : rest;
}

