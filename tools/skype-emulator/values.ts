/**
 * PowerShell values as far as the accepted subset needs them, and ConvertTo-Json in both
 * editions (docs/skype-emulator.md): PowerShell 7 writes a DateTime as ISO 8601 (Newtonsoft),
 * Windows PowerShell 5.1 as `"\/Date(ms)\/"` through .NET's JavaScriptSerializer, which also
 * escapes `<`, `>` and `'` as \u escapes (fixtures from Mono: test/fixtures/dotnet/).
 */
import type { SyntaxNode } from 'tree-sitter';
import { formatJsonDate, formatRoundTrip } from './culture';

/** The two shells the emulator models: Windows PowerShell 5.1 and PowerShell 7. */
export type Edition = 'desktop' | 'core';

/** A .NET DateTime: an instant and its Kind (Local dates are in the machine's zone). */
export class PsDate {
  constructor(readonly instant: Date, readonly kind: 'Local' | 'Utc' | 'Unspecified' = 'Local') {}
}

/** An object with ordered properties, e.g. a CertificateReference. */
export class PsObject {
  constructor(
    /** The .NET type name, e.g. Microsoft.Rtc.Management.Deployment.CertificateReference. */
    readonly typeName: string,
    readonly properties: ReadonlyArray<readonly [string, PsValue]>,
  ) {}

  get(name: string): PsValue | undefined {
    const lower = name.toLowerCase();
    return this.properties.find(([key]) => key.toLowerCase() === lower)?.[1];
  }

  has(name: string): boolean {
    const lower = name.toLowerCase();
    return this.properties.some(([key]) => key.toLowerCase() === lower);
  }
}

/** A hashtable (`@{}`, `[ordered]@{}`, Import-PowerShellDataFile): keys are case-insensitive. */
export class PsHashtable {
  constructor(readonly entries: ReadonlyArray<readonly [string, PsValue]>, readonly ordered = false) {}
  get(name: string): PsValue | undefined {
    const lower = name.toLowerCase();
    return this.entries.find(([key]) => key.toLowerCase() === lower)?.[1];
  }
  has(name: string): boolean {
    const lower = name.toLowerCase();
    return this.entries.some(([key]) => key.toLowerCase() === lower);
  }
}

/** A `{ ... }` block: Invoke-Command runs one, Select-Object evaluates one per object. */
export class PsScriptBlock {
  constructor(readonly body: SyntaxNode) {}
}

/** An enum value: prints as its name, serializes to JSON as its number (both editions). */
export class PsEnum {
  constructor(readonly typeName: string, readonly name: string, readonly value: number) {}
}

/** A value that arrived through remoting: a string or number carrying PSComputerName. */
export class PsRemote {
  constructor(readonly value: string | number | boolean | PsDate, readonly computerName: string, readonly runspaceId: string) {}
}

/** A SecureString: its text is never printed, serialized or compared. */
export class PsSecret {
  readonly #text: string;
  constructor(text: string) {
    this.#text = text;
  }
  reveal(): string {
    return this.#text;
  }
}

export type PsValue =
  | string | number | bigint | boolean | null
  | PsDate | PsObject | PsHashtable | PsScriptBlock | PsEnum | PsRemote | PsSecret | PsValue[];

/** The .NET type name PowerShell would show for a value. */
export function typeNameOf(value: PsValue): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return 'System.String';
  if (typeof value === 'number') return Number.isInteger(value) && Math.abs(value) <= 2147483647 ? 'System.Int32' : Number.isInteger(value) ? 'System.Int64' : 'System.Double';
  if (typeof value === 'bigint') return 'System.Int64';
  if (typeof value === 'boolean') return 'System.Boolean';
  if (value instanceof PsDate) return 'System.DateTime';
  if (value instanceof PsObject) return value.typeName;
  if (value instanceof PsHashtable) return value.ordered ? 'System.Collections.Specialized.OrderedDictionary' : 'System.Collections.Hashtable';
  if (value instanceof PsScriptBlock) return 'System.Management.Automation.ScriptBlock';
  if (value instanceof PsEnum) return value.typeName;
  if (value instanceof PsRemote) return typeNameOf(value.value);
  if (value instanceof PsSecret) return 'System.Security.SecureString';
  return 'System.Object[]';
}

