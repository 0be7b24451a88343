/**
 * The work budget of one PFX, so a hostile file cannot stall validation. Iteration counts and the
 * number of encrypted parts come from the file, so a per-KDF cap alone lets a hostile file multiply
 * its cost: a 421-byte file with four triple-DES parts at the cap took 35 s, a 124-byte file with a
 * 5,000,000-round SHA-512 MAC 15.6 s. The reader therefore sums the cost of every key derivation
 * the file asks for (the MAC and each encrypted part, read from the ASN.1) and refuses the file
 * before running any of them when the sum is over the budget; parts found only after decryption
 * (bags nested in an encrypted part) are charged to the same budget before their own derivations
 * start.
 *
 * Costs are in work units: one unit is one round of the PKCS#12 KDF with SHA-1 as implemented
 * here (iterated-hash.ts), the commonest legacy cost. Weights are measured, not assumed: Node 20,
 * the project's 2-core machine, best of 7 runs of 200,000 rounds each (ns per round, rounded):
 *
 *   PKCS#12 KDF, our kernels:        SHA-1 300, SHA-256 265
 *   PKCS#12 KDF, createHash a round: SHA-224 2088, SHA-384 1829, SHA-512 1924
 *   native PBKDF2 (per block):       SHA-1 213, SHA-224 237, SHA-256 224, SHA-384 498, SHA-512 475
 *
 * so each weight is the measured ratio to SHA-1's 300 ns, rounded up: 1, 1, 7, 7, 7 and
 * 1, 1, 1, 2, 2. A derivation costs iterations x blocks x weight, the blocks being the output
 * size over the hash size, rounded up (triple DES from SHA-1: a 24-byte key is 2 blocks and
 * its IV 1 more).
 */
import { SfbError } from '../../domain/errors';
import type { Pkcs12Hash } from './pkcs12-kdf';

/** Work units of the PKCS#12 KDF, per round, and each hash's output size in bytes. */
const PKCS12_KDF: Record<Pkcs12Hash, { weight: number; size: number }> = {
  sha1: { weight: 1, size: 20 },
  sha256: { weight: 1, size: 32 },
  sha224: { weight: 7, size: 28 },
  sha384: { weight: 7, size: 48 },
  sha512: { weight: 7, size: 64 },
};

/** Work units of native PBKDF2, per iteration of one output block, by PRF hash. */
const PBKDF2: Record<string, { weight: number; size: number }> = {
  sha1: { weight: 1, size: 20 },
  sha224: { weight: 1, size: 28 },
  sha256: { weight: 1, size: 32 },
  sha384: { weight: 2, size: 48 },
  sha512: { weight: 2, size: 64 },
};

/** The work of one PKCS#12 KDF run producing `length` bytes. */
export function pkcs12KdfWork(hash: Pkcs12Hash, iterations: number, length: number): number {
  const { weight, size } = PKCS12_KDF[hash];
  return Math.max(iterations, 1) * Math.ceil(length / size) * weight;
}

/** The work of one native PBKDF2 run producing `length` bytes with the HMAC of `prf`. */
export function pbkdf2Work(prf: string, iterations: number, length: number): number {
  const cost = PBKDF2[prf];
  if (!cost) throw new RangeError(`no PBKDF2 cost is known for ${prf}`);
  return Math.max(iterations, 1) * Math.ceil(length / cost.size) * cost.weight;
}

/**
 * The highest total work accepted for one file: at 0.3 microseconds a unit (measured above),
 * about 6 seconds of CPU on that machine, and never more, whatever the file says. It admits an
 * OpenSSL 3 file exported at the per-derivation cap (`-iter 5000000`: MAC + 2 PBKDF2 parts =
 * 15,000,000) with room to spare, and a 600,000-iteration file uses under a tenth of it
 * (1,800,000). Legacy (PKCS#12 PBE) derivations run on the main thread, one part per turn of
 * the event loop, so the longest single stall is one part: at most 15,000,000 units
 * (triple DES at the 5,000,000 cap), about 4.5 s.
 */
export const MAX_PFX_WORK = 20_000_000;

/**
 * The most SafeBags (certificates, keys and the rest, nested ones included) one file may hold.
 * An exported certificate has its key and a chain of a few certificates; a thousand tiny bags
 * are an attack on the parser, not a certificate.
 */
export const MAX_PFX_BAGS = 100;

/** The most parts (ContentInfos) in the AuthenticatedSafe: tools write one to three. */
export const MAX_PFX_CONTENTS = 16;

/** What a piece of work is for, as messages name it. */
export type WorkPurpose = 'MAC' | 'encrypted part' | 'encrypted key';

/** One key derivation (or a group the reader may repeat) and its cost in work units. */
export interface WorkItem {
  readonly purpose: WorkPurpose;
  readonly work: number;
}

export interface WorkLimits {
  readonly maxWork: number;
  readonly maxBags: number;
  readonly maxContents: number;
}

const count = (n: number): string => n.toLocaleString('en-US');

function describe(items: readonly WorkItem[]): string {
  const groups = new Map<WorkPurpose, { n: number; work: number }>();
  for (const item of items) {
    const group = groups.get(item.purpose) ?? { n: 0, work: 0 };
    groups.set(item.purpose, { n: group.n + 1, work: group.work + item.work });
  }
  return [...groups]
    .map(([purpose, { n, work }]) => (purpose === 'MAC' ? `the MAC: ${count(work)}` : `${n} ${purpose}${n === 1 ? '' : 's'}: ${count(work)}`))
    .join('; ');
}

/**
 * Keeps the running total of one file's key-derivation work and refuses, with
 * PFX_ITERATION_LIMIT, any reservation that would take it over the budget.
 */
export class WorkMeter {
  private spent = 0;

  constructor(
    private readonly inputName: string,
    private readonly limits: WorkLimits,
  ) {}

  /** Reserves the work of `items` before any of it runs; throws when the total would pass the budget. */
  reserve(items: readonly WorkItem[]): void {
    const asked = items.reduce((sum, item) => sum + item.work, 0);
    const total = this.spent + asked;
    if (total > this.limits.maxWork) {
      const before = this.spent > 0 ? `, after ${count(this.spent)} already reserved` : '';
      throw new SfbError(
        'PFX_ITERATION_LIMIT',
        `The ${this.inputName} asks for ${count(total)} units of key-derivation work (${describe(items)}${before}), above the ` +
          `per-file limit of ${count(this.limits.maxWork)} (a unit is one SHA-1 round of the PKCS#12 key derivation; ` +
          'the limit keeps a crafted file from stalling validation); re-export it with a lower iteration count and ' +
          'one encrypted part for the certificates and one for the key (OpenSSL: `openssl pkcs12 -export -iter 600000`).',
      );
    }
    this.spent = total;
  }

  /** Refuses an AuthenticatedSafe with more parts than the limit, before reading them. */
  checkContents(contents: number): void {
    if (contents > this.limits.maxContents) {
      throw new SfbError(
        'PFX_TOO_LARGE',
        `The ${this.inputName} has ${count(contents)} content parts, above the limit of ${count(this.limits.maxContents)} ` +
          '(tools write one to three); export the certificate with its key and chain alone.',
      );
    }
  }

  /** Refuses the bag that takes a file past the bag limit (`seen` counts it). */
  checkBags(seen: number): void {
    if (seen > this.limits.maxBags) {
      throw new SfbError(
        'PFX_TOO_LARGE',
        `The ${this.inputName} holds more than ${count(this.limits.maxBags)} bags (certificates, keys and other entries); ` +
          'a certificate file holds its key and a short chain: export the certificate with its key and chain alone.',
      );
    }
  }
}
