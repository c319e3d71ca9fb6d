import type { Tree } from '@nx/devkit';
import addColumn from '../generators/add-column/generator';
import addIndex from '../generators/add-index/generator';
import addRelation from '../generators/add-relation/generator';
import addTable from '../generators/add-table/generator';
import modifyColumn from '../generators/modify-column/generator';
import removeColumn from '../generators/remove-column/generator';
import removeIndex from '../generators/remove-index/generator';
import removeRelation from '../generators/remove-relation/generator';
import removeTable from '../generators/remove-table/generator';
import rename from '../generators/rename/generator';
import { describeChange, type Change, type GeneratorName } from './change';

type Generator = (tree: Tree, options: never) => Promise<unknown>;

const GENERATORS: Record<GeneratorName, Generator> = {
  'add-column': addColumn,
  'remove-column': removeColumn,
  'modify-column': modifyColumn,
  'add-index': addIndex,
  'remove-index': removeIndex,
  'add-table': addTable,
  'remove-table': removeTable,
  'add-relation': addRelation,
  'remove-relation': removeRelation,
  rename,
};

/** Runs the change's generator for real on the tree; a refusal names the call that was refused. */
export async function runChange(tree: Tree, change: Change): Promise<void> {
  try {
    await GENERATORS[change.generator](tree, structuredClone(change.options) as never);
  } catch (error) {
    throw new Error(`${describeChange(change)} was refused: ${(error as Error).message}`, { cause: error });
  }
}
