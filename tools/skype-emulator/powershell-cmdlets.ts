/**
 * PowerShell's own cmdlets the scripts use besides Invoke-Command (remoting.ts): Write-Output,
 * ConvertTo-Json, Select-Object, Import-PowerShellDataFile, ConvertTo-SecureString and
 * Import-Module (for the modules the session offers). Their parameter tables are in cmdlets.ts.
 */
import type { SyntaxNode } from 'tree-sitter';
import { PsError } from './binder';
import { CONVERT_TO_JSON, CONVERT_TO_SECURE_STRING, IMPORT_DATA_FILE, IMPORT_MODULE, SELECT_OBJECT, WRITE_OUTPUT } from './cmdlets';
import type { Command, CommandCall } from './command-registry';
import { memberValue } from './dotnet-types';
import { parsePowerShell } from './grammar';
import { Scope, type Machine } from './scope';
import { WRAPPERS } from './script-syntax';
import { checkSecretText, readSecretFile } from './secret-rules';
import {
  collapse, convertToJson, enumerate, invariantString, PsHashtable, PsObject, PsScriptBlock, PsSecret, toPsString, typeNameOf, unwrap,
  type PsValue,
} from './values';

/** Write-Output: the input objects, or -InputObject's (enumerated unless -NoEnumerate). */
function writeOutput({ bound, input }: CommandCall): PsValue[] {
  if (input !== undefined) return input;
  const values = bound.get<PsValue[]>('InputObject') ?? [];
  return bound.get<boolean>('NoEnumerate') === true ? [values.length === 1 ? (values[0] as PsValue) : values] : values.flatMap(enumerate);
}

function convertToJsonCommand({ bound, input, scope, shell }: CommandCall): PsValue[] {
  const depth = bound.get<number>('Depth') ?? 2;
  if (depth < 0 || depth > 100) {
    throw new PsError(CONVERT_TO_JSON.name, `Cannot validate argument on parameter 'Depth'. The ${depth} argument is ${depth < 0 ? 'less than the minimum allowed range of 0. Supply an argument that is greater than or equal to 0' : 'greater than the maximum allowed range of 100. Supply an argument that is less than or equal to 100'} and then try the command again.`, { fqid: 'ParameterArgumentValidationError,Microsoft.PowerShell.Commands.ConvertToJsonCommand', category: 'InvalidData', exceptionType: 'System.Management.Automation.ParameterBindingValidationException' });
  }
  const values = input ?? [bound.get<PsValue>('InputObject') ?? null];
  const asArray = bound.get<boolean>('AsArray') === true;
  if (values.length === 0 && !asArray) return [];
  const { text, truncated } = convertToJson(values, asArray, { depth, compress: bound.get<boolean>('Compress') === true, timeZone: scope.machine.timeZone, edition: scope.machine.edition });
  // 5.1 truncates silently; PowerShell 7 warns (docs/skype-emulator.md).
  if (truncated && scope.machine.edition === 'core') shell.warn(scope, `Resulting JSON is truncated as serialization has exceeded the set depth of ${depth}.`, bound.get<string>('WarningAction'));
  return [text];
}

/** Select-Object: names, or calculated properties @{ Name = ...; Expression = { ... } }. */
async function selectObject({ bound, input, scope, shell }: CommandCall): Promise<PsValue[]> {
  const given = input ?? enumerate(bound.get<PsValue>('InputObject') ?? null);
  const first = bound.get<number>('First');
  const items = first === undefined ? given : given.slice(0, first);
  const expand = bound.get<string>('ExpandProperty');
  const properties = bound.get<PsValue[]>('Property');
  if (expand !== undefined) {
    return items.flatMap((one) => {
      const item = unwrap(one);
      const holder = item instanceof PsObject || item instanceof PsHashtable ? item : undefined;
      if (!holder || (holder instanceof PsObject && !holder.has(expand))) throw new PsError(SELECT_OBJECT.name, `Property "${expand}" cannot be found.`, { fqid: 'ExpandPropertyNotFound,Microsoft.PowerShell.Commands.SelectObjectCommand', category: 'InvalidArgument', exceptionType: 'System.Management.Automation.PSArgumentException' });
      return enumerate(holder.get(expand) ?? null);
    });
  }
  if (properties === undefined) return items;
  const columns = properties.map((p) => column(p, shell.session));
  const out: PsValue[] = [];
  for (const one of items) {
    const item = unwrap(one);
    const row: [string, PsValue][] = [];
    for (const c of columns) {
      if (typeof c.value === 'string') {
        row.push([c.name, item instanceof PsObject || item instanceof PsHashtable ? (item.get(c.value) ?? null) : memberValue(item, c.value)]);
      } else {
        const values: PsValue[] = [];
        const inner = new Scope(scope.machine, scope, scope.caller);
        inner.set('_', one);
        await shell.runBlock(c.value.body, inner, (v) => values.push(...enumerate(v)));
        row.push([c.name, collapse(values)]);
      }
    }
    out.push(new PsObject(`Selected.${typeNameOf(item)}`, row));
  }
  return out;
}

