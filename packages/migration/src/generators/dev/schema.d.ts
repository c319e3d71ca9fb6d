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
  /** Value map of a type change: `Model.field={"old":"NEW"}` (repeat the flag for several fields). */
  map?: string | string[];
  /** SQL conversion of a type change: `Model.field=<expression>` (repeat the flag for several fields). */
  cast?: string | string[];
  /** Confirms the removals the edit makes. */
  confirmDataLoss?: boolean;
  lockTimeout?: string;
  databaseUrl?: string;
  databaseUrlEnv?: string;
  rows?: number | string;
}