/** A remote value's own value (strings, numbers); anything else as it is. */
export function unwrap(value: PsValue): PsValue {
  return value instanceof PsRemote ? value.value : value;
}

/**
 * `[string]$value`, as PowerShell converts for a String parameter or `+`. Dates use `formatDate`
 * (the culture's "G" pattern in the session, or invariant for casts: the caller decides).
 */
export function toPsString(value: PsValue, formatDate: (date: PsDate) => string): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value instanceof PsDate) return formatDate(value);
  if (value instanceof PsScriptBlock) return value.body.text.replace(/^\{|\}$/g, '');
  if (value instanceof PsEnum) return value.name;
  if (value instanceof PsRemote) return toPsString(value.value, formatDate);
  if (Array.isArray(value)) return value.map((v) => toPsString(v, formatDate)).join(' ');
  if (value instanceof PsObject) {
    const message = value.typeName === 'System.Management.Automation.ErrorRecord' ? value.get('Exception') : undefined;
    if (message instanceof PsObject) return toPsString(message.get('Message') ?? null, formatDate);
    const text = value.get('__ToString');
    if (typeof text === 'string') return text;
  }
  return typeNameOf(value);
}

/** A pipeline's output as one value: nothing is $null, one object is itself, more are an array. */
export const collapse = (values: readonly PsValue[]): PsValue => (values.length === 0 ? null : values.length === 1 ? (values[0] as PsValue) : [...values]);

/** A value as the pipeline enumerates it: an array's items, nothing for $null, else the value. */
export const enumerate = (value: PsValue): PsValue[] => (Array.isArray(value) ? value : value === null ? [] : [value]);

/** PowerShell's truthiness ([bool]$x). */
export function truthy(value: PsValue): boolean {
  const v = unwrap(value);
  if (v === null) return false;
  if (typeof v === 'string') return v !== '';
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'bigint') return v !== 0n;
  if (typeof v === 'boolean') return v;
  if (v instanceof PsEnum) return v.value !== 0;
  if (Array.isArray(v)) return v.length > 1 || (v.length === 1 && truthy(v[0] as PsValue));
  return true;
}

/** DateTime conversions in the language (casts, `+`, `"$d"`) use the invariant culture. */
function invariantDate(date: PsDate, zone: string): string {
  return formatRoundTrip(date.instant, date.kind === 'Utc' ? 'Utc' : 'Unspecified', zone).replace(/^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2}:\d{2}).*$/, '$2/$3/$1 $4');
}

/** `[string]$value` in the language (invariant culture for dates, Local ones in `timeZone`). */
export function invariantString(value: PsValue, timeZone: string): string {
  return toPsString(value, (date) => invariantDate(date, timeZone));
}

export interface JsonOptions {
  readonly depth: number;
  readonly compress: boolean;
  /** The zone of the machine that serializes (a Local DateTime's offset, in PowerShell 7). */
  readonly timeZone: string;
  readonly edition: Edition;
}

/** The 5.1 form of a DateTime: milliseconds since 1970 UTC (JavaScriptSerializer). */
export const DATE_MARKER = '\u0000date:';

