import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';
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
    const [bindings, bytes] = await Promise.all([
      import('@prisma/schema-engine-wasm/schema_engine_bg') as Promise<EngineRuntime>,
      readFile(join(dirname(bgModule), 'schema_engine_bg.wasm')),
    ]);
    const module = await WebAssembly.compile(bytes);
    const instance = await WebAssembly.instantiate(module, { './schema_engine_bg.js': withUnrefTimers(bindings) });
    const exports = instance.exports as { __wbindgen_start(): void };
    bindings.__wbg_set_wasm(exports);
    exports.__wbindgen_start();
    return bindings;
  })();
  return runtime;
}

/**
 * The engine races its advisory-lock wait against a 10 s `setTimeout` that it never clears, which
 * kept every process alive for 10 s after its work was done. Its timers are unref'd instead:
 * they still fire while the process is busy, but no longer hold it open.
 */
function withUnrefTimers(bindings: EngineRuntime): Record<string, unknown> {
  const imports: Record<string, unknown> = { ...bindings };
  for (const name of Object.keys(imports).filter((n) => n.startsWith('__wbg_setTimeout_'))) {
    imports[name] = (callback: () => void, ms: number) => setTimeout(callback, ms >>> 0).unref();
  }
  return imports;
}

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
    throw toSchemaEngineError(error);
  } finally {
    engine?.free();
    await factory.close();
  }
}

function toSchemaEngineError(error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof SchemaEngineError) return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string' || !/^P\d{4}$/.test(code)) return error;
  return new SchemaEngineError(error.message.trim(), code);
}
