import type { ChangeGeneratorOptions } from '../shared/options';

export interface ModifyColumnGeneratorSchema extends ChangeGeneratorOptions {
  /** Prisma model that holds the column. */
  targetTable: string;
  /** Field name of the column. */
  column: string;
  /** New Prisma type: a scalar, an enum of the schema, or a new enum (with --map or --enumValues). */
  type?: string;
  /** New native type, e.g. VarChar(500). */
  dbType?: string;
  optional?: boolean;
  required?: boolean;
  default?: string | number | boolean;
  dropDefault?: boolean;
  /** Old value → new value, as JSON: {"pending":"PENDING"}. */
  map?: string | Record<string, string | number | boolean>;
  /** Values of a new enum created without --map: A,B,C. */
  enumValues?: string | string[];
  /** SQL converting the old value (refer to the column by its name). */
  cast?: string;
  /** SQL converting back, for rows written after the swap (refer to the column by its name). */
  reverseCast?: string;
  /** Value for NULL rows when the column becomes required. */
  backfillValue?: string | number | boolean;
  /** Confirms a conversion that loses information (the backup and the rollback restore it). */
  confirmDataLoss?: boolean;
}
