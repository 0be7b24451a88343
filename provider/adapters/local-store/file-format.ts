/**
 * The on-disk format of one secret file, format version 1:
 *
 * ```
 * {"format":"sfb-oauth-cert/local-store","formatVersion":1,"name":...,"kdf":{...},"cipher":{...}}\n
 * <AES-256-GCM ciphertext of the JSON body><16-byte GCM tag><32-byte SHA-256 of every byte before it>
 * ```
 *
 * - The header is plaintext JSON so an operator (and a later version) can see the format version
 *   and the scrypt parameters without the passphrase. Its exact bytes are the GCM additional
 *   authenticated data, so changing any of it fails decryption.
 * - The trailing SHA-256 is unkeyed. It separates accidental damage (truncation, a flipped bit:
 *   STORE_CORRUPT) from a wrong passphrase (checksum fine, GCM tag fails: STORE_WRONG_PASSPHRASE).
 *   GCM alone cannot tell the two apart.
 * - The key is scrypt(passphrase, salt, N, r, p) with the parameters read from the header, so the
 *   defaults can be raised later without breaking existing files.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

import { z } from 'zod';
import { SfbError } from '../../domain/errors';
import { builtOnFirstUse, isoInstant, jsonObject, worded } from '../../domain/schema-sentences';
import { payloadProblem } from '../../domain/certificate-payload';
import { STAGES } from '../../domain/stage-labels';
import type { SecretRecord, VersionRecord } from './record-decisions';

/** The value of the header's `format` field: identifies a local store file. */
export const FORMAT_ID = 'sfb-oauth-cert/local-store';

/** The format version this code writes and the newest it reads. */
export const FORMAT_VERSION = 1;

/**
 * What every header says before anything else is read: that it is a local store file, in which
 * format version, for which secret. One schema for the decoder and for `status`, which reads
 * headers without the passphrase (sealed-headers.ts), so both accept the same headers.
 */
export const headerIdentity = builtOnFirstUse(() =>
  z.looseObject({
    format: z.literal(FORMAT_ID),
    formatVersion: z.number().int().min(1),
    name: z.string(),
  }),
);

/** scrypt cost parameters, as recorded in every file header. */
export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  readonly N: number;
  /** Block size. */
  readonly r: number;
  /** Parallelisation. */
  readonly p: number;
}

/** The parameters new files get: about 32 MiB and 0.1 s per derivation on a current machine. */
export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };

/**
 * The most a file may ask for. The header is read before anything is authenticated, so without
 * a ceiling a crafted file could make the provider allocate gigabytes.
 */
const MAX_SCRYPT_N = 2 ** 20;
const MAX_SCRYPT_R = 32;
const MAX_SCRYPT_P = 16;
const MAX_SCRYPT_MEMORY_BYTES = 256 * 1024 * 1024;

const SALT_BYTES = 16;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const CHECKSUM_BYTES = 32;
/** The longest header this version writes is well under 1 KiB (names are at most 512 characters). */
const MAX_HEADER_BYTES = 4096;

interface HeaderV1 {
  readonly format: typeof FORMAT_ID;
  readonly formatVersion: 1;
  readonly name: string;
  readonly kdf: { readonly algorithm: 'scrypt'; readonly N: number; readonly r: number; readonly p: number; readonly salt: string };
  readonly cipher: { readonly algorithm: 'aes-256-gcm'; readonly iv: string };
}

/** A derived key and what it was derived with, so a rewrite of the same file can reuse it. */
export interface FileKey {
  readonly params: ScryptParams;
  readonly salt: Buffer;
  readonly key: Buffer;
}

/** Names used in messages about one file. */
export interface FileContext {
  /** Absolute path of the file. */
  readonly file: string;
  /** The secret the caller asked for. */
  readonly name: string;
  /** How the operator sets the passphrase, e.g. `the SFB_STORE_PASSPHRASE environment variable`. */
  readonly passphraseSource: string;
}

/** Returns an error message for parameters outside the accepted range, or `undefined` when usable. */
export function scryptParamsProblem(params: ScryptParams): string | undefined {
  const { N, r, p } = params;
  const isPowerOfTwo = Number.isInteger(N) && N >= 2 && (N & (N - 1)) === 0;
  if (!isPowerOfTwo || N < 2 ** 10 || N > MAX_SCRYPT_N) return `N=${N} is not a power of two from 2^10 to 2^20`;
  if (!Number.isInteger(r) || r < 1 || r > MAX_SCRYPT_R) return `r=${r} is not an integer from 1 to ${MAX_SCRYPT_R}`;
  if (!Number.isInteger(p) || p < 1 || p > MAX_SCRYPT_P) return `p=${p} is not an integer from 1 to ${MAX_SCRYPT_P}`;
  if (128 * N * r > MAX_SCRYPT_MEMORY_BYTES) return `N=${N} with r=${r} needs ${(128 * N * r) / 2 ** 20} MiB, more than 256 MiB`;
  return undefined;
}

