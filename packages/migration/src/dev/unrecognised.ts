import type { Tree } from '@nx/devkit';
import type { StatsOptions } from '../analysis/stats-source';
import type { SchemaFile } from '../engine/schema-engine';
import { DEFAULT_LOCK_TIMEOUT, type MigrationPlan } from '../recipes/plan';
import { PRISMA_SQL_TITLE, transactionalScript } from '../recipes/scripts';
import { planSchemaReplacement } from '../rules/schema-change';
import { printChange, writeChange } from '../rules/write-change';
import { diffSchemas } from '../engine/operations';
import { resolvePrismaProject } from '../rules/prisma-project';
import { splitStatements } from '../sql/split-statements';
import { treeView } from '../workspace/file-view';
import { readSchemaFiles } from '../workspace/prisma-project';

export interface UnrecognisedOptions {
  project: string;
  /** The schema files as the user edited them. */
  edited: SchemaFile[];
  name: string;
  /** What dev saw and no recipe covers (named in the report). */
  unsupported: string[];
  options: StatsOptions & { lockTimeout?: string };
}

/**
 * After the recipes ran, the difference left between the tree's schema and the user's edit (a
 * primary-key change, a changed relation, a column renamed with @map, …): written as Prisma's own
 * SQL in a migration of its own — never hidden, never guessed safe. Returns whether it wrote one.
 */
export async function writeUnrecognised(tree: Tree, options: UnrecognisedOptions): Promise<boolean> {
  const current = readSchemaFiles(treeView(tree), resolvePrismaProject(tree, options.project));
  // One diff first: in the usual case nothing is left, and the change below is not worth planning.
  if (!(await diffSchemas(current, options.edited)).trim()) return false;
  const change = await planSchemaReplacement(tree, options.project, options.edited);
  if (!change.naive.up.trim()) return false;
  const lockTimeout = options.options.lockTimeout ?? DEFAULT_LOCK_TIMEOUT;
  const what = options.unsupported.length ? options.unsupported.join('; ') : 'a difference dev recognised as none of the ten changes';
  const plan: MigrationPlan = {
    migrations: [
      {
        name: options.name,
        up: transactionalScript(PRISMA_SQL_TITLE, splitStatements(change.naive.up), lockTimeout),
        down: transactionalScript(`Reverse of: ${PRISMA_SQL_TITLE}`, splitStatements(change.naive.down), lockTimeout),
      },
    ],
    notes: [
      `Not a recipe: ${what}. This migration is Prisma's SQL as \`prisma migrate dev\` would write it (down.sql is Prisma's reverse diff); ` +
        'it may lock tables, rewrite them or lose data. Read the lint findings (nx run <project>:migrate-lint) and change it by hand, or make the change with a generator.',
    ],
  };
  const touched = { models: change.after.datamodel.models.map((m) => m.name).filter((m) => changedModel(change.before.files, change.after.files, m)) };
  const written = await writeChange(tree, change, plan, { touched, stats: options.options });
  printChange(change, plan, written, touched);
  return true;
}

function changedModel(before: SchemaFile[], after: SchemaFile[], model: string): boolean {
  const block = (files: SchemaFile[]) => files.map((f) => new RegExp(`^model ${model} \\{[\\s\\S]*?^\\}`, 'm').exec(f.content)?.[0]).find(Boolean) ?? '';
  return block(before) !== block(after);
}
