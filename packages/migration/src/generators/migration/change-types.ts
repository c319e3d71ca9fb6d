import { join } from 'node:path';
import type { Tree } from '@nx/devkit';

/** The seed's change types, as `--changeType` takes them, and the generator each one runs. */
export const CHANGE_TYPES = {
  add_column: 'add-column',
  remove_column: 'remove-column',
  modify_column: 'modify-column',
  add_index: 'add-index',
  remove_index: 'remove-index',
  add_table: 'add-table',
  remove_table: 'remove-table',
  add_relation: 'add-relation',
  remove_relation: 'remove-relation',
  rename: 'rename',
} as const;

export type ChangeType = keyof typeof CHANGE_TYPES;
export type ChangeGenerator = (tree: Tree, options: Record<string, unknown>) => Promise<unknown>;

export function isChangeType(value: string): value is ChangeType {
  return Object.prototype.hasOwnProperty.call(CHANGE_TYPES, value);
}

/** Loads only the generator that runs (each pulls in its own recipes). */
export function loadChangeGenerator(type: ChangeType): ChangeGenerator {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const module = require(join(__dirname, '..', CHANGE_TYPES[type], 'generator')) as { default: ChangeGenerator };
  return module.default;
}

/** The option the generator takes the table from: `name` for add-table, `targetTable` for the others. */
export function tableOption(type: ChangeType): string {
  return type === 'add_table' ? 'name' : 'targetTable';
}