/**
 * Derives and caches file keys for one passphrase. scrypt is deliberately slow, so a key is
 * derived once per (salt, parameters) per store instance; rewrites of a file keep its salt and
 * change only the IV (a random 96-bit IV per write is safe far beyond the writes one file sees).
 */
export class KeyRing {
  private readonly cache = new Map<string, Promise<Buffer>>();

  constructor(
    private readonly passphrase: string,
    /** Parameters for files this instance creates. */
    readonly params: ScryptParams,
  ) {}

  /** The key for a new file: fresh salt, this ring's parameters. */
  async fresh(): Promise<FileKey> {
    const salt = randomBytes(SALT_BYTES);
    return { params: this.params, salt, key: await this.derive(this.params, salt) };
  }

  /** The key for an existing file's salt and parameters. */
  derive(params: ScryptParams, salt: Buffer): Promise<Buffer> {
    const id = `${params.N}:${params.r}:${params.p}:${salt.toString('base64')}`;
    let key = this.cache.get(id);
    if (key === undefined) {
      // Bounded so a long-lived process touching many files does not keep every key.
      if (this.cache.size >= 64) this.cache.clear();
      key = scryptAsync(this.passphrase, salt, params);
      this.cache.set(id, key);
      key.catch(() => this.cache.delete(id));
    }
    return key;
  }
}

