/**
 * Parameter binding as PowerShell does it for compiled cmdlets, for the subset the emulator
 * accepts: names and aliases (case-insensitive, unique prefixes of names), switches (also
 * `-Switch:$false`), positional arguments, parameter-set resolution (default set, then the only
 * set whose mandatory parameters are all given), mandatory checks, and the conversions to the
 * documented parameter types. Messages are PowerShell 7's, word for word where PowerShell has one.
 */
import { formatServerDate, parseServerDate, type Culture } from './culture';
import { PsDate, PsObject, PsRemote, PsScriptBlock, PsSecret, typeNameOf, toPsString, type Edition, type PsValue } from './values';

/** What an ErrorRecord carries besides its message (docs/skype-emulator.md, "Errors"). */
export interface ErrorDetails {
  /** FullyQualifiedErrorId; default `<command>Failed` style ids are set by the raiser. */
  fqid?: string;
  /** CategoryInfo.Category (an ErrorCategory name). */
  category?: string;
  /** CategoryInfo.TargetName. */
  targetName?: string;
  /** The exception's .NET type (Exception.GetType().FullName). */
  exceptionType?: string;
  /** OriginInfo.PSComputerName: raised inside Invoke-Command on that server. */
  origin?: string;
  /** How far it stops: `script` (throw, -ErrorAction Stop) or `statement` (a cmdlet's terminating error). */
  terminating?: 'script' | 'statement';
  /** Remoting transport failures display as `[server] message`. */
  transport?: boolean;
  /** Where it was raised: line (1-based), column (1-based), the line's text, the extent's length. */
  position?: { line: number; column: number; text: string; length: number };
}

/** A PowerShell error record (raised, or written by a cmdlet); exit status 1 when not caught. */
export class PsError extends Error {
  override readonly name = 'PsError';
  readonly details: ErrorDetails;
  constructor(readonly command: string, message: string, details: ErrorDetails = {}) {
    super(message);
    this.details = { ...details };
  }

  get fqid(): string {
    return this.details.fqid ?? (this.command === '' ? 'RuntimeException' : `${this.command}Failed`);
  }

  get category(): string {
    return this.details.category ?? 'NotSpecified';
  }

  get exceptionType(): string {
    return this.details.exceptionType ?? 'System.Management.Automation.RuntimeException';
  }
}

/** A parameter binding failure: InvalidArgument, ParameterBindingException, `<id>,<cmdlet class>`. */
function bindError(spec: CmdletSpec, id: string, message: string): PsError {
  return new PsError(spec.name, message, {
    fqid: `${id},${spec.className ?? spec.name}`,
    category: 'InvalidArgument',
    exceptionType: 'System.Management.Automation.ParameterBindingException',
  });
}

export type ParamType =
  | 'String' | 'String[]' | 'CertType[]' | 'XdsIdentity' | 'DateTime' | 'Switch' | 'Boolean' | 'Int32'
  | 'CertificateReference' | 'ScriptBlock' | 'Object' | 'Object[]' | 'PSCredential' | 'AuthenticationMechanism'
  | 'ActionPreference';

/** .NET names, for messages. */
const DOTNET: Record<ParamType, string> = {
  String: 'System.String', 'String[]': 'System.String[]', 'CertType[]': 'Microsoft.Rtc.Management.Deployment.CertType[]',
  XdsIdentity: 'Microsoft.Rtc.Management.Xds.XdsIdentity', DateTime: 'System.DateTime', Switch: 'System.Management.Automation.SwitchParameter',
  Boolean: 'System.Boolean', Int32: 'System.Int32', CertificateReference: 'Microsoft.Rtc.Management.Deployment.CertificateReference',
  ScriptBlock: 'System.Management.Automation.ScriptBlock', Object: 'System.Object', 'Object[]': 'System.Object[]',
  PSCredential: 'System.Management.Automation.PSCredential', AuthenticationMechanism: 'System.Management.Automation.Runspaces.AuthenticationMechanism',
  ActionPreference: 'System.Management.Automation.ActionPreference',
};

