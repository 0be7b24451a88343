/**
 * Parameter binding as PowerShell does it for compiled cmdlets, for the subset the emulator
 * accepts: names and aliases (case-insensitive, unique prefixes of names), switches (also
 * `-Switch:$false`), positional arguments, parameter-set resolution (default set, then the only
 * set whose mandatory parameters are all given), mandatory checks, and the conversions to the
 * documented parameter types. Messages are PowerShell 7's, word for word where PowerShell has one.
 */
import { parseServerDate, type Culture } from './culture';
import { PsDate, PsObject, PsScriptBlock, typeNameOf, toPsString, type PsValue } from './values';

/** A PowerShell error: printed as `<command>: <message>` (ConciseView), exit status 1. */
export class PsError extends Error {
  override readonly name = 'PsError';
  constructor(readonly command: string, message: string) {
    super(message);
  }
}

export type ParamType =
  | 'String' | 'String[]' | 'CertType[]' | 'XdsIdentity' | 'DateTime' | 'Switch' | 'Boolean' | 'Int32'
  | 'CertificateReference' | 'ScriptBlock' | 'Object' | 'Object[]';

/** .NET names, for messages. */
const DOTNET: Record<ParamType, string> = {
  String: 'System.String', 'String[]': 'System.String[]', 'CertType[]': 'Microsoft.Rtc.Management.Deployment.CertType[]',
  XdsIdentity: 'Microsoft.Rtc.Management.Xds.XdsIdentity', DateTime: 'System.DateTime', Switch: 'System.Management.Automation.SwitchParameter',
  Boolean: 'System.Boolean', Int32: 'System.Int32', CertificateReference: 'Microsoft.Rtc.Management.Deployment.CertificateReference',
  ScriptBlock: 'System.Management.Automation.ScriptBlock', Object: 'System.Object', 'Object[]': 'System.Object[]',
};

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
}

export interface CmdletSpec {
  readonly name: string;
  readonly sets: readonly string[];
  readonly defaultSet?: string;
  readonly params: readonly ParamSpec[];
}

/** One command element after evaluation. */
export type Element =
  | { readonly kind: 'param'; readonly name: string; readonly colon?: { readonly value: PsValue } }
  | { readonly kind: 'arg'; readonly value: PsValue };

export interface BindContext {
  readonly culture: Culture;
  readonly timeZone: string;
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
  { name: 'ErrorAction', type: 'String', aliases: ['ea'], common: true },
  { name: 'WarningAction', type: 'String', aliases: ['wa'], common: true },
  { name: 'InformationAction', type: 'String', aliases: ['infa'], common: true },
  { name: 'ProgressAction', type: 'String', aliases: ['proga'], common: true },
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
    throw new PsError(spec.name, `Parameter cannot be processed because the parameter name '${token}' is ambiguous. Possible matches include: ${prefixed.map((p) => `-${p.name}`).join(' ')}.`);
  }
  throw new PsError(spec.name, `A parameter cannot be found that matches parameter name '${token}'.`);
}

function argText(value: PsValue, ctx: BindContext): string {
  return toPsString(value, ctx.timeZone);
}

function cannotConvert(spec: CmdletSpec, param: ParamSpec, value: PsValue, ctx: BindContext, error: string, type = DOTNET[param.type]): PsError {
  return new PsError(spec.name, `Cannot bind parameter '${param.name}'. Cannot convert value "${argText(value, ctx)}" to type "${type}". Error: "${error}"`);
}

function cannotConvertObject(spec: CmdletSpec, param: ParamSpec, value: PsValue, ctx: BindContext): PsError {
  return new PsError(spec.name, `Cannot bind parameter '${param.name}'. Cannot convert the "${argText(value, ctx)}" value of type "${typeNameOf(value)}" to type "${DOTNET[param.type]}".`);
}

const asList = (value: PsValue): PsValue[] => (Array.isArray(value) ? value : [value]);

/** Converts an argument to the parameter's type, or throws PowerShell's binding error. */
export function convertArgument(spec: CmdletSpec, param: ParamSpec, value: PsValue, ctx: BindContext): unknown {
  switch (param.type) {
    case 'Object':
      return value;
    case 'Object[]':
      return asList(value);
    case 'String':
      if (value instanceof PsScriptBlock || value instanceof PsObject) throw cannotConvertObject(spec, param, value, ctx);
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
        throw new PsError(spec.name, `Cannot process argument transformation on parameter '${param.name}'. Cannot convert the "${argText(value, ctx)}" value of type "${typeNameOf(value)}" to type "System.Management.Automation.SwitchParameter".`);
      }
      throw new PsError(spec.name, `Cannot process argument transformation on parameter '${param.name}'. Cannot convert value "${typeNameOf(value)}" to type "System.Boolean". Boolean parameters accept only Boolean values and numbers, such as $True, $False, 1 or 0.`);
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
  const all = [...spec.params, ...COMMON_PARAMETERS, ...extra];
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
      throw new PsError(spec.name, `Cannot bind parameter because parameter '${param.name}' is specified more than once. To provide multiple values to parameters that can accept multiple values, use the array syntax. For example, "-parameter value1,value2,value3".`);
    }
    named.add(param.name);
    let raw: PsValue;
    if (element.colon) raw = element.colon.value;
    else if (param.type === 'Switch') raw = true;
    else {
      const next = elements[i + 1];
      if (!next || next.kind !== 'arg') {
        throw new PsError(spec.name, `Missing an argument for parameter '${param.name}'. Specify a parameter of type '${DOTNET[param.type]}' and try again.`);
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
      throw new PsError(spec.name, 'The input object cannot be bound to any parameters for the command either because the command does not take pipeline input or the input and its properties do not match any of the parameters that take pipeline input.');
    }
    candidates = candidates.filter((set) => takers.some((p) => setsOf(spec, p).includes(set) && !values.has(p.name)));
  }
  if (candidates.length === 0) throw new PsError(spec.name, AMBIGUOUS_SET);

  for (const value of positional) {
    const open = spec.params
      .filter((p) => p.position !== undefined && !values.has(p.name))
      .filter((p) => candidates.some((set) => (p.positionIn ?? setsOf(spec, p)).includes(set)))
      .sort((a, b) => (a.position as number) - (b.position as number));
    const param = open[0];
    if (!param) throw new PsError(spec.name, `A positional parameter cannot be found that accepts argument '${argText(value, ctx)}'.`);
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
    if (complete.length !== 1) throw new PsError(spec.name, AMBIGUOUS_SET);
    set = complete[0] as string;
  }
  const missing = missingIn(set);
  if (missing.length > 0) {
    // -NonInteractive: PowerShell cannot prompt for them.
    throw new PsError(spec.name, `Cannot process command because of one or more missing mandatory parameters: ${missing.join(' ')}.`);
  }
  for (const param of spec.params) {
    if ((param.mandatoryIn ?? []).includes(set) && values.has(param.name) && param.type === 'String') {
      const v = values.get(param.name);
      if (v === null) throw new PsError(spec.name, `Cannot bind argument to parameter '${param.name}' because it is null.`);
      if (v === '') throw new PsError(spec.name, `Cannot bind argument to parameter '${param.name}' because it is an empty string.`);
    }
  }
  return {
    set,
    values,
    has: (name) => values.has(name),
    get: <T>(name: string) => values.get(name) as T | undefined,
  };
}
