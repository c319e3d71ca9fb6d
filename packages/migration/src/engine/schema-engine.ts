import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';
import { explainEngineMessage } from './engine-errors';
import type { ClosableAdapterFactory } from './pg-adapter';
import { useBaselineWasmCompiler } from './wasm-startup';

export type { SchemaEngine };

/** One file of a (possibly multi-file) Prisma schema, as the engine wants it. */
export interface SchemaFile {
  path: string;
  content: string;
}

type EngineRuntime = typeof import('@prisma/schema-engine-wasm/schema_engine_bg');

let runtime: Promise<EngineRuntime> | undefined;
let instances = 0;

/** The message of the last Rust panic inside the engine (see engineImports). */
const panics = { message: '' };

/**
 * Loads Prisma's schema engine compiled to WebAssembly (no native binary, no download).
 * `@prisma/migrate` cannot load it (it looks for the wasm in the wrong package), so it is
 * instantiated by hand, once per process. Starting it early lets V8 compile the module in
 * the background while the caller does other work.
 */
export function loadSchemaEngineRuntime(): Promise<EngineRuntime> {
  runtime ??= (async () => {
    useBaselineWasmCompiler();
    const bgModule = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    // After a panic the JavaScript glue is tied to the dead instance: a new instance needs its own
    // copy of the glue module, which a distinct URL gives.
    const url = `${pathToFileURL(bgModule).href}${instances++ ? `?instance=${instances}` : ''}`;
    const [bindings, bytes] = await Promise.all([
      import(url) as Promise<EngineRuntime>,
      readFile(join(dirname(bgModule), 'schema_engine_bg.wasm')),
    ]);
    const module = await WebAssembly.compile(bytes);
    const instance = await WebAssembly.instantiate(module, { './schema_engine_bg.js': engineImports(bindings) });
    const exports = instance.exports as { __wbindgen_start(): void; memory: { buffer: ArrayBuffer } };
    memory = exports.memory;
    bindings.__wbg_set_wasm(exports);
    exports.__wbindgen_start();
    return bindings;
  })();
  return runtime;
}

/**
 * The bindings the engine imports, with two replaced:
 * - its timers are unref'd: it races its advisory-lock wait against a 10 s `setTimeout` that it
 *   never clears, which kept every process alive 10 s after its work was done;
 * - its panic hook writes to `global.PRISMA_WASM_PANIC_REGISTRY`, which only @prisma/internals
 *   installs; without it the hook throws and the pending promise never settles (the process hangs).
 *   The message is kept here instead, and the caller gets an error.
 */
function engineImports(bindings: EngineRuntime): Record<string, unknown> {
  const imports: Record<string, unknown> = { ...bindings };
  for (const name of Object.keys(imports)) {
    if (name.startsWith('__wbg_setTimeout_')) {
      imports[name] = (callback: () => void, ms: number) => setTimeout(callback, ms >>> 0).unref();
    } else if (name.startsWith('__wbg_set_message_')) {
      // (ptr, len) of a UTF-8 string in the engine's memory
      imports[name] = (ptr: number, len: number) => {
        panics.message = memory ? new TextDecoder().decode(new Uint8Array(memory.buffer, ptr, len)) : 'unknown panic';
      };
    }
  }
  return imports;
}

/** The engine's linear memory, known once it is instantiated (a panic message is read from it). */
let memory: { buffer: ArrayBuffer } | undefined;

/** An error reported by Prisma's schema engine, with its Prisma error code (P1012, P3018, …). */
export class SchemaEngineError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'SchemaEngineError';
  }
}

/**
 * Starts an engine on `factory`, runs `fn`, then frees the engine and closes every connection the
 * factory opened (the engine keeps its advisory lock until then: ENGINE-NOTES defect 7).
 */
export async function withSchemaEngine<T>(
  factory: ClosableAdapterFactory,
  schemaFiles: SchemaFile[],
  fn: (engine: SchemaEngine) => Promise<T>,
  /** The database user, named in explanations of permission errors. */
  databaseUser?: string,
): Promise<T> {
  const { SchemaEngine } = await loadSchemaEngineRuntime();
  let engine: SchemaEngine | undefined;
  try {
    engine = await SchemaEngine.new(
      { datamodels: schemaFiles.map((f) => [f.path, f.content]) },
      () => undefined,
      bindMigrationAwareSqlAdapterFactory(factory),
    );
    return await fn(engine);
  } catch (error) {
    if (panics.message) {
      const message = panics.message;
      panics.message = '';
      runtime = undefined; // a panicked instance is unusable: the next call loads a fresh one
      engine = undefined;
      throw new SchemaEngineError(`Prisma's schema engine crashed: ${message}`, undefined);
    }
    throw toSchemaEngineError(error, databaseUser);
  } finally {
    engine?.free();
    await factory.close();
  }
}

function toSchemaEngineError(error: unknown, databaseUser: string | undefined): unknown {
  if (!(error instanceof Error) || error instanceof SchemaEngineError) return error;
  const code = (error as { code?: unknown }).code;
  const message = explainEngineMessage(error.message, databaseUser);
  if (typeof code !== 'string' || !/^P\d{4}$/.test(code)) {
    // The same error (its type and SQLSTATE code matter to callers), with a message for a user.
    error.message = message;
    return error;
  }
  return new SchemaEngineError(message, code);
}
