import type { ColumnSpec } from '../../prisma-schema/edits/add-columns';
import type { ChangeGeneratorOptions } from '../shared/options';

export interface AddColumnGeneratorSchema extends ChangeGeneratorOptions, Partial<Omit<ColumnSpec, 'default' | 'backfillValue'>> {
  targetTable: string;
  /** Nx passes what looks like a number or a boolean as one. */
  default?: string | number | boolean;
  backfillValue?: string | number | boolean;
  /** Several columns at once, as a JSON array of column specs (instead of --name/--type). */
  columns?: string | ColumnSpec[];
}
