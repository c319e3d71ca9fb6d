import { posix } from 'node:path';
import { inputError } from '../errors';
import { DATA_MIGRATIONS_DIR } from '../rules/data-migration';
import type { FileView } from '../workspace/file-view';
import { readMigrationsDirectory } from '../workspace/migrations-directory';
import { analyzeChange, batchPassesOf, type ChangeAnalysis, type DataMigrationInput, type MigrationInput } from './analyze';
import { schemaFactsFromHistory } from './schema-facts';
import type { StatsProvider } from './stats-source';

export interface MigrationFoldersInput {
  /** Workspace-relative `prisma/migrations` directory. */
  migrationsDir: string;
  /** The Prisma project's root (where `src/migrations/index.ts` registers data migrations). */
  projectRoot: string;
  /** The folders of the change, in any order (default: every folder). */
  folders?: string[];
  stats?: StatsProvider;
}

/**
 * Analyzes migration folders as they are on disk (or in a Tree): generated or hand-written, with
 * their down.sql and the data migrations registered for them. What the schema holds before them
 * comes from the folders before the first of them.
 */
export async function analyzeMigrationFolders(view: FileView, input: MigrationFoldersInput): Promise<ChangeAnalysis> {
  const directory = readMigrationsDirectory(view, input.migrationsDir);
  const wanted = input.folders ? new Set(input.folders) : undefined;
  if (wanted) {
    const missing = [...wanted].filter((f) => !directory.migrations.some((m) => m.name === f));
    if (missing.length) throw inputError(`No migration folder ${missing.join(', ')} in ${input.migrationsDir}.`);
  }
  const registry = readRegistry(view, input.projectRoot);
  const selected = directory.migrations.filter((m) => !wanted || wanted.has(m.name));
  const migrations: MigrationInput[] = selected.map((m) => ({ name: m.name, sql: m.sql, downSql: m.downSql, dataMigration: dataMigrationOf(view, input.projectRoot, registry.get(m.name)) }));
  const history = selected.length ? directory.migrations.slice(0, directory.migrations.indexOf(selected[0])) : [];
  return analyzeChange({ migrations, stats: input.stats, schema: await schemaFactsFromHistory(history.map((m) => m.sql)) });
}

/** `src/migrations/index.ts`: folder → data migration file name (`'{folder}': () => import('./{name}.js')`, or without `.js`). */
function readRegistry(view: FileView, projectRoot: string): Map<string, string> {
  const index = posix.join(projectRoot, DATA_MIGRATIONS_DIR, 'index.ts');
  if (!view.isFile(index)) return new Map();
  const entries = view.read(index).matchAll(/['"](\d{14}_[\w-]+)['"]\s*:\s*\(\)\s*=>\s*import\(\s*['"]\.\/([\w.-]+?)(?:\.[cm]?[jt]s)?['"]\s*\)/g);
  return new Map([...entries].map((m) => [m[1], m[2]]));
}

function dataMigrationOf(view: FileView, projectRoot: string, name: string | undefined): DataMigrationInput | undefined {
  if (!name) return undefined;
  const file = posix.join(projectRoot, DATA_MIGRATIONS_DIR, `${name}.ts`);
  if (!view.isFile(file)) return undefined;
  const source = view.read(file);
  const model = /^\s*\*?\s*@model\s+(\S+)/m.exec(source)?.[1] ?? '?';
  return { name, up: batchPassesOf(functionBody(source, 'up'), model), down: batchPassesOf(functionBody(source, 'down'), model) };
}

/** The text of `export async function {name}(…) { … }` (braces balanced; strings are not special-cased, good enough for generated files). */
function functionBody(source: string, name: string): string {
  const start = new RegExp(`export\\s+(?:async\\s+)?function\\s+${name}\\s*\\(`).exec(source);
  if (!start) return '';
  const open = source.indexOf('{', source.indexOf(')', start.index));
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    if (source[i] === '{') depth++;
    else if (source[i] === '}' && --depth === 0) return source.slice(open + 1, i);
  }
  return source.slice(open + 1);
}
