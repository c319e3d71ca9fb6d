import type { Tree } from '@nx/devkit';
import { inputError } from '../../errors';
import { didYouMean } from '../../suggest';
import { parseJsonOption } from '../shared/options';
import { CHANGE_TYPES, isChangeType, loadChangeGenerator, tableOption } from './change-types';
import { checkChanges } from './changes-shape';
import type { MigrationGeneratorSchema } from './schema';

/**
 * The seed's interface: `nx g @forge/migration:migration --migrationName add-user-preferences
 * --changeType add_column --targetTable User --changes '{"columns":[…]}'`. Checks `changes` against
 * the change type's generator and runs that generator, so both paths write the same migration.
 */
export async function migrationGenerator(tree: Tree, options: MigrationGeneratorSchema): Promise<void> {
  const type = String(options.changeType ?? '').trim();
  if (!isChangeType(type)) {
    const types = Object.keys(CHANGE_TYPES);
    throw inputError(`Unknown --changeType ${JSON.stringify(type)}. ${didYouMean(type, types)}Change types: ${types.join(', ')}.`);
  }
  if (!options.targetTable) throw inputError('Missing --targetTable: the model the change is about (for add_table, the new model).');
  const changes = checkChanges(type, parseJsonOption<Record<string, unknown>>(options.changes ?? {}, 'changes', '{"…": "…"}'));
  const generate = loadChangeGenerator(type);
  await generate(tree, {
    ...changes,
    [tableOption(type)]: options.targetTable,
    migrationName: options.migrationName,
    ...(options.project ? { project: options.project } : {}),
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    ...(options.rows !== undefined ? { rows: options.rows } : {}),
  });
}

export default migrationGenerator;
