export interface DevGeneratorSchema {
  /** Name of the migration (folder name after the timestamp, snake_cased). */
  name: string;
  /** Nx project holding the Prisma schema (default: prisma). */
  project?: string;
  /** Renames decided: `Model.oldField=newField` or `OldModel=NewModel`. */
  rename?: string | string[];
  /** Drop + add decided (not a rename): `Model.oldField` or `OldModel`. */
  dropAndAdd?: string | string[];
  /** Existing rows' value of a field that became required: `Model.field=value` or `Model.field=sql:<expression>`. */
  backfill?: string | string[];
  /** Confirms the removals the edit makes. */
  confirmDataLoss?: boolean;
  lockTimeout?: string;
  databaseUrl?: string;
  rows?: number | string;
}