/** What one value becomes in ConvertTo-Json, as a plain JSON value (truncated beyond `depth`). */
function toJsonValue(value: PsValue, level: number, options: JsonOptions, truncated: { hit: boolean }): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof PsRemote) return toJsonValue(value.value, level, options, truncated);
  if (value instanceof PsEnum) return value.value;
  if (value instanceof PsDate) {
    return options.edition === 'desktop' ? `${DATE_MARKER}${value.instant.getTime()}` : formatJsonDate(value.instant, value.kind === 'Utc' ? 'UTC' : options.timeZone);
  }
  if (value instanceof PsScriptBlock) return toPsString(value, () => '');
  if (value instanceof PsSecret) return {};
  if (Array.isArray(value)) {
    if (level > options.depth) {
      truncated.hit = true;
      return toPsString(value, () => '');
    }
    return value.map((v) => toJsonValue(v, level + 1, options, truncated));
  }
  if (level > options.depth) {
    truncated.hit = true;
    return toPsString(value, () => '');
  }
  const entries = value instanceof PsObject ? value.properties.filter(([k]) => !k.startsWith('__')) : value.entries;
  return Object.fromEntries(entries.map(([k, v]) => [k, toJsonValue(v, level + 1, options, truncated)]));
}

/**
 * A string as .NET's JavaScriptSerializer writes it (HttpUtility.JavaScriptStringEncode):
 * `"` `\` and control characters escaped, and `<` `>` `'` as \u003c \u003e \u0027 (not `&`: Mono's fixture).
 */
function javaScriptSerializerString(text: string): string {
  if (text.startsWith(DATE_MARKER)) return `"\\/Date(${text.slice(DATE_MARKER.length)})\\/"`;
  let out = '"';
  for (const c of text) {
    const code = c.charCodeAt(0);
    if (c === '"') out += '\\"';
    else if (c === '\\') out += '\\\\';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (c === '\b') out += '\\b';
    else if (c === '\f') out += '\\f';
    else if (code < 0x20 || c === '<' || c === '>' || c === "'") out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += c;
  }
  return `${out}"`;
}

/** JSON text as 5.1 writes it (compressed: JavaScriptSerializer's own output). */
function desktopJson(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return javaScriptSerializerString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(desktopJson).join(',')}]`;
  return `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${javaScriptSerializerString(k)}:${desktopJson(v)}`).join(',')}}`;
}

/**
 * 5.1 indents what JavaScriptSerializer wrote with its own formatter: four spaces per level,
 * two spaces after each colon, arrays' items aligned under their bracket.
 */
function desktopIndented(value: unknown, indent: number): string {
  const pad = (n: number): string => ' '.repeat(n);
  if (value === null || typeof value !== 'object') return desktopJson(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[\n\n' + pad(indent) + ']';
    return `[\n${value.map((v) => pad(indent + 4) + desktopIndented(v, indent + 4)).join(',\n')}\n${pad(indent)}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '{\n\n' + pad(indent) + '}';
  return `{\n${entries.map(([k, v]) => {
    const key = `${pad(indent + 4)}${javaScriptSerializerString(k)}:  `;
    return key + desktopIndented(v, key.length);
  }).join(',\n')}\n${pad(indent)}}`;
}

/**
 * ConvertTo-Json of the collected pipeline input: one value as itself, several as an array,
 * `asArray` always an array. Returns the text and whether the depth truncated anything (PowerShell
 * then warns).
 */
export function convertToJson(values: readonly PsValue[], asArray: boolean, options: JsonOptions): { text: string; truncated: boolean } {
  const truncated = { hit: false };
  const top: PsValue = asArray || values.length !== 1 ? [...values] : (values[0] as PsValue);
  const plain = Array.isArray(top) ? top.map((v) => toJsonValue(v, 0, options, truncated)) : toJsonValue(top, 0, options, truncated);
  if (options.edition === 'desktop') {
    return { text: options.compress ? desktopJson(plain) : desktopIndented(plain, 0), truncated: truncated.hit };
  }
  // PowerShell 7 indents by two spaces and writes `"key": value`, as JSON.stringify does.
  return { text: options.compress ? JSON.stringify(plain) : JSON.stringify(plain, null, 2), truncated: truncated.hit };
}
