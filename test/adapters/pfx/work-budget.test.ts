/**
 * Bounded work for hostile files: the whole key-derivation cost of a file and its bag count are
 * checked on the ASN.1 before any derivation runs, so a crafted file is refused in milliseconds
 * instead of stalling validation (before the fix: 35 s and 15.6 s for the first two rows, hours for
 * a 1 MiB file).
 */
import { createCipheriv, pbkdf2Sync } from 'node:crypto';
import { openPfxContainer, type OpenPfxOptions } from '../../../provider/adapters/pfx/pfx-container';
import { MAX_PFX_BAGS, MAX_PFX_WORK } from '../../../provider/adapters/pfx/kdf-work';
import { bytesOf, entry } from '../../support/pfx-corpus';
import {
  CRAFTED_IV, CRAFTED_SALT, craftedPfx, encryptedContent, nestedBag, OIDS, pbes2, pkcs12Pbe, plainContent, safeContents, secretBag, shroudedKeyBag,
} from './crafted-pfx';

const CAP = 5_000_000;
const options: OpenPfxOptions = { inputName: 'PFX file "crafted.pfx"', maxIterations: CAP };
const tripleDes = (iterations: number) => pkcs12Pbe(OIDS.pbeSha1TripleDes, iterations);

/** Opens `bytes`, returning the SfbError it is refused with and how long that took. */
async function refusal(bytes: Buffer, password: string | null = 'pw', extra: Partial<OpenPfxOptions> = {}) {
  const started = process.hrtime.bigint();
  const error = await openPfxContainer(bytes, password, { ...options, ...extra }).then(
    () => undefined,
    (e: unknown) => e as { code?: string; message: string },
  );
  return { error, ms: Number(process.hrtime.bigint() - started) / 1e6 };
}

describe('the per-file work budget', () => {
  it.each([
    [
      'four triple-DES parts at the per-derivation cap (the 35 s file)',
      craftedPfx([encryptedContent(tripleDes(CAP)), encryptedContent(tripleDes(CAP)), plainContent([shroudedKeyBag(tripleDes(CAP)), shroudedKeyBag(tripleDes(CAP))])]),
      'asks for 60,000,000 units of key-derivation work (2 encrypted parts: 30,000,000; 2 encrypted keys: 30,000,000), above the per-file limit of 20,000,000',
    ],
    [
      'a 5,000,000-round SHA-512 MAC (the 15.6 s file)',
      craftedPfx([plainContent([])], { hash: OIDS.sha512, iterations: CAP }),
      'asks for 35,000,000 units of key-derivation work (the MAC: 35,000,000), above the per-file limit of 20,000,000',
    ],
    [
      'a SHA-256 MAC and PBKDF2-SHA-512 parts, each under the cap',
      craftedPfx([encryptedContent(pbes2(4_000_000, OIDS.hmacSha512)), plainContent([shroudedKeyBag(pbes2(4_000_000, OIDS.hmacSha512))])], { hash: OIDS.sha256, iterations: 4_000_001 }),
      'asks for 20,000,001 units of key-derivation work (the MAC: 4,000,001; 1 encrypted part: 8,000,000; 1 encrypted key: 8,000,000), above the per-file limit of 20,000,000',
    ],
  ])('refuses %s before any derivation', async (_row, bytes, message) => {
    const { error, ms } = await refusal(bytes);
    expect(error).toMatchObject({ code: 'PFX_ITERATION_LIMIT' });
    expect(error?.message).toContain(`The PFX file "crafted.pfx" ${message}`);
    expect(error?.message).toContain('re-export it with a lower iteration count');
    // Refused on the ASN.1 alone: one derivation at these counts takes seconds.
    expect(ms).toBeLessThan(1000);
  });

  it('allows work up to the limit, and not one unit more', async () => {
    // At the limit is allowed, one unit over is not: the comparison is "above the limit".
    const bytes = craftedPfx([plainContent([shroudedKeyBag(tripleDes(1000))])], { hash: OIDS.sha1, iterations: 1000 });
    // MAC 1,000 + key (2 + 1 blocks) 3,000 = 4,000 units.
    expect((await refusal(bytes, 'pw', { maxWork: 3_999 })).error?.message).toContain('asks for 4,000 units');
    expect((await refusal(bytes, 'pw', { maxWork: 4_000 })).error).toMatchObject({ code: 'PFX_BAD_PASSWORD' });
  });

  it('counts what the real 600,000-iteration file costs: 1,800,000 units, well inside the budget', async () => {
    const bench = entry('iter-600k');
    const { error } = await refusal(bytesOf(bench), bench.password, { maxWork: 1_799_999 });
    expect(error?.message).toContain('asks for 1,800,000 units of key-derivation work (the MAC: 600,000; 1 encrypted part: 600,000; 1 encrypted key: 600,000)');
    expect(1_800_000 * 10).toBeLessThan(MAX_PFX_WORK);
    await expect(openPfxContainer(bytesOf(bench), bench.password, options)).resolves.toMatchObject({ hasMac: true });
  });

  it('reserves a second MAC run for an empty password, which may need the NULL spelling too', async () => {
    const bytes = craftedPfx([plainContent([])], { hash: OIDS.sha1, iterations: 1000 });
    expect((await refusal(bytes, '', { maxWork: 1_999 })).error?.message).toContain('asks for 2,000 units of key-derivation work (the MAC: 2,000)');
    expect((await refusal(bytes, 'pw', { maxWork: 1_999 })).error).toMatchObject({ code: 'PFX_BAD_PASSWORD' });
  });

  it('charges keys found inside an encrypted part to the same budget before deriving them', async () => {
    // A real AES-256 part (1,000 PBKDF2 iterations) whose plaintext hides two keys at the cap.
    const inner = safeContents([shroudedKeyBag(tripleDes(CAP)), shroudedKeyBag(tripleDes(CAP))]);
    const key = pbkdf2Sync(Buffer.from('pw', 'utf8'), CRAFTED_SALT, 1000, 32, 'sha256');
    const cipher = createCipheriv('aes-256-cbc', key, CRAFTED_IV);
    const ciphertext = Buffer.concat([cipher.update(inner), cipher.final()]);
    const { error, ms } = await refusal(craftedPfx([encryptedContent(pbes2(1000), ciphertext)]));
    expect(error).toMatchObject({ code: 'PFX_ITERATION_LIMIT' });
    expect(error?.message).toContain('asks for 30,001,000 units of key-derivation work (2 encrypted keys: 30,000,000, after 1,000 already reserved)');
    expect(ms).toBeLessThan(1000);
  });
});

