// Test helper: `node run-from-source.cjs <script.ts> [args…]` runs a TypeScript script in a plain
// Node process, with this package's runtime loaded from src/ — compiled on load by our own
// ts-loader, so child-process tests exercise the current source and the real require hook.
// Only ts-loader.ts itself has to be compiled here first, to bootstrap.
'use strict';
const { readFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname, join, resolve } = require('node:path');

const loaderFile = join(__dirname, 'ts-loader.ts');
const ts = require(require.resolve('typescript', { paths: [__dirname] }));
const { outputText } = ts.transpileModule(readFileSync(loaderFile, 'utf8'), {
  fileName: loaderFile,
  compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
});
const loader = new Module(loaderFile, module);
loader.filename = loaderFile;
loader.paths = Module._nodeModulePaths(dirname(loaderFile));
loader._compile(outputText, loaderFile);
if (!loader.exports.registerTsLoader()) throw new Error('a .ts hook was already registered');

// Compiled to CommonJS, the engine's `import(fileURL)` of Prisma's WASM glue becomes require(), which
// takes paths, not URLs (the built package keeps the native import): turn the URL into its path.
const { fileURLToPath } = require('node:url');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const path = request.startsWith('file://') ? fileURLToPath(request.replace(/\?.*$/, '')) : request;
  return resolveFilename.call(this, path, ...rest);
};

const [script, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], resolve(script), ...args];
require(resolve(script));
