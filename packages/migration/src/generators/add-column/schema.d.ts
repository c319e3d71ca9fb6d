import type { ColumnSpec } from '../../prisma-schema/edits/add-columns';
import type { ChangeGeneratorOptions } from '../shared/options';

export interface AddColumnGeneratorSchema extends ChangeGeneratorOptions, Partial<ColumnSpec> {
  targetTable: string;
  /** Several columns at once, as a JSON array of column specs (instead of --name/--type). */
  columns?: string | ColumnSpec[];
}
