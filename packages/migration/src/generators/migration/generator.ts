import type { Tree } from '@nx/devkit';
import { statsDatabase } from '../../analysis/stats-source';
import { inputError } from '../../errors';
import { toEngineSchema } from '../../prisma-schema/engine-view';
import { readDatamodel } from '../../prisma-schema/prisma-fmt';
import { resolvePrismaProject } from '../../rules/prisma-project';
import { didYouMean } from '../../suggest';
import { treeView } from '../../workspace/file-view';
import { readSchemaFiles } from '../../workspace/prisma-project';
import { parseJsonOption } from '../shared/options';
import { askInTerminal, promptsEnabled } from './ask';
import { askForChanges, type Ask } from './change-questions';
import { CHANGE_TYPES, isChangeType, loadChangeGenerator, tableOption, type ChangeType } from './change-types';
import { checkChanges } from './changes-shape';
import type { MigrationGeneratorSchema } from './schema';

/**
 * The seed's interface: `nx g @forge/migration:migration --migrationName add-user-preferences
 * --changeType add_column --targetTable User --changes '{"columns":[…]}'`. Checks `changes` against
 * the change type's generator and runs that generator, so both paths write the same migration.
 * Interactive without --changes, it asks what the change type needs instead (`ask` is for tests).
 */
export async function migrationGenerator(tree: Tree, options: MigrationGeneratorSchema, ask: Ask | undefined = promptsEnabled() ? askInTerminal : undefined): Promise<void> {
  const type = String(options.changeType ?? '').trim();
  if (!isChangeType(type)) {
    const types = Object.keys(CHANGE_TYPES);
    throw inputError(`Unknown --changeType ${JSON.stringify(type)}. ${didYouMean(type, types)}Change types: ${types.join(', ')}.`);
  }
  // A password on the command line is refused before any question is asked.
  statsDatabase(options);
  if (!options.targetTable) throw inputError('Missing --targetTable: the model the change is about (for add_table, the new model).');
  const given = options.changes === undefined && ask ? await interview(tree, type, options, ask) : options.changes;
  const changes = checkChanges(type, parseJsonOption<Record<string, unknown>>(given ?? {}, 'changes', '{"…": "…"}'));
  const generate = loadChangeGenerator(type);
  await generate(tree, {
    ...changes,
    [tableOption(type)]: options.targetTable,
    migrationName: options.migrationName,
    ...(options.project ? { project: options.project } : {}),
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    ...(options.databaseUrlEnv ? { databaseUrlEnv: options.databaseUrlEnv } : {}),
    ...(options.rows !== undefined ? { rows: options.rows } : {}),
  });
}

/** The questions of the change type, with the project's models, fields and enums as choices. */
async function interview(tree: Tree, type: ChangeType, options: MigrationGeneratorSchema, ask: Ask): Promise<Record<string, unknown>> {
  const project = resolvePrismaProject(tree, options.project);
  const datamodel = readDatamodel(toEngineSchema(readSchemaFiles(treeView(tree), project)));
  return askForChanges(type, options.targetTable, datamodel, ask);
}

export default migrationGenerator;
