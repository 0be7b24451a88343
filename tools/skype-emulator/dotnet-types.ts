/**
 * The .NET surface the accepted scripts touch: type literals (`[datetime]`, `[System.TimeZoneInfo]`),
 * their static members and constructors (`[DateTime]::UtcNow`, `[DateTime]::new(ticks, kind)`,
 * `[PSCredential]::new(...)`), `$PSVersionTable`, and the instance members and methods of values
 * (`.Count`, `.Kind`, `.ToString('o')`, `.ToUniversalTime()`...).
 */
import type { SyntaxNode } from 'tree-sitter';
import { findWindows } from 'windows-iana';
import type { PsError } from './binder';
import { RSA_CERTIFICATE_EXTENSIONS, rsaCertificateExtensionsCall } from './certificate-provider';
import { formatRoundTrip, formatServerDate, wallClockInstant, type Culture } from './culture';
import { notModelled, runtimeError, unsupported } from './language-errors';
import {
  collapse, enumerate, invariantString, PsDate, PsEnum, PsHashtable, PsObject, PsRemote, PsSecret, truthy, typeNameOf, unwrap,
  type Edition, type PsValue,
} from './values';

/** What the .NET surface reads of the run: the clock, the session culture, what the script set. */
export interface DotNetContext {
  readonly now: Date;
  /** The session's culture: `[CultureInfo]::CurrentCulture`, `$date.ToString()`. */
  readonly culture: Culture;
  /** [Console]::OutputEncoding as the script set it, or null. */
  readonly outputEncoding: PsValue;
  /** Refuses a secret (a credential's password) that the script text or argv holds. */
  readonly checkSecretText: (secret: string, what: string) => void;
}

/** Type literals the emulator knows (full names; PowerShell also accepts them without `System.`). */
const TYPES = [
  'System.Console', 'System.Text.UTF8Encoding', 'System.TimeZoneInfo', 'System.Globalization.CultureInfo', 'System.DateTime',
  'System.DateTimeKind', 'System.Management.Automation.PSCredential', 'System.String', RSA_CERTIFICATE_EXTENSIONS,
];
const ACCELERATORS: Record<string, string> = {
  datetime: 'System.DateTime', cultureinfo: 'System.Globalization.CultureInfo', pscredential: 'System.Management.Automation.PSCredential',
  string: 'System.String',
};
const DATE_KINDS = ['Unspecified', 'Utc', 'Local'] as const;
const UNIX_EPOCH_TICKS = 621355968000000000n;

/** The full name of a type literal's type (`[datetime]` is System.DateTime), or TypeNotFound. */
export function resolveType(text: string): string {
  const name = text.replace(/^\[|\]$/g, '').trim();
  const lower = name.toLowerCase();
  const found = TYPES.find((t) => t.toLowerCase() === lower || t.toLowerCase() === `system.${lower}`) ?? ACCELERATORS[lower];
  if (!found) throw runtimeError('TypeNotFound', 'InvalidOperation', `Unable to find type [${name}].`);
  return found;
}

/** A type as a value (`[datetime]`, `$x.GetType()`). */
export const typeObject = (fullName: string): PsObject =>
  new PsObject('System.RuntimeType', [['FullName', fullName], ['Name', fullName.slice(fullName.lastIndexOf('.') + 1)], ['__ToString', fullName]]);

/** $PSVersionTable: Windows Server 2019's 5.1, or PowerShell 7.4. */
export function versionTable(edition: Edition): PsHashtable {
  if (edition === 'desktop') {
    return new PsHashtable([
      ['PSVersion', new PsObject('System.Version', [['Major', 5], ['Minor', 1], ['Build', 17763], ['Revision', 592], ['__ToString', '5.1.17763.592']])],
      ['PSEdition', 'Desktop'],
      ['BuildVersion', new PsObject('System.Version', [['__ToString', '10.0.17763.592']])],
      ['CLRVersion', new PsObject('System.Version', [['__ToString', '4.0.30319.42000']])],
      ['WSManStackVersion', new PsObject('System.Version', [['__ToString', '3.0']])],
      ['PSRemotingProtocolVersion', new PsObject('System.Version', [['__ToString', '2.3']])],
      ['SerializationVersion', new PsObject('System.Version', [['__ToString', '1.1.0.1']])],
    ]);
  }
  return new PsHashtable([
    ['PSVersion', new PsObject('System.Management.Automation.SemanticVersion', [['Major', 7], ['Minor', 4], ['Patch', 6], ['__ToString', '7.4.6']])],
    ['PSEdition', 'Core'],
    ['GitCommitId', '7.4.6'],
    ['OS', 'Microsoft Windows 10.0.17763'],
    ['Platform', 'Win32NT'],
    ['PSRemotingProtocolVersion', new PsObject('System.Version', [['__ToString', '2.3']])],
    ['SerializationVersion', new PsObject('System.Version', [['__ToString', '1.1.0.1']])],
    ['WSManStackVersion', new PsObject('System.Version', [['__ToString', '3.0']])],
  ]);
}

