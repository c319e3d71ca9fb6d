export interface MigrationGeneratorSchema {
  /** Name of the migration (folder name after the timestamp, snake_cased). */
  migrationName: string;
  /** add_column, remove_column, modify_column, add_index, remove_index, add_table, remove_table, add_relation, remove_relation, rename */
  changeType: string;
  /** The model the change is about (for add_table: the new model's name). */
  targetTable: string;
  /** The change's details as JSON: the options of the generator for that change type. */
  changes?: string | Record<string, unknown>;
  project?: string;
  /** Table sizes for the safety report from this database (read-only). */
  databaseUrl?: string;
  /** The name of the environment variable holding that URL, password included. */
  databaseUrlEnv?: string;
  /** Table size to assume in the safety report without a database. */
  rows?: number;
}