describe('the bag and part limits', () => {
  it.each([
    ['101 bags in one part', craftedPfx([plainContent(Array.from({ length: MAX_PFX_BAGS + 1 }, secretBag))]), `holds more than ${MAX_PFX_BAGS} bags`],
    ['101 bags, most nested', craftedPfx([plainContent([nestedBag(Array.from({ length: MAX_PFX_BAGS }, secretBag))])]), `holds more than ${MAX_PFX_BAGS} bags`],
    ['17 parts', craftedPfx(Array.from({ length: 17 }, () => plainContent([secretBag()]))), 'has 17 content parts, above the limit of 16'],
  ])('refuses %s as PFX_TOO_LARGE, naming the limit', async (_row, bytes, message) => {
    const { error } = await refusal(bytes);
    expect(error).toMatchObject({ code: 'PFX_TOO_LARGE' });
    expect(error?.message).toContain(`The PFX file "crafted.pfx" ${message}`);
  });

  it('accepts 100 bags', async () => {
    const bytes = craftedPfx([plainContent(Array.from({ length: MAX_PFX_BAGS }, secretBag))]);
    await expect(openPfxContainer(bytes, 'pw', options)).resolves.toMatchObject({ hasMac: false, keys: [], certificates: [] });
  });
});

describe('legacy derivations on the main thread', () => {
  it('leave the event loop a turn between parts', async () => {
    // Three legacy parts that cannot decrypt: each costs one derivation on this thread.
    const bytes = craftedPfx([1, 2, 3].map(() => encryptedContent(tripleDes(20_000))));
    const order: string[] = [];
    const opened = openPfxContainer(bytes, 'pw', options).catch((e: { code: string }) => order.push(e.code));
    // Queued after the call started: before the fix, all three derivations ran first.
    setImmediate(() => order.push('other work'));
    await opened;
    expect(order).toEqual(['other work', 'PFX_BAD_PASSWORD']);
  });
});