/** A property of a value (`$x.Name`), with member enumeration over arrays. */
export function memberValue(target: PsValue, name: string): PsValue {
  const lower = name.toLowerCase();
  if (target instanceof PsRemote) {
    if (lower === 'pscomputername') return target.computerName;
    if (lower === 'runspaceid') return target.runspaceId;
    if (lower === 'psshowcomputername') return true;
    return memberValue(target.value, name);
  }
  if (Array.isArray(target)) {
    if (lower === 'count' || lower === 'length') return target.length;
    // Member enumeration: the property of every element.
    return collapse(target.map((t) => memberValue(t, name)).flatMap(enumerate));
  }
  if (target instanceof PsObject) return lower.startsWith('__') ? null : (target.get(name) ?? null);
  if (target instanceof PsHashtable) {
    if (target.has(name)) return target.get(name) ?? null;
    if (lower === 'count') return target.entries.length;
    if (lower === 'keys') return target.entries.map(([k]) => k);
    return null;
  }
  if (typeof target === 'string' && lower === 'length') return target.length;
  if (target instanceof PsDate && lower === 'kind') return new PsEnum('System.DateTimeKind', target.kind, DATE_KINDS.indexOf(target.kind));
  if (target instanceof PsEnum && lower === 'value__') return target.value;
  return null;
}

function noMethod(target: PsValue, name: string): PsError {
  if (target === null) return runtimeError('InvokeMethodOnNull', 'InvalidOperation', 'You cannot call a method on a null-valued expression.');
  return runtimeError('MethodNotFound', 'InvalidOperation', `Method invocation failed because [${typeNameOf(target)}] does not contain a method named '${name}'.`);
}

function overload(name: string, count: number): PsError {
  return runtimeError('MethodCountCouldNotFindBest', 'NotSpecified', `Cannot find an overload for "${name}" and the argument count: "${count}".`);
}

/** `target.Method(args)`: the methods the scripts call on dates, strings and any object. */
export function method(given: PsValue, name: string, args: readonly PsValue[], timeZone: string, ctx: DotNetContext): PsValue {
  const target = unwrap(given);
  const lower = name.toLowerCase();
  if (target === null) throw noMethod(target, name);
  if (lower === 'gettype' && args.length === 0) return typeObject(typeNameOf(target));
  if (target instanceof PsDate) {
    if (lower === 'touniversaltime' && args.length === 0) return new PsDate(target.instant, 'Utc');
    if (lower === 'tolocaltime' && args.length === 0) return new PsDate(target.instant, 'Local');
    if (lower === 'tostring') {
      if (args.length === 0) return formatServerDate(target.instant, ctx.culture, target.kind === 'Utc' ? 'UTC' : timeZone);
      const format = invariantString(args[0] as PsValue, timeZone);
      if (args.length === 1 && (format === 'o' || format === 'O')) return formatRoundTrip(target.instant, target.kind, timeZone);
      throw notModelled(`The Skype emulator formats dates with ToString() and ToString('o') only, not '${format}' (docs/skype-emulator.md).`);
    }
  }
  if (lower === 'tostring') {
    if (args.length !== 0) throw overload(name, args.length);
    return invariantString(target, timeZone);
  }
  if (typeof target === 'string') {
    if (lower === 'trim' && args.length === 0) return target.trim();
    if (lower === 'tolower' && args.length === 0) return target.toLowerCase();
    if (lower === 'toupper' && args.length === 0) return target.toUpperCase();
  }
  throw noMethod(target, name);
}

function windowsZone(iana: string): string {
  const id = findWindows(iana)[0];
  if (!id) throw notModelled(`The time zone ${iana} has no Windows id in CLDR's map; configure the emulator with another zone.`);
  return id;
}

/** `[Type]::Member`. */
export function staticMember(type: string, name: string, timeZone: string, ctx: DotNetContext): PsValue {
  const lower = name.toLowerCase();
  switch (`${type}::${lower}`) {
    case 'System.TimeZoneInfo::local': {
      const id = windowsZone(timeZone);
      return new PsObject('System.TimeZoneInfo', [['Id', id], ['StandardName', id], ['DisplayName', id], ['__ToString', id]]);
    }
    case 'System.TimeZoneInfo::utc':
      return new PsObject('System.TimeZoneInfo', [['Id', 'UTC'], ['StandardName', 'Coordinated Universal Time'], ['DisplayName', '(UTC) Coordinated Universal Time'], ['__ToString', '(UTC) Coordinated Universal Time']]);
    case 'System.Globalization.CultureInfo::currentculture':
      return new PsObject('System.Globalization.CultureInfo', [['Name', ctx.culture], ['__ToString', ctx.culture]]);
    case 'System.Globalization.CultureInfo::invariantculture':
      return new PsObject('System.Globalization.CultureInfo', [['Name', ''], ['__ToString', '']]);
    case 'System.DateTimeKind::utc':
    case 'System.DateTimeKind::local':
    case 'System.DateTimeKind::unspecified': {
      const kind = DATE_KINDS.find((k) => k.toLowerCase() === lower) as (typeof DATE_KINDS)[number];
      return new PsEnum('System.DateTimeKind', kind, DATE_KINDS.indexOf(kind));
    }
    case 'System.DateTime::utcnow':
      return new PsDate(ctx.now, 'Utc');
    case 'System.DateTime::now':
      return new PsDate(ctx.now, 'Local');
    case 'System.Console::outputencoding':
      return ctx.outputEncoding ?? new PsObject('System.Text.SBCSCodePageEncoding', [['WebName', 'IBM437'], ['__ToString', 'System.Text.SBCSCodePageEncoding']]);
    default:
      throw unsupported({ text: `[${type}]::${name}`, startPosition: { row: 0, column: 0 } } as SyntaxNode, `the static member [${type}]::${name}`);
  }
}

