/**
 * pfxFromFile: clear SfbErrors naming the path, never a raw fs error, an abort on a huge file, or a
 * blocked program on a FIFO; PEM files get the PEM hint.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { pfxFromFile } from '../../../provider/pulumi/pfx-from-file';
import { CORPUS_DIR } from '../../support/pfx-corpus';
import { runChild } from './run-child';

const scratch = mkdtempSync(join(tmpdir(), 'sfb-pfx-from-file-'));
const valueOf = (output: pulumi.Output<string>): Promise<string> => new Promise((resolve) => output.apply((v) => resolve(v)));

describe('pfxFromFile', () => {
  it('returns a binary PFX as base64, and base64 text as the same base64, both secret', async () => {
    const binary = readFileSync(join(CORPUS_DIR, 'openssl3-default.pfx'));
    const fromBinary = pfxFromFile(join(CORPUS_DIR, 'openssl3-default.pfx'));
    const fromText = pfxFromFile(join(CORPUS_DIR, 'openssl3-default.pfx.b64'));
    expect(await valueOf(fromBinary)).toBe(binary.toString('base64'));
    expect(await valueOf(fromText)).toBe(binary.toString('base64'));
    expect(await pulumi.isSecret(fromBinary)).toBe(true);
  });

  it('reads base64 text saved by Windows PowerShell 5.1 (UTF-16 LE with a BOM, CRLF lines) as the same PFX', async () => {
    const text = readFileSync(join(CORPUS_DIR, 'openssl3-default.pfx.b64'), 'utf8').replace(/\n/g, '\r\n');
    const path = join(scratch, 'saved-by-5.1.pfx.b64');
    writeFileSync(path, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    expect(await valueOf(pfxFromFile(path))).toBe(readFileSync(join(CORPUS_DIR, 'openssl3-default.pfx')).toString('base64'));
  });

  it('says why it cannot read text with a byte order mark it cannot decode', () => {
    const path = join(scratch, 'utf32.pfx.b64');
    writeFileSync(path, Buffer.from([0xff, 0xfe, 0, 0, 0x4d, 0, 0, 0]));
    expect(() => pfxFromFile(path)).toThrow(expect.objectContaining({ code: 'PFX_UNREADABLE', message: expect.stringContaining("(it is UTF-32 (it starts with UTF-32's byte order mark); save it as UTF-8") }));
  });

  it('gives a PEM file the PEM hint, not "does not decode to PKCS#12"', () => {
    const pem = join(CORPUS_DIR, 'cert-and-key.pem');
    expect(() => pfxFromFile(pem)).toThrow(expect.objectContaining({ code: 'PFX_UNREADABLE', message: expect.stringContaining('it is PEM text; convert it with `openssl pkcs12 -export') }));
    expect(() => pfxFromFile(pem)).toThrow(expect.objectContaining({ message: expect.stringContaining(`PFX file "${pem}"`) }));
  });

  it('refuses a 100 MiB file as PFX_TOO_LARGE from its size (it used to abort Node)', () => {
    const path = join(scratch, 'huge.pfx');
    writeFileSync(path, '');
    truncateSync(path, 100 * 1024 * 1024);
    expect(() => pfxFromFile(path)).toThrow(
      expect.objectContaining({ code: 'PFX_TOO_LARGE', message: expect.stringContaining(`The PFX file "${path}" is 104,857,600 bytes, above the 1,048,576-byte limit`) }),
    );
  });

  it.each([
    ['a missing file', () => join(scratch, 'nope.pfx'), 'it does not exist (ENOENT)'],
    ['a directory', () => { const p = join(scratch, 'certs'); mkdirSync(p); return p; }, 'it is a directory (EISDIR)'],
    ['/dev/zero', () => '/dev/zero', 'it is a character device, not a regular file'],
  ])('refuses %s with PFX_UNREADABLE naming the path', (_row, pathOf, why) => {
    const path = pathOf();
    expect(() => pfxFromFile(path)).toThrow(expect.objectContaining({ code: 'PFX_UNREADABLE', message: expect.stringContaining(`Cannot read the PFX file "${path}": ${why}`) }));
  });

  it.each([[undefined], [42], ['']])('refuses a path of %p with INVALID_ARGUMENT', (path) => {
    expect(() => pfxFromFile(path as unknown as string)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('pfxFromFile needs the path of the PFX file as a string') }));
  });

  it('refuses a FIFO without blocking the program', async () => {
    const fifo = join(scratch, 's2s.pfx');
    execFileSync('mkfifo', [fifo]);
    const run = await runChild(
      `const { pfxFromFile } = require('./provider/pulumi/pfx-from-file');
       try { pfxFromFile(${JSON.stringify(fifo)}); } catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }`,
      30_000,
    );
    expect(run.timedOut).toBe(false);
    expect(JSON.parse(run.stdout)).toEqual({
      code: 'PFX_UNREADABLE',
      message: expect.stringContaining(`Cannot read the PFX file "${fifo}": it is a FIFO (named pipe), not a regular file`),
    });
  });
});