/** AuthenticationMechanism's names (Invoke-Command -Authentication). */
export const AUTHENTICATION_MECHANISMS = ['Default', 'Basic', 'Negotiate', 'NegotiateWithImplicitCredential', 'Credssp', 'Digest', 'Kerberos'] as const;
/** ActionPreference's names (-ErrorAction, $ErrorActionPreference). Suspend exists in 5.1 only (workflows). */
export const ACTION_PREFERENCES = ['SilentlyContinue', 'Stop', 'Continue', 'Inquire', 'Ignore', 'Suspend', 'Break'] as const;

export interface ParamSpec {
  readonly name: string;
  readonly type: ParamType;
  readonly aliases?: readonly string[];
  /** The sets it belongs to; absent: every set of the cmdlet. */
  readonly sets?: readonly string[];
  /** The sets where it is mandatory. */
  readonly mandatoryIn?: readonly string[];
  /** Its position (0-based order among positional parameters), in `positionIn` sets (absent: all its sets). */
  readonly position?: number;
  readonly positionIn?: readonly string[];
  readonly byValue?: boolean;
  readonly byPropertyName?: boolean;
  /** A common parameter (accepted everywhere, does nothing in the emulator). */
  readonly common?: boolean;
  /** The editions that have it (absent: both). */
  readonly editions?: readonly Edition[];
}

export interface CmdletSpec {
  readonly name: string;
  /** The implementing class, for FullyQualifiedErrorIds. */
  readonly className?: string;
  readonly sets: readonly string[];
  readonly defaultSet?: string;
  readonly params: readonly ParamSpec[];
}

/** One command element after evaluation. */
export type Element =
  | { readonly kind: 'param'; readonly name: string; readonly colon?: { readonly value: PsValue } }
  | { readonly kind: 'arg'; readonly value: PsValue };

export interface BindContext {
  /** The session's culture: strings given to DateTime parameters are parsed in it. */
  readonly culture: Culture;
  /** The zone of the machine the cmdlet runs on: a parsed wall-clock time is taken in it. */
  readonly timeZone: string;
  readonly edition: Edition;
}

export interface Bound {
  readonly set: string;
  /** Converted values by canonical parameter name. */
  readonly values: ReadonlyMap<string, unknown>;
  has(name: string): boolean;
  get<T>(name: string): T | undefined;
}

/** The CommonParameters every cmdlet takes (names and aliases as PowerShell 7.4 has them). */
export const COMMON_PARAMETERS: readonly ParamSpec[] = [
  { name: 'Verbose', type: 'Switch', aliases: ['vb'], common: true },
  { name: 'Debug', type: 'Switch', aliases: ['db'], common: true },
  { name: 'ErrorAction', type: 'ActionPreference', aliases: ['ea'], common: true },
  { name: 'WarningAction', type: 'ActionPreference', aliases: ['wa'], common: true },
  { name: 'InformationAction', type: 'ActionPreference', aliases: ['infa'], common: true },
  // -ProgressAction came with PowerShell 7.4 (about_CommonParameters).
  { name: 'ProgressAction', type: 'ActionPreference', aliases: ['proga'], common: true, editions: ['core'] },
  { name: 'ErrorVariable', type: 'String', aliases: ['ev'], common: true },
  { name: 'WarningVariable', type: 'String', aliases: ['wv'], common: true },
  { name: 'InformationVariable', type: 'String', aliases: ['iv'], common: true },
  { name: 'OutVariable', type: 'String', aliases: ['ov'], common: true },
  { name: 'OutBuffer', type: 'Int32', aliases: ['ob'], common: true },
  { name: 'PipelineVariable', type: 'String', aliases: ['pv'], common: true },
];

/** -WhatIf and -Confirm, for cmdlets that document them. */
export const SHOULD_PROCESS_PARAMETERS: readonly ParamSpec[] = [
  { name: 'WhatIf', type: 'Switch', aliases: ['wi'], common: true },
  { name: 'Confirm', type: 'Switch', aliases: ['cf'], common: true },
];

/** CertType: the union of every value the docs list (skype-cmdlets.md section 0), one enum. */
export const CERT_TYPES = [
  'AccessEdgeExternal', 'AudioVideoAuthentication', 'DataEdgeExternal', 'Default', 'External', 'Internal',
  'WebServicesExternal', 'WebServicesInternal', 'WsFedTokenTransfer', 'PICWebService', 'ProvisionService',
  'iPhoneAPNService', 'iPadAPNService', 'MPNService', 'OAuthTokenIssuer', 'LogRetentionService',
  'SMPDNSWebService', 'TenantAdmin', 'UpgradeEngineService', 'XMPPServer',
] as const;

