import { posix } from 'node:path';
import type { SchemaFile } from '../engine/schema-engine';
import { inputError } from '../errors';
import type { FileView } from './file-view';

/** Where a project keeps its Prisma schema, SQL migrations and TypeScript data migrations. */
export interface PrismaProjectLayout {
  root: string;
  /** The schema file, or the folder of a multi-file schema. */
  schemaPath: string;
  migrationsDir: string;
  dataMigrationsDir: string;
  configFile: string | null;
}

export const CONFIG_FILE = 'prisma.config.ts';

/**
 * Finds the schema the way Prisma does: the `schema` of prisma.config.ts when it names one, else
 * package.json's `prisma.schema` (Prisma 6), else `prisma/schema.prisma`, else the multi-file
 * folder `prisma/schema/`. Migrations sit beside the schema file (inside a schema folder) unless
 * prisma.config.ts sets `migrations.path`.
 */
export function locatePrismaProject(view: FileView, root: string): PrismaProjectLayout {
  const layout = findPrismaProject(view, root);
  if (!layout) {
    throw inputError(
      `No Prisma schema in ${root || '.'}: looked for ${schemaCandidates(view, root).join(' and ')}. ` +
        'Fix: run `nx g @forge/migration:init`, or pass --project with the name of the project that has the schema.',
    );
  }
  return layout;
}

/** The project's layout, or null when `root` holds no Prisma schema. */
export function findPrismaProject(view: FileView, root: string): PrismaProjectLayout | null {
  const configPath = posix.join(root, CONFIG_FILE);
  const config = view.isFile(configPath) ? view.read(configPath) : null;
  const schemaPath = schemaCandidates(view, root).find((c) => view.isFile(c) || view.isDirectory(c));
  if (!schemaPath) return null;
  const migrationsPath = config && /migrations\s*:\s*\{[^}]*?\bpath\s*:\s*['"]([^'"]+)['"]/s.exec(config)?.[1];
  const schemaDir = view.isDirectory(schemaPath) ? schemaPath : posix.dirname(schemaPath);
  return {
    root,
    schemaPath,
    migrationsDir: migrationsPath ? posix.join(root, migrationsPath) : posix.join(schemaDir, 'migrations'),
    dataMigrationsDir: posix.join(root, 'src/migrations'),
    configFile: config === null ? null : configPath,
  };
}

/** Where the schema may be, in Prisma's order: configured paths replace the default ones. */
function schemaCandidates(view: FileView, root: string): string[] {
  const configPath = posix.join(root, CONFIG_FILE);
  const configured = (view.isFile(configPath) && stringProperty(view.read(configPath), 'schema')) || packageJsonSchema(view, root);
  return configured
    ? [posix.join(root, configured)]
    : [posix.join(root, 'prisma/schema.prisma'), posix.join(root, 'prisma/schema')];
}

/** `"prisma": { "schema": "…" }` in the project's package.json (Prisma 6; Prisma 7 reads prisma.config.ts). */
function packageJsonSchema(view: FileView, root: string): string | undefined {
  const file = posix.join(root, 'package.json');
  if (!view.isFile(file)) return undefined;
  try {
    const schema = (JSON.parse(view.read(file)) as { prisma?: { schema?: unknown } }).prisma?.schema;
    return typeof schema === 'string' ? schema : undefined;
  } catch {
    return undefined; // not ours to judge: Nx reports a broken package.json itself
  }
}

/** Every `.prisma` file of the schema (one, or all of a schema folder), in a stable order. */
export function readSchemaFiles(view: FileView, layout: PrismaProjectLayout): SchemaFile[] {
  if (view.isFile(layout.schemaPath)) return [{ path: layout.schemaPath, content: view.read(layout.schemaPath) }];
  const files: SchemaFile[] = [];
  const walk = (dir: string) => {
    for (const name of view.children(dir).sort()) {
      const path = posix.join(dir, name);
      if (path === layout.migrationsDir) continue;
      if (view.isDirectory(path)) walk(path);
      else if (name.endsWith('.prisma')) files.push({ path, content: view.read(path) });
    }
  };
  walk(layout.schemaPath);
  if (files.length === 0) throw inputError(`The schema folder ${layout.schemaPath} holds no .prisma file.`);
  return files;
}

/** A `key: 'value'` property of prisma.config.ts, read without executing the file. */
function stringProperty(source: string, key: string): string | undefined {
  return new RegExp(`\\b${key}\\s*:\\s*['"]([^'"]+)['"]`).exec(source)?.[1];
}
