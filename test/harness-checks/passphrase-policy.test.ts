/**
 * The repository's demo passphrase is public, so engineEnv() hands it out only for the demo's own
 * stack on the repository's embedded backend. Everything else must bring its
 * own passphrase or a KMS secrets provider, and is told so.
 */
import { join } from 'node:path';
import { engineEnv } from '../../scripts/engine-environment';
import { DEMO_STACK, embeddedBackendUrl, LOCAL_DEMO_PASSPHRASE, mayUseDemoPassphrase } from '../../scripts/passphrase-policy';
import { projectRoot } from '../../scripts/project-paths';
import { stackNamedIn } from '../../scripts/pulumi-arguments';

const root = projectRoot();
const embedded = embeddedBackendUrl(root);
const s3 = 's3://state-bucket?endpoint=http://127.0.0.1:5000&region=us-east-1';
/** A base environment without any passphrase or backend of the caller's. */
const bare = { HOME: '/home/someone', PATH: '/usr/bin' };

describe('the demo passphrase', () => {
  it('is given to the demo stack on the embedded backend', () => {
    expect(embedded).toBe(`file://${join(root, '.pulumi-state')}`);
    expect(engineEnv({ base: bare, root, stackName: DEMO_STACK }).PULUMI_CONFIG_PASSPHRASE).toBe(LOCAL_DEMO_PASSPHRASE);
    expect(mayUseDemoPassphrase(embedded, 'organization/sfb-oauth-cert-demo/demo', root)).toBe(true);
  });

  it('is no longer a fallback for every command', () => {
    expect(engineEnv({ base: bare, root })).not.toHaveProperty('PULUMI_CONFIG_PASSPHRASE');
  });

  it.each([
    ['another stack on the embedded backend', embedded, 'prod'],
    ['the demo stack name on an S3 backend', s3, DEMO_STACK],
    ['the demo stack name on another file backend', 'file:///srv/pulumi-state', DEMO_STACK],
    ['the demo stack name on a file backend inside the embedded one', `${embedded}/nested`, DEMO_STACK],
    ['the Pulumi Cloud', 'https://api.pulumi.com', DEMO_STACK],
  ])('is refused for %s, with what to set instead', (_label, backendUrl, stackName) => {
    expect(mayUseDemoPassphrase(backendUrl, stackName, root)).toBe(false);
    const attempt = () => engineEnv({ base: { ...bare, PULUMI_BACKEND_URL: backendUrl }, root, stackName });
    expect(attempt).toThrow(`No secrets passphrase for stack "${stackName}" on backend ${backendUrl.split('?')[0]}`);
    expect(attempt).toThrow(/Set PULUMI_CONFIG_PASSPHRASE_FILE to a file holding your passphrase \(or PULUMI_CONFIG_PASSPHRASE\), or use a KMS secrets provider/);
  });

  it('never replaces a passphrase the caller set', () => {
    const fromFile = engineEnv({ base: { ...bare, PULUMI_BACKEND_URL: s3, PULUMI_CONFIG_PASSPHRASE_FILE: '/run/secrets/pp' }, root, stackName: 'prod' });
    expect(fromFile).not.toHaveProperty('PULUMI_CONFIG_PASSPHRASE');
    const given = engineEnv({ base: { ...bare, PULUMI_CONFIG_PASSPHRASE: 'mine' }, root, stackName: DEMO_STACK });
    expect(given).not.toHaveProperty('PULUMI_CONFIG_PASSPHRASE');
  });

  it('keeps the query string (an endpoint, perhaps credentials) of the backend out of the message', () => {
    expect(() => engineEnv({ base: { ...bare, PULUMI_BACKEND_URL: `${s3}&secret=abc` }, root, stackName: 'prod' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('secret=abc') }),
    );
  });
});

describe('the stack a command line names', () => {
  it.each([
    [['preview', '--stack', 'prod'], 'prod'],
    [['preview', '--stack=prod'], 'prod'],
    [['up', '-s', 'prod', '--yes'], 'prod'],
    [['up', '-sprod'], 'prod'],
    [['stack', 'init', 'prod'], 'prod'],
    [['--non-interactive', 'stack', 'select', 'demo'], 'demo'],
    [['stack', 'init', '--secrets-provider', 'awskms://alias/x', 'prod'], 'prod'],
    [['--cwd', 'examples', 'stack', 'init', 'prod'], 'prod'],
    [['stack', 'export'], undefined],
    [['config', 'set', '--secret', 'key'], undefined],
    [['version'], undefined],
  ])('%j names %s', (args, expected) => {
    expect(stackNamedIn(args)).toBe(expected);
  });
});
