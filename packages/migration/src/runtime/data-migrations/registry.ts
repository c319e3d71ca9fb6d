import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { parseCanonicalRegistry } from './canonical-registry';
import { registerTsLoader } from './ts-loader';
import type { DataMigrationModule } from './types';

export const REGISTRY_FILE = 'index.ts';
const EXPORTS = ['up', 'down', 'validate'] as const;

/** Loads one data migration and checks its exports. */
export type CheckedLoader = () => Promise<DataMigrationModule>;

/**
 * Reads `<dir>/index.ts` (its `dataMigrations` object) into SQL migration folder name → loader.
 * A project without the file has no data migrations. Modules load only when their loader is called.
 */
export function loadDataMigrations(dataMigrationsDir: string): Map<string, CheckedLoader> {
  const dir = resolve(dataMigrationsDir);
  const indexFile = join(dir, REGISTRY_FILE);
  if (!existsSync(indexFile)) return new Map();
  // The shape the generators write is read as text: compiling index.ts needs the TypeScript
  // compiler (~0.5 s), which a run that executes no data migration then never loads.
  const canonical = parseCanonicalRegistry(readFileSync(indexFile, 'utf8'));
  if (canonical) {
    let compiled: Map<string, CheckedLoader> | undefined;
    const load = (folder: string) => (compiled ??= compileRegistry(dir, indexFile)).get(folder)!();
    return new Map(canonical.entries.map(({ folder }) => [folder, async () => load(folder)]));
  }
  return compileRegistry(dir, indexFile);
}

/** The registry as its module exports it (index.ts compiled), each entry's loader checked. */
function compileRegistry(dir: string, indexFile: string): Map<string, CheckedLoader> {
  registerTsLoader();
  forgetModulesUnder(dir);
  const registry = (require(indexFile) as { dataMigrations?: unknown }).dataMigrations;
  if (!registry || typeof registry !== 'object') {
    throw new Error(`${indexFile} must export the registry: export const dataMigrations: DataMigrationRegistry = { … };`);
  }
  const loaders = new Map<string, CheckedLoader>();
  for (const [folder, loader] of Object.entries(registry)) {
    if (typeof loader !== 'function') {
      throw new Error(`${indexFile}: the entry ${JSON.stringify(folder)} must be a loader, e.g. () => import('./my_migration.js').`);
    }
    loaders.set(folder, async () => checkModule(await (loader as () => Promise<unknown>)(), folder, indexFile));
  }
  return loaders;
}

function checkModule(loaded: unknown, folder: string, indexFile: string): DataMigrationModule {
  const candidate = pickModule(loaded);
  const missing = EXPORTS.filter((name) => typeof (candidate as Record<string, unknown> | undefined)?.[name] !== 'function');
  if (missing.length) {
    const file = moduleFile(loaded) ?? `the module registered for ${folder} in ${indexFile}`;
    throw new Error(
      `Data migration ${file} does not export ${missing.map((name) => `${name}(ctx)`).join(', ')}. ` +
        'A data migration exports async functions up(ctx), down(ctx) and validate(ctx).',
    );
  }
  return candidate as DataMigrationModule;
}

/** `export function up…` or, failing that, `export default { up, down, validate }`. */
function pickModule(loaded: unknown): unknown {
  const value = loaded as Record<string, unknown> | undefined;
  const hasOwn = EXPORTS.some((name) => typeof value?.[name] === 'function');
  return !hasOwn && value?.default && typeof value.default === 'object' ? value.default : value;
}

/** The file a loaded module came from, found in require's cache (for error messages). */
function moduleFile(loaded: unknown): string | undefined {
  const cache = require.cache ?? {};
  const entry = Object.values(cache).find((m) => m && (m.exports === loaded || m.exports === (loaded as { default?: unknown })?.default));
  if (!entry) return undefined;
  const rel = relative(process.cwd(), entry.filename);
  return rel && !rel.startsWith('..') ? rel : entry.filename;
}

/** A long-lived process (watch mode, tests) must see edits: drop cached modules of this folder. */
function forgetModulesUnder(dir: string): void {
  for (const file of Object.keys(require.cache ?? {})) {
    if (file.startsWith(dir + sep)) delete require.cache[file];
  }
}
