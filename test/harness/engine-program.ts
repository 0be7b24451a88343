/**
 * The index.ts of an engine test's project (CliProject's `program`): a user's program that
 * declares one OAuthTokenIssuerCertificate from this package by name, reads its settings through
 * `pulumi.Config`, and exports some of its outputs. A test names only what its program does
 * differently (the certificate source, the store, the pool's options); the rest is written here
 * once, and the package's names the program uses are imported for it.
 */

/** What the package exports that a program may call (provider/index.ts). */
const PACKAGE_NAMES = ['AcmeChallenges', 'CertificateStores', 'FrontEndPools', 'Issuers', 'OAuthTokenIssuerCertificate', 'pfxFromFile'];

export interface EngineProgramOptions {
  /** Import lines besides `@pulumi/pulumi` and the package's, e.g. `import { readFileSync } from 'node:fs';`. */
  readonly imports?: readonly string[];
  /** Statements between `const config = new pulumi.Config();` and the resource. */
  readonly setup?: readonly string[];
  /** The resource's name. @default 'oauth' */
  readonly name?: string;
  /** The source of the `sipDomain` argument. @default `'contoso.com'` */
  readonly sipDomain?: string;
  /**
   * The resource's other arguments, one property each without its comma (a property may span lines), in order:
   * `pfxFile()`, `localStore()`, `emulatedPool()`, or any source such as `renewBefore: '240h'`.
   */
  readonly args: readonly string[];
  /** Lines between the resource and the exports (a comment on them). */
  readonly beforeExports?: readonly string[];
  /** The outputs exported under their own names, e.g. `['thumbprint', 'plan']`. */
  readonly exports: readonly string[];
}

const indent = (source: string) => source.split('\n').map((line) => (line === '' ? line : `  ${line}`)).join('\n');

/** The program's source. */
export function engineProgram(options: EngineProgramOptions): string {
  const body = [
    'const config = new pulumi.Config();',
    ...(options.setup ?? []),
    `const certificate = new OAuthTokenIssuerCertificate('${options.name ?? 'oauth'}', {`,
    indent(`sipDomain: ${options.sipDomain ?? "'contoso.com'"},`),
    ...options.args.map((arg) => indent(`${arg},`)),
    '});',
    ...(options.beforeExports ?? []),
    ...options.exports.map((output) => `export const ${output} = certificate.${output};`),
  ].join('\n');
  const used = PACKAGE_NAMES.filter((name) => new RegExp(`\\b${name}\\b`).test(body));
  return ["import * as pulumi from '@pulumi/pulumi';", ...(options.imports ?? []), `import { ${used.join(', ')} } from 'sfb-oauth-cert';`, '', body, ''].join('\n');
}

/**
 * The PFX and its password: the file `file` in the project directory, or the one config `pfxFile`
 * names; the password from secret config `pfxPassword`.
 */
export function pfxFile(file?: string): string {
  const source = file === undefined ? "config.require('pfxFile')" : `'${file}'`;
  return `pfx: pfxFromFile(${source}),\npassword: config.requireSecret('pfxPassword')`;
}

/**
 * The local store: in `directory` (relative to the project), or the source `directorySource`
 * computes, or in the store's default directory when neither is given.
 */
export function localStore(where: { directory?: string; directorySource?: string } = {}): string {
  const source = where.directorySource ?? (where.directory === undefined ? undefined : `'${where.directory}'`);
  return `store: CertificateStores.local(${source === undefined ? '' : `{ directory: ${source} }`})`;
}

/**
 * A PowerShell pool over the emulator (test/harness/emulated-pool.ts): the servers and the shell
 * command from config `servers` and `command` (JSON arrays), short waits for replication, and
 * `options`: more properties, one source line each with its comma (or a comment line).
 */
export function emulatedPool(...options: string[]): string {
  return [
    'pool: FrontEndPools.powershell({',
    "  servers: config.requireObject<string[]>('servers'),",
    "  command: config.requireObject<string[]>('command'),",
    ...options.map((line) => `  ${line}`),
    '  replicationTimeoutSeconds: 8,',
    '  pollIntervalSeconds: 1,',
    '})',
  ].join('\n');
}