function scryptAsync(passphrase: string, salt: Buffer, { N, r, p }: ScryptParams): Promise<Buffer> {
  // OpenSSL refuses when its buffers (128*r*(N+2) + 128*r*p bytes) exceed maxmem, and Node's
  // default maxmem (32 MiB) is exactly what N=2^15, r=8 needs for V alone: give it room.
  const maxmem = 128 * r * (N + p + 2) + 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(passphrase.normalize('NFC'), salt, KEY_BYTES, { N, r, p, maxmem }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** Encrypts `record` into the bytes of a file. A fresh IV every time. */
export function encodeSecretFile(record: SecretRecord, fileKey: FileKey): Buffer {
  const iv = randomBytes(IV_BYTES);
  const header: HeaderV1 = {
    format: FORMAT_ID,
    formatVersion: FORMAT_VERSION,
    name: record.name,
    kdf: { algorithm: 'scrypt', ...pickParams(fileKey.params), salt: fileKey.salt.toString('base64') },
    cipher: { algorithm: 'aes-256-gcm', iv: iv.toString('base64') },
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const cipher = createCipheriv('aes-256-gcm', fileKey.key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(headerBytes);
  const plaintext = Buffer.from(JSON.stringify(record), 'utf8');
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  plaintext.fill(0);
  const body = Buffer.concat([headerBytes, Buffer.from('\n'), ciphertext]);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

/**
 * Decrypts a file. Order matters: the format version is checked before anything else a newer
 * version may have changed (the checksum, the header fields), so a newer file is reported as
 * STATE_UNSUPPORTED rather than corrupt.
 */
export async function decodeSecretFile(
  bytes: Buffer,
  context: FileContext,
  keys: KeyRing,
): Promise<{ readonly record: SecretRecord; readonly key: FileKey }> {
  if (bytes.length === 0) throw corrupt(context, 'it is empty');
  const newline = bytes.subarray(0, MAX_HEADER_BYTES + 1).indexOf(0x0a);
  if (newline < 0) throw corrupt(context, `it has no header line (no line break in its first ${MAX_HEADER_BYTES} bytes)`);
  const headerBytes = bytes.subarray(0, newline);
  let header: unknown;
  try {
    header = JSON.parse(headerBytes.toString('utf8'));
  } catch {
    throw corrupt(context, 'its header line is not valid JSON');
  }
  // The format, then the version, before anything a newer version may have changed.
  const identity = headerIdentity().pick({ format: true, formatVersion: true });
  if (!isObject(header) || !identity.shape.format.safeParse(header['format']).success) {
    throw corrupt(context, `it is not a local store file (its header lacks "format": "${FORMAT_ID}")`);
  }
  const version = identity.shape.formatVersion.safeParse(header['formatVersion']);
  if (!version.success) throw corrupt(context, 'its header has no valid formatVersion');
  const formatVersion = version.data;
  if (formatVersion > FORMAT_VERSION) {
    throw new SfbError(
      'STATE_UNSUPPORTED',
      `The local store file ${context.file} (secret "${context.name}") has format version ${formatVersion}, but this sfb-oauth-cert reads format version ${FORMAT_VERSION} only; the file was left unchanged. Upgrade sfb-oauth-cert to the version that wrote it.`,
    );
  }

  const minimum = newline + 1 + TAG_BYTES + CHECKSUM_BYTES;
  if (bytes.length < minimum) throw corrupt(context, `it is ${bytes.length} bytes long, too short to hold its ciphertext (it was truncated)`);
  const checked = bytes.subarray(0, bytes.length - CHECKSUM_BYTES);
  const checksum = bytes.subarray(bytes.length - CHECKSUM_BYTES);
  if (!timingSafeEqual(createHash('sha256').update(checked).digest(), checksum)) {
    throw corrupt(context, 'its checksum does not match its contents (it was truncated or altered)');
  }

  const fields = headerFields(header, context);
  if (fields.name !== context.name) {
    throw corrupt(context, `it holds secret ${JSON.stringify(fields.name)}, not the one asked for (it was renamed or copied from another secret's file)`);
  }
  const key = await keys.derive(fields.params, fields.salt);
  const sealed = bytes.subarray(newline + 1, bytes.length - CHECKSUM_BYTES);
  let plaintext: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, fields.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(headerBytes);
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    plaintext = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new SfbError(
      'STORE_WRONG_PASSPHRASE',
      `The local store file ${context.file} (secret "${context.name}") cannot be decrypted with ${context.passphraseSource}. The file's checksum is intact, so the passphrase is not the one the file was written with (or the file was edited by other means). The file was left unchanged. Set ${context.passphraseSource} to the passphrase used when the file was written.`,
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(plaintext.toString('utf8'));
  } catch {
    throw corrupt(context, 'its decrypted contents are not valid JSON');
  } finally {
    plaintext.fill(0);
  }
  return { record: bodyRecord(body, fields.name, context), key: { params: fields.params, salt: fields.salt, key } };
}

/**
 * The header's fields after its identity, in the order the decoder checks them: the name, the
 * key derivation, its parameters (bounded: the header is read before anything is authenticated),
 * the salt, the cipher, the IV. An issue's message is the detail of the STORE_CORRUPT sentence,
 * except a custom issue on `kdf.params`, which is the unsupported parameters' problem.
 */
const headerFieldSchemas = builtOnFirstUse(() => {
  const base64 = (length: number, field: string) => {
    const notBase64 = worded(() => `its header field ${field} is not ${length} bytes of base64`);
    return z
      .string(notBase64)
      .regex(/^[A-Za-z0-9+/]+={0,2}$/, notBase64)
      .transform((text) => Buffer.from(text, 'base64'))
      .refine((bytes) => bytes.length === length, notBase64);
  };
  const notScrypt = worded(() => 'its header does not name scrypt as the key derivation');
  const noParams = worded(() => 'its header lacks the scrypt parameters N, r and p');
  const params = z
    .object({ N: z.number(noParams), r: z.number(noParams), p: z.number(noParams) }, noParams)
    .superRefine((numeric, context) => {
      const problem = scryptParamsProblem(numeric);
      if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
    });
  const notGcm = worded(() => 'its header does not name aes-256-gcm as the cipher');
  return z.object({
    name: z.string(worded(() => 'its header has no secret name')),
    // N, r and p gathered under one key, so their bounds are checked before the salt is read.
    kdf: z.preprocess(
      (kdf) => {
        const fields = jsonObject.safeParse(kdf);
        if (!fields.success) return kdf;
        const { algorithm, N, r, p, salt } = fields.data;
        return { algorithm, params: { N, r, p }, salt };
      },
      z.object({ algorithm: z.literal('scrypt', notScrypt), params, salt: base64(SALT_BYTES, 'kdf.salt') }, notScrypt),
    ),
    cipher: z.object({ algorithm: z.literal('aes-256-gcm', notGcm), iv: base64(IV_BYTES, 'cipher.iv') }, notGcm),
  });
});

function headerFields(
  header: Record<string, unknown>,
  context: FileContext,
): { name: string; params: ScryptParams; salt: Buffer; iv: Buffer } {
  const parsed = headerFieldSchemas().safeParse(header);
  if (parsed.success) {
    const { name, kdf, cipher } = parsed.data;
    return { name, params: pickParams(kdf.params), salt: kdf.salt, iv: cipher.iv };
  }
  const issue = parsed.error.issues[0]!;
  if (issue.code === 'custom' && issue.path.join('.') === 'kdf.params') {
    // The checksum matched, so this was written on purpose, most likely by a newer version.
    throw new SfbError(
      'STATE_UNSUPPORTED',
      `The local store file ${context.file} (secret "${context.name}") asks for scrypt parameters this sfb-oauth-cert does not accept (${issue.message}); the file was left unchanged. Upgrade sfb-oauth-cert to the version that wrote it.`,
    );
  }
  throw corrupt(context, issue.message);
}

/**
 * The decrypted body's schemas. The secret's name, the uniqueness of version ids and of stages
 * across versions depend on the file and the versions before: the reader checks them between
 * the fields, in the order the fields are written.
 */
const bodySchemas = builtOnFirstUse(() => {
  const instantText = z.string().refine((text) => isoInstant.safeParse(text).success);
  return {
    top: z.object({
      name: z.string(),
      deletionDate: instantText.optional(),
      // Added within format version 1 (not yet released when owners came): a file without one
      // reads as unclaimed, and the next claim records its owner.
      owner: z.string().min(1).optional(),
      versions: z.array(z.unknown()),
    }),
    version: z.object({
      versionId: z.string(),
      stages: z.array(z.string().refine((stage): stage is VersionRecord['stages'][number] => (STAGES as readonly string[]).includes(stage))),
      createdAt: instantText,
      payload: z.custom<VersionRecord['payload']>().superRefine((payload, context) => {
        const problem = payloadProblem(payload);
        if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
      }),
    }),
  };
});

const VERSION_FIELDS = ['versionId', 'stages', 'createdAt', 'payload'] as const;

/** Checks the decrypted body field by field; a mismatch means a bug or a hand-made file. */
function bodyRecord(body: unknown, name: string, context: FileContext): SecretRecord {
  const fail = (where: string): never => {
    throw corrupt(context, `its decrypted contents do not match format version ${FORMAT_VERSION} (at ${where})`);
  };
  const schemas = bodySchemas();
  const top = schemas.top.safeParse(body);
  if (!top.success) {
    const issue = top.error.issues[0]!;
    if (issue.path.length === 0) return fail('the top level');
    // The name is checked first: a file of another secret is that, whatever else is wrong in it.
    if ((body as Record<string, unknown>)['name'] !== name) return fail('name');
    return fail(String(issue.path[0]));
  }
  const { deletionDate, owner, versions } = top.data;
  if (top.data.name !== name) fail('name');
  const seenIds = new Set<string>();
  const seenStages = new Set<string>();
  const records = versions.map((raw, index): VersionRecord => {
    const at = `versions[${index}]`;
    const parsed = schemas.version.safeParse(raw);
    const issue = parsed.success ? undefined : parsed.error.issues[0]!;
    if (issue !== undefined && issue.path.length === 0) return fail(at);
    // The first field with a problem, then the checks across versions before it, in field order.
    const first = issue === undefined ? VERSION_FIELDS.length : VERSION_FIELDS.indexOf(issue.path[0] as (typeof VERSION_FIELDS)[number]);
    const fields = raw as Record<string, unknown>;
    if (first === 0 || seenIds.has(fields['versionId'] as string)) return fail(`${at}.versionId`);
    seenIds.add(fields['versionId'] as string);
    if (first === 1 || (fields['stages'] as string[]).some((stage) => seenStages.has(stage))) return fail(`${at}.stages`);
    (fields['stages'] as string[]).forEach((stage) => seenStages.add(stage));
    if (first === 2) return fail(`${at}.createdAt`);
    if (issue !== undefined) return fail(`${at}.payload: ${issue.message}`);
    const version = parsed.data!;
    return { versionId: version.versionId, stages: STAGES.filter((stage) => version.stages.includes(stage)), createdAt: version.createdAt, payload: version.payload };
  });
  return { name, versions: records, ...(deletionDate === undefined ? {} : { deletionDate }), ...(owner === undefined ? {} : { owner }) };
}

function pickParams({ N, r, p }: ScryptParams): ScryptParams {
  return { N, r, p };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function corrupt(context: FileContext, detail: string): SfbError {
  return new SfbError(
    'STORE_CORRUPT',
    `The local store file ${context.file} (secret "${context.name}") is corrupt: ${detail}. The file was left unchanged. Restore it from a backup; if its certificate versions can be imported again, move the file aside and the next deployment writes a new one.`,
  );
}