/** `[Type]::new(args)`, the only static method the scripts call. */
export function staticCall(type: string, name: string, args: readonly PsValue[], timeZone: string, ctx: DotNetContext): PsValue {
  if (type === RSA_CERTIFICATE_EXTENSIONS) return rsaCertificateExtensionsCall(name, args);
  if (name.toLowerCase() !== 'new') throw unsupported({ text: `[${type}]::${name}()`, startPosition: { row: 0, column: 0 } } as SyntaxNode, `the static method [${type}]::${name}`);
  switch (type) {
    case 'System.Text.UTF8Encoding': {
      if (args.length > 1) throw overload(name, args.length);
      const bom = args.length === 1 ? truthy(args[0] as PsValue) : false;
      return new PsObject('System.Text.UTF8Encoding', [['WebName', 'utf-8'], ['EncodingName', 'Unicode (UTF-8)'], ['__bom', bom], ['__ToString', 'System.Text.UTF8Encoding']]);
    }
    case 'System.DateTime': {
      // new DateTime(ticks[, kind]): 100 ns since 0001-01-01; no string parsed, no culture.
      if (args.length < 1 || args.length > 2) throw overload(name, args.length);
      const ticksValue = unwrap(args[0] as PsValue);
      if (typeof ticksValue !== 'number' && typeof ticksValue !== 'bigint') {
        throw runtimeError('MethodArgumentConversionInvalidCastArgument', 'NotSpecified', `Cannot convert argument "ticks", with value: "${invariantString(ticksValue, timeZone)}", for "DateTime" to type "System.Int64".`);
      }
      const kindValue = args.length === 2 ? unwrap(args[1] as PsValue) : new PsEnum('System.DateTimeKind', 'Unspecified', 0);
      const kind = DATE_KINDS.find((k) => k.toLowerCase() === invariantString(kindValue, timeZone).toLowerCase());
      if (!kind) throw runtimeError('MethodArgumentConversionInvalidCastArgument', 'NotSpecified', `Cannot convert argument "kind", with value: "${invariantString(kindValue, timeZone)}", for "DateTime" to type "System.DateTimeKind".`);
      const ticks = BigInt(ticksValue);
      if (ticks < 0n || ticks > 3155378975999999999n) {
        throw runtimeError('MethodInvocationException', 'NotSpecified', 'Exception calling ".ctor" with "2" argument(s): "Ticks must be between DateTime.MinValue.Ticks and DateTime.MaxValue.Ticks."');
      }
      const ms = Number((ticks - UNIX_EPOCH_TICKS) / 10000n);
      if (kind === 'Utc') return new PsDate(new Date(ms), 'Utc');
      // Local or Unspecified ticks are a wall-clock time on this machine.
      const wall = new Date(ms);
      const instant = wallClockInstant({
        year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate(), hour: wall.getUTCHours(),
        minute: wall.getUTCMinutes(), second: wall.getUTCSeconds(), millisecond: wall.getUTCMilliseconds(),
      }, timeZone);
      return new PsDate(instant.ok ? instant.instant : wall, kind);
    }
    case 'System.Management.Automation.PSCredential': {
      if (args.length !== 2) throw overload(name, args.length);
      const [user, password] = [unwrap(args[0] as PsValue), unwrap(args[1] as PsValue)];
      if (!(password instanceof PsSecret)) {
        throw runtimeError('MethodArgumentConversionInvalidCastArgument', 'NotSpecified', `Cannot convert argument "password", with value: "${typeNameOf(password)}", for "PSCredential" to type "System.Security.SecureString": "Cannot convert the value of type "${typeNameOf(password)}" to type "System.Security.SecureString"."`);
      }
      const userName = invariantString(user, timeZone);
      if (userName === '') throw runtimeError('MethodInvocationException', 'NotSpecified', 'Exception calling ".ctor" with "2" argument(s): "Cannot process argument because the value of argument "userName" is not valid. Change the value of the "userName" argument and run the operation again."');
      ctx.checkSecretText(password.reveal(), 'the credential\'s password');
      return new PsObject('System.Management.Automation.PSCredential', [['UserName', userName], ['Password', password], ['__ToString', 'System.Management.Automation.PSCredential']]);
    }
    default:
      throw unsupported({ text: `[${type}]::new()`, startPosition: { row: 0, column: 0 } } as SyntaxNode, `[${type}]::new()`);
  }
}
