/**
 * The `command` issuer as a process: a throwaway OpenSSL CA (test/fixtures/issuers/openssl-ca)
 * signs the CSR, with an ECDSA CA key node-forge cannot read; and the bounds: time, output size,
 * a failing command (stderr quoted, bounded), a command that cannot start, the caller's abort.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandIssuer } from '../../provider/adapters/issuers/command-issuer';
import { issueCertificate } from '../../provider/adapters/issuers/issue-certificate';
import { validatePfx } from '../../provider/validate-pfx';

const CA = join(__dirname, '..', 'fixtures', 'issuers', 'openssl-ca');
const SIP = 'contoso.com';
/** Makes a missing rejection fail the test. */
const noRejection = (): never => {
  throw new Error('expected the call to reject');
};
const options = (signal = new AbortController().signal) => ({ sipDomain: SIP, renewalKey: 'renewal-1', signal });

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sfb-command-issuer-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the command issuer', () => {
  it.each([
    ['an ECDSA CA (a key node-forge cannot read)', 'ec'],
    ['an RSA CA', 'rsa'],
  ])('orders from %s: the chain is packaged into a PFX that validatePfx and OpenSSL accept', async (_row, kind) => {
    const issued = await issueCertificate(commandIssuer({ command: [CA, join(dir, kind), kind] }), { ...options(), minKeyBits: 3072 });
    const validation = await validatePfx(issued.pfxBase64, issued.password, { sipDomain: SIP });
    expect(validation).toMatchObject({ valid: true, errors: [], warnings: [], chainSize: 2, keyBits: 3072, dnsNames: [SIP], subject: `CN=${SIP}`, thumbprint: issued.thumbprint });
    // OpenSSL reads the container, its MAC and the 3DES key bag with the password on stdin-free env.
    const pfxFile = join(dir, `${kind}.pfx`);
    writeFileSync(pfxFile, Buffer.from(issued.pfxBase64, 'base64'));
    const info = spawnSync('openssl', ['pkcs12', '-in', pfxFile, '-nodes', '-passin', 'env:PFX_PASSWORD'], { env: { ...process.env, PFX_PASSWORD: issued.password }, encoding: 'utf8' });
    expect(info.status).toBe(0);
    expect(info.stdout.match(/-----BEGIN CERTIFICATE-----/g)).toHaveLength(2);
    expect(info.stdout).toContain('-----BEGIN PRIVATE KEY-----');
    expect(info.stdout).toContain('friendlyName: sfb-oauth-cert contoso.com');
  });

  it('describes itself by program and argument count, never by its arguments', () => {
    expect(commandIssuer({ command: ['/opt/ca/issue', '--token', 's3cr3t'] }).description).toBe('command `/opt/ca/issue` (with 2 arguments)');
  });

  it('a command that fails: ISSUER_FAILED quoting its exit code and stderr, bounded', async () => {
    const issuer = commandIssuer({ command: ['sh', '-c', 'cat >/dev/null; printf "CA refused: template OAuthIssuer not found\\n" >&2; exit 3'] });
    const error = await issueCertificate(issuer, options()).then(noRejection, (e: unknown) => e as Error);
    expect(error).toMatchObject({ code: 'ISSUER_FAILED' });
    expect(error.message).toBe('The issuer command `sh` (with 2 arguments) exited with 3 (stderr: "CA refused: template OAuthIssuer not found"); nothing was stored. Fix what it reports, then run `pulumi up` again.');
    const noisy = commandIssuer({ command: ['sh', '-c', 'head -c 5000 /dev/zero | tr "\\0" x >&2; exit 1'] });
    const long = await issueCertificate(noisy, options()).then(noRejection, (e: unknown) => e as Error);
    expect(long.message).toContain('stderr (last 500 characters): "…xxx');
    expect(long.message.length).toBeLessThan(800);
  });

  it('a command that outlives timeoutSeconds: killed with its children, ISSUER_TIMEOUT', async () => {
    const started = Date.now();
    const issuer = commandIssuer({ command: ['sh', '-c', 'sleep 60 & sleep 60; wait'], timeoutSeconds: 1 });
    await expect(issueCertificate(issuer, options())).rejects.toMatchObject({ code: 'ISSUER_TIMEOUT', retryable: true });
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('the caller\'s abort stops the command: ISSUER_TIMEOUT', async () => {
    const controller = new AbortController();
    const issuer = commandIssuer({ command: ['sleep', '60'] });
    setTimeout(() => controller.abort(), 500);
    await expect(issueCertificate(issuer, options(controller.signal))).rejects.toMatchObject({ code: 'ISSUER_TIMEOUT' });
  });

  it('a command that prints more than maxOutputBytes: stopped, ISSUER_FAILED', async () => {
    const issuer = commandIssuer({ command: ['sh', '-c', 'yes'], maxOutputBytes: 64 * 1024 });
    const error = await issueCertificate(issuer, options()).then(noRejection, (e: unknown) => e as Error);
    expect(error).toMatchObject({ code: 'ISSUER_FAILED' });
    expect(error.message).toBe('The issuer command `sh` (with 2 arguments) printed more than 65536 bytes on stdout and was stopped; a certificate chain is a few kilobytes of PEM: check what the command prints.');
  });

  it('a command that prints no certificate, or cannot start: ISSUER_FAILED', async () => {
    await expect(issueCertificate(commandIssuer({ command: ['sh', '-c', 'cat >/dev/null; echo done'] }), options())).rejects.toMatchObject({ code: 'ISSUER_FAILED' });
    const missing = await issueCertificate(commandIssuer({ command: [join(dir, 'no-such-ca')] }), options()).then(noRejection, (e: unknown) => e as Error);
    expect(missing).toMatchObject({ code: 'ISSUER_FAILED' });
    expect(missing.message).toContain('could not be started (ENOENT)');
    expect(() => commandIssuer({ command: [] })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('the command reads the CSR on stdin, never the private key, and gets nothing secret in argv', async () => {
    const seen = join(dir, 'stdin.txt');
    const issuer = commandIssuer({ command: ['sh', '-c', `cat > "${seen}"; exit 1`] });
    await expect(issueCertificate(issuer, options())).rejects.toMatchObject({ code: 'ISSUER_FAILED' });
    const stdin = spawnSync('cat', [seen], { encoding: 'utf8' }).stdout;
    expect(stdin).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----\r?\n[\s\S]+-----END CERTIFICATE REQUEST-----\r?\n?$/);
    expect(stdin).not.toContain('PRIVATE KEY');
  });
});