function column(property: PsValue, session: Machine): { name: string; value: string | PsScriptBlock } {
  const p = unwrap(property);
  if (typeof p === 'string') return { name: p, value: p };
  const invalid = (message: string, fqid: string): PsError => new PsError(SELECT_OBJECT.name, message, { fqid: `${fqid},Microsoft.PowerShell.Commands.SelectObjectCommand`, category: 'InvalidArgument', exceptionType: 'System.NotSupportedException' });
  if (!(p instanceof PsHashtable)) throw invalid(`The Skype emulator accepts property names and @{ Name = ...; Expression = ... } for -Property, not ${typeNameOf(p)} (docs/skype-emulator.md).`, 'NotSupportedByEmulator');
  let name: string | undefined;
  let expression: PsValue | undefined;
  for (const [key, value] of p.entries) {
    const k = key.toLowerCase();
    if (['name', 'n', 'label', 'l'].includes(k) || (k.length > 1 && ('name'.startsWith(k) || 'label'.startsWith(k)))) {
      if (name !== undefined) throw invalid(`The "${key}" key cannot be specified more than once.`, 'DuplicateKey');
      name = invariantString(value, session.timeZone);
    } else if ('expression'.startsWith(k)) expression = value;
    else throw invalid(`The "${key}" key is not valid.`, 'IllegalKey');
  }
  if (expression === undefined) throw invalid('The "Expression" key is missing.', 'MissingExpressionKey');
  if (expression instanceof PsScriptBlock) return { name: name ?? toPsString(expression, () => ''), value: expression };
  const text = invariantString(expression, session.timeZone);
  return { name: name ?? text, value: text };
}

async function importDataFile({ bound, shell }: CommandCall): Promise<PsValue[]> {
  const command = IMPORT_DATA_FILE.name;
  const paths = bound.get<string[]>('LiteralPath') ?? bound.get<string[]>('Path') ?? [];
  const out: PsValue[] = [];
  for (const path of paths) {
    const text = readSecretFile(command, path).toString('utf8').replace(/^\uFEFF/, '');
    const tree = await parsePowerShell(text);
    const statements = tree.rootNode.descendantsOfType('pipeline').filter((p) => p.parent?.type === 'statement_list' && p.parent.parent?.type === 'program');
    let table: SyntaxNode | undefined;
    if (!tree.rootNode.hasError && statements.length === 1) {
      let node: SyntaxNode | undefined = statements[0]?.namedChildren[0]?.namedChildren[0];
      while (node && (WRAPPERS.has(node.type) || node.type === 'array_literal_expression') && node.namedChildCount === 1) node = node.namedChildren[0];
      if (node?.type === 'hash_literal_expression') table = node;
    }
    if (!table) throw new PsError(command, `Cannot convert '${path}' to a hashtable: a data file holds exactly one hashtable literal, @{ Key = 'value' }.`, { fqid: 'CouldNotParseAsPowerShellDataFile,Import-PowerShellDataFile', category: 'InvalidData', exceptionType: 'System.InvalidOperationException' });
    // Data files are restricted language: literals only, no variables or commands.
    const restricted = table.descendantsOfType(['variable', 'command', 'sub_expression', 'script_block_expression']);
    const allowed = restricted.every((n) => n.type === 'variable' && /^\$(true|false|null)$/i.test(n.text));
    if (!allowed) throw new PsError(command, `Cannot generate a PowerShell object for a ScriptBlock evaluating dynamic expressions. Dynamic expression: ${restricted[0]?.text ?? ''}.`, { fqid: 'InvalidOperationException,Import-PowerShellDataFile', category: 'InvalidOperation', exceptionType: 'System.InvalidOperationException' });
    out.push(await shell.evaluateHashtable(table));
  }
  return out;
}

