/**
 * The AWS store's options and limits, offline: option rules in the factory, the constructor's
 * path and check; a PFX whose document passes 65,536 bytes fails in check (SECRET_TOO_LARGE) on
 * the AWS store only, and in putVersion on both stores with that code; diff replaces on another
 * region but updates in place for the other options; the document encodes deterministically and
 * reads back.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createAwsSecretsManagerStore } from '../../provider/adapters/aws-secrets-manager';
import { createLocalStore } from '../../provider/adapters/local-store';
import { awsStoreOptionProblems, endpointForDisplay } from '../../provider/domain/aws-store-options';
import { checkDeclaredInputs } from '../../provider/domain/resource-inputs';
import { decodeSecretDocument, encodeSecretDocument, MAX_SECRET_STRING_BYTES, SECRET_DOCUMENT_SCHEMA_VERSION, secretDocumentBytes, secretDocumentSizeProblem } from '../../provider/domain/secret-document';
import * as handlers from '../../provider/pulumi/handlers';
import { CertificateStores } from '../../provider/pulumi/resource';
import type { PfxPayload as CertificatePayload } from '../../provider/ports/certificate-store';
import { bytesOf, entry } from '../support/pfx-corpus';

const NOW = new Date('2026-06-01T00:00:00Z');
const AWS = { kind: 'aws-secrets-manager', region: 'eu-west-1' };

describe('AWS store options', () => {
  it.each([
    ['a region that is not one', { region: 'Europe' }, 'The AWS Secrets Manager store option `region` is "Europe", not an AWS region; write it like "us-east-1"'],
    ['an endpoint that is not a URL', { region: 'us-east-1', endpoint: 'localhost:4566' }, '`endpoint` is not an http(s) URL without credentials'],
    ['an endpoint with credentials in it', { region: 'us-east-1', endpoint: 'https://user:pw@example.com' }, '`endpoint` is not an http(s) URL without credentials'],
    ['a recovery window of 3 days', { region: 'us-east-1', recoveryWindowDays: 3 }, '`recoveryWindowDays` is number 3; use a whole number of days from 7 to 30'],
    ['force delete with a window', { region: 'us-east-1', recoveryWindowDays: 7, forceDeleteWithoutRecovery: true }, 'exclude each other'],
    ['the owner tag set by hand', { region: 'us-east-1', tags: { 'sfb-oauth-cert:owner': 'x' } }, 'has the tag name "sfb-oauth-cert:owner"'],
    ['an aws: tag', { region: 'us-east-1', tags: { 'aws:cloudformation': 'x' } }, 'has the tag name "aws:cloudformation"'],
    ['a tag value with a newline', { region: 'us-east-1', tags: { team: 'a\nb' } }, 'has the tag team with a value that is not'],
    ['a description that is not a string', { region: 'us-east-1', description: 5 }, '`description` must be a string of at most 2048 characters; got number 5'],
  ])('refuses %s, naming the option and the fix', (_label, options, says) => {
    const problems = awsStoreOptionProblems(options as Record<string, unknown>);
    expect(problems.join(' ')).toContain(says);
    expect(() => CertificateStores.awsSecretsManager(options as never)).toThrow(says);
    expect(() => createAwsSecretsManagerStore(options as never)).toThrow(says);
    const { issues } = checkDeclaredInputs({ sipDomain: 'contoso.com', pfx: 'AAAA', store: { kind: 'aws-secrets-manager', ...options }, storePassphrase: null });
    expect(issues.map((i) => `${i.property}: ${i.message}`).join(' ')).toContain(`store: `);
  });

  it('keeps only the options given, and needs no passphrase', () => {
    const spec = CertificateStores.awsSecretsManager({ region: 'eu-west-1', tags: { team: 'uc' } });
    expect(spec).toEqual({ kind: 'aws-secrets-manager', region: 'eu-west-1', tags: { team: 'uc' } });
    const { issues } = checkDeclaredInputs({ sipDomain: 'contoso.com', pfx: 'AAAA', store: spec, storePassphrase: null });
    expect(issues).toEqual([]);
    // The local store still needs one.
    const local = checkDeclaredInputs({ sipDomain: 'contoso.com', pfx: 'AAAA', store: { kind: 'local', directory: '.sfb-store' }, storePassphrase: null });
    expect(local.issues.map((i) => i.property)).toEqual(['store']);
  });

  it('describes itself with the region and the endpoint, never a credential', () => {
    expect(createAwsSecretsManagerStore({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:4566' }).description).toBe('AWS Secrets Manager store in eu-west-1 at http://127.0.0.1:4566');
  });
});

describe('the secret document', () => {
  const fields = { pfxBase64: 'AAAA', password: 'pässwörd', thumbprint: 'A'.repeat(40), notAfter: '2035-01-01T00:00:00.000Z', effectiveDate: '2031-01-01T00:00:00.000Z' };

  it('encodes the same fields to the same bytes (a retried PutSecretValue is a no-op), with its schema version', () => {
    expect(encodeSecretDocument({ ...fields })).toBe(encodeSecretDocument(fields));
    expect(JSON.parse(encodeSecretDocument(fields))).toEqual({ format: 'sfb-oauth-cert/oauth-token-issuer', schemaVersion: 1, ...fields });
    expect(decodeSecretDocument(encodeSecretDocument(fields))).toEqual({ ok: true, fields });
  });

  it('carries an ACME account key when there is one, and reads a document written before it existed', () => {
    const accountKeyPem = '-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----\n';
    expect(decodeSecretDocument(encodeSecretDocument({ ...fields, acmeAccountKeyPem: accountKeyPem }))).toEqual({ ok: true, fields: { ...fields, acmeAccountKeyPem: accountKeyPem } });
    expect(decodeSecretDocument(encodeSecretDocument(fields))).toEqual({ ok: true, fields });
    expect(decodeSecretDocument(JSON.stringify({ format: 'sfb-oauth-cert/oauth-token-issuer', schemaVersion: 1, ...fields, acmeAccountKeyPem: 7 }))).toEqual({ ok: false, reason: 'its "acmeAccountKeyPem" is not a string' });
  });

  it('counts UTF-8 bytes, not characters', () => {
    expect(secretDocumentBytes(fields)).toBe(Buffer.byteLength(encodeSecretDocument(fields), 'utf8'));
  });

  it('refuses a document from a newer schema, and one that is not ours, naming no value', () => {
    expect(decodeSecretDocument(JSON.stringify({ format: 'sfb-oauth-cert/oauth-token-issuer', schemaVersion: SECRET_DOCUMENT_SCHEMA_VERSION + 1 }))).toMatchObject({ ok: false, newer: true });
    expect(decodeSecretDocument('hunter2')).toEqual({ ok: false, foreign: true, reason: 'the value is not JSON' });
  });

  // Foreign: someone else wrote it (drift, not damage); not foreign: ours, but damaged.
  it.each([
    ['not JSON', 'hello, not json', { foreign: true, reason: 'the value is not JSON' }],
    ['a JSON string', '"hunter2"', { foreign: true, reason: 'the value is not a JSON object' }],
    ['a rotation Lambda\'s JSON', '{"username":"app","password":"hunter2"}', { foreign: true, reason: 'its "format" is not "sfb-oauth-cert/oauth-token-issuer"' }],
    ['ours without its PFX', JSON.stringify({ format: 'sfb-oauth-cert/oauth-token-issuer', schemaVersion: 1, thumbprint: 'A'.repeat(40), password: 'hunter2' }), { reason: 'its "pfxBase64" is not a string' }],
    ['ours with a number as password', JSON.stringify({ format: 'sfb-oauth-cert/oauth-token-issuer', schemaVersion: 1, pfxBase64: 'hunter2', thumbprint: 'A'.repeat(40), password: 7 }), { reason: 'its "password" is neither a string nor null' }],
    ['ours without a thumbprint', JSON.stringify({ format: 'sfb-oauth-cert/oauth-token-issuer', schemaVersion: 1, pfxBase64: 'hunter2', password: null }), { reason: 'its "thumbprint" is not a string' }],
    ['ours with a date as a number', JSON.stringify({ format: 'sfb-oauth-cert/oauth-token-issuer', schemaVersion: 1, pfxBase64: 'hunter2', password: null, thumbprint: 'A'.repeat(40), notAfter: 1 }), { reason: 'its "notAfter" is not a string' }],
    ['ours with an effective date as an object', JSON.stringify({ format: 'sfb-oauth-cert/oauth-token-issuer', schemaVersion: 1, pfxBase64: 'hunter2', password: null, thumbprint: 'A'.repeat(40), effectiveDate: {} }), { reason: 'its "effectiveDate" is not a string' }],
  ])('sorts %s: foreign or damaged, naming no value', (_row, text, expected) => {
    const decoded = decodeSecretDocument(text);
    expect(decoded).toEqual({ ok: false, ...expected });
    expect(JSON.stringify(decoded)).not.toContain('hunter2');
  });

  it('draws the line at exactly 65,536 bytes', () => {
    const base = secretDocumentBytes({ ...fields, pfxBase64: '' });
    const fits = { ...fields, pfxBase64: 'A'.repeat(MAX_SECRET_STRING_BYTES - base) };
    expect(secretDocumentBytes(fits)).toBe(MAX_SECRET_STRING_BYTES);
    expect(secretDocumentSizeProblem(fits)).toBeUndefined();
    expect(secretDocumentSizeProblem({ ...fits, pfxBase64: `${fits.pfxBase64}A` })).toContain('65537-byte document');
  });
});

describe('the 65,536-byte limit on both stores: one measure, one code', () => {
  const thumbprint = 'C'.repeat(40);
  const notAfter = '2031-01-01T00:00:00.000Z';
  const versionId = `${thumbprint}-0123456789abcdef`;

  /** A payload whose document (with `notAfter`) is exactly `bytes` long: base64 of whole quads, the rest in the password. */
  function aPayloadOf(bytes: number): CertificatePayload {
    const base = secretDocumentBytes({ pfxBase64: '', password: '', thumbprint, notAfter });
    const pfxLength = Math.floor((bytes - base) / 4) * 4;
    const payload = { pfxBase64: 'A'.repeat(pfxLength), password: 'p'.repeat(bytes - base - pfxLength), thumbprint };
    expect(secretDocumentBytes({ ...payload, notAfter })).toBe(bytes);
    return payload;
  }

  const local = () => createLocalStore({ directory: join(mkdtempSync(join(tmpdir(), 'sfb-limit-')), 'store'), passphrase: 'limit-passphrase-77', scryptParams: { N: 1024, r: 8, p: 1 } });
  // Refused before any call: no endpoint or credentials are needed to see the refusal.
  const aws = () => createAwsSecretsManagerStore({ region: 'eu-west-1' });

  it.each([
    ['the local store', local],
    ['the AWS store', aws],
  ])('%s refuses a document of 65,537 bytes with SECRET_TOO_LARGE, naming sizes and no secret', async (_row, open) => {
    const payload = aPayloadOf(MAX_SECRET_STRING_BYTES + 1);
    const put = open().putVersion({ name: 'sfb/limit', versionId, payload, stage: 'current', notAfter });
    await expect(put).rejects.toMatchObject({ code: 'SECRET_TOO_LARGE' });
    const message = await put.catch((error: Error) => error.message);
    expect(message).toContain('65537-byte document');
    expect(message).not.toContain(payload.password!);
  });

  it('the local store takes a document of exactly 65,536 bytes', async () => {
    const payload = aPayloadOf(MAX_SECRET_STRING_BYTES);
    const store = local();
    await store.putVersion({ name: 'sfb/limit', versionId, payload, stage: 'current', notAfter });
    expect(await store.getVersion('sfb/limit', versionId)).toEqual(payload);
  });
});