const AMBIGUOUS_SET =
  'Parameter set cannot be resolved using the specified named parameters. One or more parameters issued cannot be used together or an insufficient number of parameters were provided.';

function setsOf(spec: CmdletSpec, param: ParamSpec): readonly string[] {
  return param.sets ?? spec.sets;
}

/** Finds the parameter a `-Name` token means: exact name or alias, else a unique name prefix. */
function resolveName(spec: CmdletSpec, all: readonly ParamSpec[], token: string): ParamSpec {
  const lower = token.toLowerCase();
  const exact = all.find((p) => p.name.toLowerCase() === lower || (p.aliases ?? []).some((a) => a.toLowerCase() === lower));
  if (exact) return exact;
  const prefixed = all.filter((p) => p.name.toLowerCase().startsWith(lower));
  if (prefixed.length === 1) return prefixed[0] as ParamSpec;
  if (prefixed.length > 1) {
    throw bindError(spec, 'AmbiguousParameter', `Parameter cannot be processed because the parameter name '${token}' is ambiguous. Possible matches include: ${prefixed.map((p) => `-${p.name}`).join(' ')}.`);
  }
  throw bindError(spec, 'NamedParameterNotFound', `A parameter cannot be found that matches parameter name '${token}'.`);
}

function argText(value: PsValue, ctx: BindContext): string {
  if (value instanceof PsSecret) return 'System.Security.SecureString';
  return toPsString(value, (date) => formatServerDate(date.instant, ctx.culture, date.kind === 'Utc' ? 'UTC' : ctx.timeZone));
}

function cannotConvert(spec: CmdletSpec, param: ParamSpec, value: PsValue, ctx: BindContext, error: string, type = DOTNET[param.type]): PsError {
  return bindError(spec, 'CannotConvertArgumentNoMessage', `Cannot bind parameter '${param.name}'. Cannot convert value "${argText(value, ctx)}" to type "${type}". Error: "${error}"`);
}

function cannotConvertObject(spec: CmdletSpec, param: ParamSpec, value: PsValue, ctx: BindContext): PsError {
  return bindError(spec, 'CannotConvertArgument', `Cannot bind parameter '${param.name}'. Cannot convert the "${argText(value, ctx)}" value of type "${typeNameOf(value)}" to type "${DOTNET[param.type]}".`);
}

function enumValue(spec: CmdletSpec, param: ParamSpec, value: PsValue, ctx: BindContext, names: readonly string[]): string {
  const text = argText(value, ctx).trim();
  const found = names.find((n) => n.toLowerCase() === text.toLowerCase());
  if (!found) {
    throw cannotConvert(spec, param, value, ctx,
      `Unable to match the identifier name ${text} to a valid enumerator name. Specify one of the following enumerator names and try again: ${names.join(', ')}`);
  }
  return found;
}

const asList = (value: PsValue): PsValue[] => (Array.isArray(value) ? value : [value]);

