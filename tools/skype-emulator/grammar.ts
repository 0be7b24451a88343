/**
 * The real PowerShell grammar (tree-sitter 0.25 with tree-sitter-powershell 0.26.4; both ship
 * linux-x64 prebuilt addons, so npm ci compiles nothing).
 * The grammar package is an ES module with top-level await, so it is loaded with a real dynamic
 * import; TypeScript compiling to CommonJS would turn `import()` into `require()`, which fails
 * (ERR_REQUIRE_ASYNC_MODULE), hence the Function wrapper.
 */
import { pathToFileURL } from 'node:url';
import Parser from 'tree-sitter';

const dynamicImport = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<{ default: unknown }>;

let parser: Parser | undefined;

export async function powershellParser(): Promise<Parser> {
  if (parser) return parser;
  // The file itself: the package's extension-less "main" makes Node print DEP0151 on stderr.
  const language = (await dynamicImport(pathToFileURL(require.resolve('tree-sitter-powershell/bindings/node/index.js')).href)).default;
  const made = new Parser();
  made.setLanguage(language as Parser.Language);
  parser = made;
  return made;
}

/** Parses a whole script (the node binding reads strings in chunks: size the buffer to fit). */
export async function parsePowerShell(source: string): Promise<Parser.Tree> {
  const p = await powershellParser();
  return p.parse(source, undefined, { bufferSize: Math.max(1024, Buffer.byteLength(source, 'utf8') * 2 + 16) });
}

/** The first syntax error (an ERROR or MISSING node), for the ParserError message. */
export function firstSyntaxError(node: Parser.SyntaxNode): Parser.SyntaxNode | undefined {
  if (node.type === 'ERROR' || node.isMissing) return node;
  for (const child of node.children) {
    if (child.hasError || child.isMissing || child.type === 'ERROR') {
      const found = firstSyntaxError(child);
      if (found) return found;
    }
  }
  return undefined;
}
