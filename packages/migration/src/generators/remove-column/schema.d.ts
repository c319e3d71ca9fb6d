import type { ChangeGeneratorOptions } from '../shared/options';

export interface RemoveColumnGeneratorSchema extends ChangeGeneratorOptions {
  targetTable: string;
  /** The field to remove. */
  column?: string;
  /** Several fields at once: `a,b` or an array. */
  columns?: string | string[];
  /** Required: the column's values leave the table (they are kept in a backup). */
  confirmDataLoss?: boolean;
  /** Rows per batch of the backup copy (default 5000). */
  batchSize?: number;
}