describe('check and diff with the AWS store', () => {
  /** A valid PFX for contoso.com padded with chain certificates to about 68 KB of base64. */
  function aLargePfx(): { base64: string; password: string } {
    const dir = mkdtempSync(join(tmpdir(), 'sfb-large-pfx-'));
    const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem', '-days', '3650', '-subj', '/CN=sfb.contoso.com', '-addext', 'subjectAltName=DNS:sfb.contoso.com');
    run('req', '-x509', '-newkey', 'rsa:4096', '-nodes', '-keyout', 'ca-key.pem', '-out', 'ca.pem', '-days', '3650', '-subj', '/CN=Padding CA');
    writeFileSync(join(dir, 'chain.pem'), readFileSync(join(dir, 'ca.pem'), 'utf8').repeat(36));
    const password = 'large-pfx-password';
    run('pkcs12', '-export', '-inkey', 'key.pem', '-in', 'cert.pem', '-certfile', 'chain.pem', '-out', 'large.pfx', '-passout', `pass:${password}`);
    return { base64: readFileSync(join(dir, 'large.pfx')).toString('base64'), password };
  }

  const newsWith = (pfx: string, password: string | null, store: Record<string, unknown>, storePassphrase: string | null) => ({
    sipDomain: 'contoso.com',
    pfx,
    password,
    minKeyBits: 2048,
    warnBeforeExpiryDays: 30,
    store,
    storePassphrase,
    owner: 'organization/certs/prod',
    adopt: false,
  });

  it('fails a PFX whose document passes 65,536 bytes with SECRET_TOO_LARGE on `certificate`, in check; the local store takes it', async () => {
    const large = aLargePfx();
    expect(large.base64.length).toBeGreaterThan(MAX_SECRET_STRING_BYTES - 1000);
    // The certificate was made just now: check it as of now.
    const aws = await handlers.check({}, newsWith(large.base64, large.password, AWS, null), new Date());
    expect(aws.failures).toHaveLength(1);
    expect(aws.failures[0]?.property).toBe('certificate');
    expect(aws.failures[0]?.reason).toMatch(/^SECRET_TOO_LARGE: The certificate [0-9A-F]{40} would be stored in AWS Secrets Manager as a \d+-byte document/);
    expect(aws.failures[0]?.reason).not.toContain(large.password);
    const local = await handlers.check({}, newsWith(large.base64, large.password, { kind: 'local', directory: '.sfb-store' }, 'pass-phrase'), new Date());
    expect(local.failures.map((f) => f.reason.split(':')[0])).not.toContain('SECRET_TOO_LARGE');
  });

  it('passes an ordinary PFX', async () => {
    const A = entry('openssl3-default');
    const result = await handlers.check({}, newsWith(bytesOf(A).toString('base64'), A.password, AWS, null), NOW);
    expect(result.failures).toEqual([]);
  });

  it.each([
    ['another region', { region: 'us-east-1' }, { changes: true, replaces: ['store'] }],
    ['new tags', { tags: { team: 'uc' } }, { changes: true, replaces: [] }],
    ['another endpoint', { endpoint: 'https://vpce.example.com' }, { changes: true, replaces: [] }],
    ['the same options in another key order', {}, { changes: false, replaces: [] }],
  ])('diff: %s', (_label, change, expected) => {
    const state = { schemaVersion: 1, secretName: 's', versionId: 'v', store: { kind: 'aws-secrets-manager', region: 'eu-west-1', description: 'd' }, storePassphrase: null, owner: 'o/p/s' };
    const news = { ...state, store: { description: 'd', region: 'eu-west-1', kind: 'aws-secrets-manager', ...change } };
    expect(handlers.diff(state, news, NOW)).toMatchObject(expected);
  });
});

// What the store description (state's storeDescription, every message) shows of an endpoint,
// whichever variable it came from: never credentials.
describe('endpointForDisplay', () => {
  it.each([
    ['a plain endpoint', 'https://secretsmanager.eu-west-1.amazonaws.com', 'https://secretsmanager.eu-west-1.amazonaws.com'],
    ['a port and a path', 'http://127.0.0.1:4566/sm', 'http://127.0.0.1:4566/sm'],
    ['user and token', 'http://ci-user:s3cr3t-token@127.0.0.1:4566', 'http://127.0.0.1:4566'],
    ['a user alone', 'https://s3cr3t-token@vpce-0123.secretsmanager.us-east-1.vpce.amazonaws.com', 'https://vpce-0123.secretsmanager.us-east-1.vpce.amazonaws.com'],
    ['a query and a fragment', 'https://host.example/?X-Amz-Security-Token=s3cr3t-token#s3cr3t-token', 'https://host.example'],
    ['text that is not a URL', 's3cr3t-token', 'an endpoint that is not a URL'],
  ])('%s', (_row, endpoint, shown) => {
    expect(endpointForDisplay(endpoint)).toBe(shown);
    expect(endpointForDisplay(endpoint)).not.toContain('s3cr3t');
  });
});
