import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type * as TypeScript from 'typescript';

/**
 * Lets `require()` execute a project's `.ts` data migrations straight from source, so deploying
 * needs no build step: each file is transpiled on load (syntax only, no type check) to CommonJS.
 */

type TypeScriptApi = typeof TypeScript;
type CompileHook = ((module: { _compile(code: string, filename: string): void }, filename: string) => void) & { [OURS]?: true };
type ParentModule = { filename?: string | null } | undefined;
type ResolveFilename = ((request: string, parent: ParentModule, ...rest: unknown[]) => string) & { [OURS]?: true };

const OURS = Symbol.for('@forge/migration:ts-loader');
/** The source file TypeScript maps a `.js`-style specifier to (module node16/nodenext need `./x.js` for `./x.ts`). */
const TS_SOURCE_OF: Record<string, string> = { '.js': '.ts', '.mjs': '.mts', '.cjs': '.cts' };

/**
 * Registers the `.ts` hook once per process. Returns false when a hook was already there: ours, or
 * another tool's (ts-node, swc-node, tsx), which already knows how to run TypeScript.
 */
export function registerTsLoader(): boolean {
  const extensions = (require('node:module') as { _extensions: Record<string, CompileHook | undefined> })._extensions;
  const existing = extensions['.ts'];
  // Node's own type stripping (Node ≥ 22.18) cannot run `() => import('./x')` without an extension, so replace it.
  if (existing && (existing[OURS] || !nodeStripsTypes())) return false;
  const hook: CompileHook = (module, filename) => module._compile(compileTypeScript(readFileSync(filename, 'utf8'), filename), filename);
  hook[OURS] = true;
  extensions['.ts'] = hook;
  resolveTsSourcesOfJsSpecifiers();
  return true;
}

/**
 * `import('./backfill.js')` in a `.ts` file means `./backfill.ts` when no `.js` file exists: the
 * rule TypeScript applies under module node16/nodenext/bundler, where the extension is required.
 * Without it the same registry could typecheck or run, never both.
 */
function resolveTsSourcesOfJsSpecifiers(): void {
  const Module = require('node:module') as { _resolveFilename: ResolveFilename };
  const resolve = Module._resolveFilename;
  if (resolve[OURS]) return;
  const withTsSources: ResolveFilename = function (this: unknown, request, parent, ...rest) {
    try {
      return resolve.call(this, request, parent, ...rest);
    } catch (error) {
      const extension = /\.[cm]?js$/.exec(request)?.[0];
      const fromTypeScript = /\.[cm]?ts$/.test(parent?.filename ?? '');
      if (!extension || !fromTypeScript || !request.startsWith('.') || (error as { code?: string }).code !== 'MODULE_NOT_FOUND') throw error;
      return resolve.call(this, request.slice(0, -extension.length) + TS_SOURCE_OF[extension], parent, ...rest);
    }
  };
  withTsSources[OURS] = true;
  Module._resolveFilename = withTsSources;
}

/** TypeScript source → CommonJS JavaScript; a syntax error names the file, line and column. */
export function compileTypeScript(source: string, fileName: string): string {
  const ts = loadTypeScript(dirname(fileName));
  const result = ts.transpileModule(source, {
    fileName,
    reportDiagnostics: true,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      // With --enable-source-maps, stack traces point at the .ts lines.
      inlineSourceMap: true,
      inlineSources: true,
    },
  });
  const errors = (result.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length) {
    const lines = errors.map((d) => {
      const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
      const where = at ? `${fileName}:${at.line + 1}:${at.character + 1}` : fileName;
      return `  ${where} - ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    throw new Error(`Cannot compile the data migration ${fileName}:\n${lines.join('\n')}`);
  }
  return result.outputText;
}

let typescript: TypeScriptApi | undefined;

/**
 * The project's own TypeScript when it has one (same version as its editor and CI), otherwise the
 * copy bundled with ts-morph, which this package depends on anyway.
 */
function loadTypeScript(fromDir: string): TypeScriptApi {
  if (typescript) return typescript;
  for (const base of [fromDir, process.cwd()]) {
    let path: string;
    try {
      path = require.resolve('typescript', { paths: [base] });
    } catch {
      continue;
    }
    const candidate = require(path) as TypeScriptApi;
    // TypeScript ≥ 7 is the native compiler; its npm package has no JavaScript API.
    if (typeof candidate.transpileModule === 'function') return (typescript = candidate);
  }
  return (typescript = (require('ts-morph') as typeof import('ts-morph')).ts as unknown as TypeScriptApi);
}

function nodeStripsTypes(): boolean {
  return Boolean((process.features as { typescript?: unknown }).typescript);
}
