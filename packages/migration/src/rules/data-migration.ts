import { join, posix } from 'node:path';
import { generateFiles, type Tree } from '@nx/devkit';
import { inputError } from '../errors';
import { registeredFiles, registerInIndex } from './data-migration-registry';
import { typeScriptSyntaxError } from './typescript-syntax';

export interface DataMigrationFile {
  /** The Prisma project's root in the tree, e.g. `packages/prisma`. */
  projectRoot: string;
  /** The SQL migration folder this data migration runs right after: `{YYYYMMDDHHMMSS}_{name}`. */
  migrationFolder: string;
  /** snake_case file name, without `.ts`. */
  name: string;
  /** The Prisma model the data belongs to. */
  model: string;
  description: string;
  estimatedDuration: string;
  /** TypeScript bodies of the three functions; each receives `ctx: DataMigrationContext`. */
  body: { up: string; down: string; validate: string };
  /** Defaults to now; fixed in tests. */
  generatedAt?: Date;
}

export interface WrittenDataMigration {
  /** Tree path of the data migration. */
  file: string;
  /** Tree path of the registry it was added to. */
  indexFile: string;
}

export const DATA_MIGRATIONS_DIR = 'src/migrations';

/** The registry as `init` creates it; written here too when a project has none yet. */
export const EMPTY_REGISTRY = `// TypeScript data migrations, keyed by the SQL migration folder each one follows.
// Maintained by @forge/migration's generators; the migrate target runs each one's up() right
// after its SQL migration.
import type { DataMigrationRegistry } from '@forge/migration/runtime';

export const dataMigrations: DataMigrationRegistry = {};
`;

/**
 * Writes `<projectRoot>/src/migrations/{name}.ts` (`{name}_{stamp}.ts` when an earlier change took the name) from the template (the seed's header block, then
 * up/down/validate) and registers it in `src/migrations/index.ts` under its SQL migration folder.
 * Everything is checked before the first write, so a refusal leaves the tree untouched.
 */
export function writeDataMigration(tree: Tree, options: DataMigrationFile): WrittenDataMigration {
  const { projectRoot, migrationFolder, name } = options;
  if (!/^[a-z][a-z0-9_]*$/.test(name) || name === 'index') {
    throw inputError(`Invalid data migration name ${JSON.stringify(name)}: use snake_case (letters, digits, "_"), and not "index".`);
  }
  if (!/^\d{14}_\w+$/.test(migrationFolder)) {
    throw inputError(`Invalid migration folder ${JSON.stringify(migrationFolder)}: expected {YYYYMMDDHHMMSS}_{name}, as in prisma/migrations.`);
  }
  const dir = posix.join(projectRoot, DATA_MIGRATIONS_DIR);
  const indexFile = posix.join(dir, 'index.ts');
  const registry = tree.read(indexFile, 'utf-8') ?? EMPTY_REGISTRY;
  const fileName = unusedFileName(tree, dir, name, migrationFolder, registry);
  const file = posix.join(dir, `${fileName}.ts`);
  const bodies = {
    up: functionBody(options.body?.up, 'up'),
    down: functionBody(options.body?.down, 'down'),
    validate: functionBody(options.body?.validate, 'validate'),
  };
  const index = registerInIndex(registry, indexFile, migrationFolder, fileName);

  generateFiles(tree, join(__dirname, 'files', 'data-migration'), dir, {
    tmpl: '',
    name: fileName,
    migrationFolder,
    model: oneLine(options.model),
    description: commentText(options.description),
    estimatedDuration: oneLine(options.estimatedDuration),
    generatedAt: (options.generatedAt ?? new Date()).toISOString(),
    ...bodies,
  });
  // A body that does not parse would only fail at deploy time; refuse it now and take the file back.
  const problem = typeScriptSyntaxError(tree.read(file, 'utf-8') ?? '', file);
  if (problem) {
    tree.delete(file);
    throw inputError(`The generated data migration does not parse: ${problem}`);
  }
  tree.write(indexFile, index);
  return { file, indexFile };
}

/**
 * The file name (without `.ts`) for a data migration named `name`: the name itself, or, when an
 * earlier change already registered that file (the same change to the same column twice), the
 * name with its folder's timestamp after it. Folders are unique by their timestamp, so the file is
 * too, and it sorts next to the first: `modify_column_order_note.ts`, `modify_column_order_note_20260101120000.ts`.
 * A file of that name that the registry does not import is a leftover: refused, as it may be someone's work.
 */
function unusedFileName(tree: Tree, dir: string, name: string, migrationFolder: string, registry: string): string {
  const taken = (candidate: string) => tree.exists(posix.join(dir, `${candidate}.ts`));
  if (!taken(name)) return name;
  const stamped = `${name}_${migrationFolder.slice(0, 14)}`;
  if (registeredFiles(registry).has(name) && !taken(stamped)) return stamped;
  throw inputError(`${posix.join(dir, `${name}.ts`)} already exists. Choose another --migrationName, or delete the file if it is a leftover.`);
}

function functionBody(body: string | undefined, fn: string): string {
  if (typeof body !== 'string' || !body.trim()) throw inputError(`The data migration needs a body for ${fn}(ctx).`);
  const lines = body.replace(/\s+$/, '').replace(/^\s*\n/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => (l.trim() ? `  ${l.slice(indent)}` : '')).join('\n');
}

/** Text safe inside the header's block comment, continuation lines aligned. */
function commentText(text: string): string {
  return (text ?? '').trim().replace(/\*\//g, '*\\/').split(/\r?\n/).join('\n *   ');
}

function oneLine(text: string): string {
  return (text ?? '').replace(/\*\//g, '*\\/').replace(/\s+/g, ' ').trim();
}