/** Converts an argument to the parameter's type, or throws PowerShell's binding error. */
export function convertArgument(spec: CmdletSpec, param: ParamSpec, given: PsValue, ctx: BindContext): unknown {
  // A value that came through remoting binds as its own value.
  const value = given instanceof PsRemote ? given.value : given;
  switch (param.type) {
    case 'PSCredential':
      if (value instanceof PsObject && value.typeName === DOTNET.PSCredential) return value;
      // A user name would make PowerShell prompt for the password: -NonInteractive cannot.
      if (typeof value === 'string') {
        throw new PsError(spec.name, 'PowerShell is in NonInteractive mode. Read and Prompt functionality is not available.', { fqid: `CouldNotPromptForCredential,${spec.className ?? spec.name}`, category: 'InvalidOperation', exceptionType: 'System.Management.Automation.Host.HostException' });
      }
      throw cannotConvertObject(spec, param, value, ctx);
    case 'AuthenticationMechanism':
      return enumValue(spec, param, value, ctx, AUTHENTICATION_MECHANISMS);
    case 'ActionPreference': {
      const names = ctx.edition === 'desktop' ? ACTION_PREFERENCES.filter((n) => n !== 'Break') : ACTION_PREFERENCES.filter((n) => n !== 'Suspend');
      return enumValue(spec, param, value, ctx, names);
    }
    case 'Object':
      return value;
    case 'Object[]':
      return asList(value);
    case 'String':
      if (value instanceof PsScriptBlock || value instanceof PsObject || value instanceof PsSecret) throw cannotConvertObject(spec, param, value, ctx);
      return value === null ? null : argText(value, ctx);
    case 'String[]':
      return asList(value).map((v) => {
        if (v instanceof PsScriptBlock || v instanceof PsObject) throw cannotConvertObject(spec, param, v, ctx);
        return argText(v, ctx);
      });
    case 'CertType[]':
      return asList(value).map((v) => {
        const text = argText(v, ctx);
        const found = CERT_TYPES.find((t) => t.toLowerCase() === text.trim().toLowerCase());
        if (!found || typeof v !== 'string') {
          throw cannotConvert(spec, param, v, ctx,
            `Unable to match the identifier name ${text} to a valid enumerator name. Specify one of the following enumerator names and try again: ${CERT_TYPES.join(', ')}`,
            'Microsoft.Rtc.Management.Deployment.CertType');
        }
        return found;
      });
    case 'XdsIdentity': {
      if (typeof value !== 'string') throw cannotConvertObject(spec, param, value, ctx);
      if (value.trim().toLowerCase() !== 'global') {
        throw cannotConvert(spec, param, value, ctx, 'The Skype emulator models the global scope only: use -Identity Global (docs/skype-emulator.md).');
      }
      return 'Global';
    }
    case 'DateTime': {
      if (value instanceof PsDate) return value.instant;
      if (typeof value !== 'string') throw cannotConvert(spec, param, value, ctx, `Invalid cast from '${typeNameOf(value)}' to 'DateTime'.`);
      const parsed = parseServerDate(value, ctx.culture, ctx.timeZone);
      if (!parsed.ok) throw cannotConvert(spec, param, value, ctx, parsed.reason);
      return parsed.instant;
    }
    case 'Switch':
    case 'Boolean':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'number') return value !== 0;
      if (param.type === 'Switch') {
        throw bindError(spec, 'ParameterArgumentTransformationError', `Cannot process argument transformation on parameter '${param.name}'. Cannot convert the "${argText(value, ctx)}" value of type "${typeNameOf(value)}" to type "System.Management.Automation.SwitchParameter".`);
      }
      throw bindError(spec, 'ParameterArgumentTransformationError', `Cannot process argument transformation on parameter '${param.name}'. Cannot convert value "${typeNameOf(value)}" to type "System.Boolean". Boolean parameters accept only Boolean values and numbers, such as $True, $False, 1 or 0.`);
    case 'Int32': {
      if (typeof value === 'number') return value;
      const text = argText(value, ctx).trim();
      if (typeof value === 'string' && /^[+-]?\d+$/.test(text) && Math.abs(Number(text)) <= 2147483647) return Number(text);
      throw cannotConvert(spec, param, value, ctx, `The input string '${argText(value, ctx)}' was not in a correct format.`);
    }
    case 'CertificateReference':
      if (value instanceof PsObject && value.typeName === DOTNET.CertificateReference) return value;
      throw cannotConvertObject(spec, param, value, ctx);
    case 'ScriptBlock':
      if (value instanceof PsScriptBlock) return value;
      throw cannotConvertObject(spec, param, value, ctx);
  }
}

/**
 * Binds the command's elements (and whether pipeline input will come, bound ByValue per object
 * later) to one parameter set. Throws PsError as PowerShell would.
 */