/**
 * Import-Module: the session's modules only. 5.1 (and every remote session) loads them;
 * PowerShell 7 needs -UseWindowsPowerShell (its compatibility layer proxies only system32
 * modules by itself: about_Windows_PowerShell_Compatibility) and warns that the objects are
 * deserialized. Which modules a machine has loaded lives as long as the command: one run.
 */
function importModule(modules: readonly string[]): Command['run'] {
  const available = new Set(modules.map((m) => m.toLowerCase()));
  const imported = new Map<Machine, Set<string>>();
  return ({ bound, scope, shell }) => {
    const notFound = (name: string): PsError => new PsError(IMPORT_MODULE.name, `The specified module '${name}' was not loaded because no valid module file was found in any module directory.`, {
      fqid: 'Modules_ModuleNotFound,Microsoft.PowerShell.Commands.ImportModuleCommand', category: 'ResourceUnavailable', targetName: name, exceptionType: 'System.IO.FileNotFoundException',
    });
    for (const name of bound.get<string[]>('Name') ?? []) {
      const key = name.toLowerCase();
      if (!available.has(key)) throw notFound(name);
      if (scope.machine.edition === 'core' && bound.get<boolean>('UseWindowsPowerShell') !== true) throw notFound(name);
      const loaded = imported.get(scope.machine) ?? new Set<string>();
      imported.set(scope.machine, loaded);
      if (!loaded.has(key)) shell.progress(scope);
      loaded.add(key);
      if (scope.machine.edition === 'core') {
        shell.warn(scope, `Module ${name} is loaded in Windows PowerShell using WinPSCompatSession remoting session; please note that all input and output of commands from this module will be deserialized objects. If you want to load this module into PowerShell please use 'Import-Module -SkipEditionCheck' syntax.`, bound.get<string>('WarningAction'));
      }
    }
    return [];
  };
}

/** ConvertTo-SecureString -String -AsPlainText: 5.1 requires -Force with -AsPlainText, 7 does not. */
function convertToSecureString({ bound, input, shell }: CommandCall): PsValue[] {
  const command = CONVERT_TO_SECURE_STRING.name;
  if (shell.edition === 'desktop' && bound.get<boolean>('Force') !== true) {
    throw new PsError(command, 'The system cannot protect plain text input. To suppress this warning and convert the plain text to a SecureString, reissue the command specifying the Force parameter. For more information ,type: get-help ConvertTo-SecureString.', {
      fqid: 'ImportSecureString_ForceRequired,Microsoft.PowerShell.Commands.ConvertToSecureStringCommand', category: 'InvalidArgument', exceptionType: 'System.ArgumentException',
    });
  }
  const texts = input ? input.map((i) => invariantString(i, shell.session.timeZone)) : [bound.get<string>('String') ?? ''];
  texts.forEach((t) => checkSecretText(shell.exposure, t, 'the text given to ConvertTo-SecureString'));
  return texts.map((t) => new PsSecret(t));
}

/** PowerShell's own cmdlets (but Invoke-Command); Import-Module loads the names in `modules`. */
export function powershellCmdlets(modules: readonly string[]): Command[] {
  return [
    { spec: WRITE_OUTPUT, run: writeOutput },
    { spec: CONVERT_TO_JSON, run: convertToJsonCommand },
    { spec: SELECT_OBJECT, run: selectObject },
    { spec: IMPORT_DATA_FILE, run: importDataFile },
    { spec: IMPORT_MODULE, run: importModule(modules) },
    { spec: CONVERT_TO_SECURE_STRING, run: convertToSecureString },
  ];
}
