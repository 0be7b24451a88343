/**
 * PowerShell values as far as the accepted subset needs them, and ConvertTo-Json as PowerShell 7
 * writes them (docs/skype-emulator.md: dates as Local-kind DateTime values, ISO 8601 with the
 * server's offset).
 */
import type { SyntaxNode } from 'tree-sitter';
import { formatJsonDate } from './culture';

/** A .NET DateTime (kind Local on the server). */
export class PsDate {
  constructor(readonly instant: Date) {}
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

/** A hashtable (from Import-PowerShellDataFile): keys are case-insensitive. */
export class PsHashtable {
  constructor(readonly entries: ReadonlyArray<readonly [string, PsValue]>) {}
  get(name: string): PsValue | undefined {
    const lower = name.toLowerCase();
    return this.entries.find(([key]) => key.toLowerCase() === lower)?.[1];
  }
}

/** A `{ ... }` block: only Invoke-Command runs one. */
export class PsScriptBlock {
  constructor(readonly body: SyntaxNode) {}
}

export type PsValue = string | number | boolean | null | PsDate | PsObject | PsHashtable | PsScriptBlock | PsValue[];

/** The .NET type name PowerShell would show for a value. */
export function typeNameOf(value: PsValue): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return 'System.String';
  if (typeof value === 'number') return 'System.Int32';
  if (typeof value === 'boolean') return 'System.Boolean';
  if (value instanceof PsDate) return 'System.DateTime';
  if (value instanceof PsObject) return value.typeName;
  if (value instanceof PsHashtable) return 'System.Collections.Hashtable';
  if (value instanceof PsScriptBlock) return 'System.Management.Automation.ScriptBlock';
  return 'System.Object[]';
}

/** `[string]$value`, as PowerShell converts for a String parameter. */
export function toPsString(value: PsValue, timeZone: string): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value instanceof PsDate) return formatJsonDate(value.instant, timeZone);
  if (value instanceof PsScriptBlock) return value.body.text;
  if (Array.isArray(value)) return value.map((v) => toPsString(v, timeZone)).join(' ');
  return typeNameOf(value);
}

export interface JsonOptions {
  readonly depth: number;
  readonly compress: boolean;
  readonly timeZone: string;
}

/** What one value becomes in ConvertTo-Json, as a plain JSON value (truncated beyond `depth`). */
function toJsonValue(value: PsValue, level: number, options: JsonOptions, truncated: { hit: boolean }): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof PsDate) return formatJsonDate(value.instant, options.timeZone);
  if (value instanceof PsScriptBlock) return value.body.text;
  if (Array.isArray(value)) {
    if (level > options.depth) {
      truncated.hit = true;
      return toPsString(value, options.timeZone);
    }
    return value.map((v) => toJsonValue(v, level + 1, options, truncated));
  }
  if (level > options.depth) {
    truncated.hit = true;
    return typeNameOf(value);
  }
  const entries = value instanceof PsObject ? value.properties : value.entries;
  return Object.fromEntries(entries.map(([k, v]) => [k, toJsonValue(v, level + 1, options, truncated)]));
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
  // PowerShell 7 indents by two spaces and writes `"key": value`, as JSON.stringify does.
  return { text: options.compress ? JSON.stringify(plain) : JSON.stringify(plain, null, 2), truncated: truncated.hit };
}