export function bindParameters(spec: CmdletSpec, elements: readonly Element[], pipeline: { readonly byValue: boolean }, ctx: BindContext, extra: readonly ParamSpec[] = []): Bound {
  const all = [...spec.params, ...COMMON_PARAMETERS, ...extra].filter((p) => !p.editions || p.editions.includes(ctx.edition));
  const values = new Map<string, unknown>();
  const named = new Set<string>();
  const positional: PsValue[] = [];
  for (let i = 0; i < elements.length; i += 1) {
    const element = elements[i] as Element;
    if (element.kind === 'arg') {
      positional.push(element.value);
      continue;
    }
    const param = resolveName(spec, all, element.name);
    if (named.has(param.name)) {
      throw bindError(spec, 'ParameterAlreadyBound', `Cannot bind parameter because parameter '${param.name}' is specified more than once. To provide multiple values to parameters that can accept multiple values, use the array syntax. For example, "-parameter value1,value2,value3".`);
    }
    named.add(param.name);
    let raw: PsValue;
    if (element.colon) raw = element.colon.value;
    else if (param.type === 'Switch') raw = true;
    else {
      const next = elements[i + 1];
      if (!next || next.kind !== 'arg') {
        throw bindError(spec, 'MissingArgument', `Missing an argument for parameter '${param.name}'. Specify a parameter of type '${DOTNET[param.type]}' and try again.`);
      }
      raw = next.value;
      i += 1;
    }
    values.set(param.name, convertArgument(spec, param, raw, ctx));
  }

  let candidates = spec.sets.filter((set) => [...named].every((name) => {
    const param = all.find((p) => p.name === name) as ParamSpec;
    return param.common || setsOf(spec, param).includes(set);
  }));
  if (pipeline.byValue) {
    const takers = spec.params.filter((p) => p.byValue);
    if (takers.length === 0) {
      throw bindError(spec, 'InputObjectNotBound', 'The input object cannot be bound to any parameters for the command either because the command does not take pipeline input or the input and its properties do not match any of the parameters that take pipeline input.');
    }
    candidates = candidates.filter((set) => takers.some((p) => setsOf(spec, p).includes(set) && !values.has(p.name)));
  }
  if (candidates.length === 0) throw bindError(spec, 'AmbiguousParameterSet', AMBIGUOUS_SET);

  for (const value of positional) {
    const open = spec.params
      .filter((p) => p.position !== undefined && !values.has(p.name))
      .filter((p) => candidates.some((set) => (p.positionIn ?? setsOf(spec, p)).includes(set)))
      .sort((a, b) => (a.position as number) - (b.position as number));
    const param = open[0];
    if (!param) throw bindError(spec, 'PositionalParameterNotFound', `A positional parameter cannot be found that accepts argument '${argText(value, ctx)}'.`);
    values.set(param.name, convertArgument(spec, param, value, ctx));
    candidates = candidates.filter((set) => (param.positionIn ?? setsOf(spec, param)).includes(set));
  }

  const pipelineFills = (set: string): ReadonlySet<string> =>
    new Set(pipeline.byValue ? spec.params.filter((p) => p.byValue && setsOf(spec, p).includes(set)).map((p) => p.name) : []);
  const missingIn = (set: string): string[] =>
    spec.params.filter((p) => (p.mandatoryIn ?? []).includes(set) && !values.has(p.name) && !pipelineFills(set).has(p.name)).map((p) => p.name);

  let set: string;
  if (candidates.length === 1) set = candidates[0] as string;
  else if (spec.defaultSet !== undefined && candidates.includes(spec.defaultSet)) set = spec.defaultSet;
  else {
    const complete = candidates.filter((s) => missingIn(s).length === 0);
    if (complete.length !== 1) throw bindError(spec, 'AmbiguousParameterSet', AMBIGUOUS_SET);
    set = complete[0] as string;
  }
  const missing = missingIn(set);
  if (missing.length > 0) {
    // -NonInteractive: PowerShell cannot prompt for them.
    throw bindError(spec, 'MissingMandatoryParameter', `Cannot process command because of one or more missing mandatory parameters: ${missing.join(' ')}.`);
  }
  for (const param of spec.params) {
    if ((param.mandatoryIn ?? []).includes(set) && values.has(param.name) && param.type === 'String') {
      const v = values.get(param.name);
      if (v === null) throw bindError(spec, 'ParameterArgumentValidationErrorNullNotAllowed', `Cannot bind argument to parameter '${param.name}' because it is null.`);
      if (v === '') throw bindError(spec, 'ParameterArgumentValidationErrorEmptyStringNotAllowed', `Cannot bind argument to parameter '${param.name}' because it is an empty string.`);
    }
  }
  return {
    set,
    values,
    has: (name) => values.has(name),
    get: <T>(name: string) => values.get(name) as T | undefined,
  };
}
