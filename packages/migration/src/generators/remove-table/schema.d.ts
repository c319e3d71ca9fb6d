import type { ChangeGeneratorOptions } from '../shared/options';

export interface RemoveTableGeneratorSchema extends ChangeGeneratorOptions {
  targetTable: string;
  /** Required: the table's rows leave the application's schema (the table is parked in _forge_backup). */
  confirmDataLoss?: boolean;
}
