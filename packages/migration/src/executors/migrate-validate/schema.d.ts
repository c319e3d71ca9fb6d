export interface MigrateValidateExecutorSchema {
  /** Validate every migration, not only those pending on the target database. */
  all?: boolean;
  /** Where to run the proof: a server on which a throwaway database is created (default: embedded PostgreSQL). */
  shadowDatabaseUrl?: string;
  /** The name of the environment variable holding the shadow server's URL (with its password). */
  shadowDatabaseUrlEnv?: string;
  /** The database whose pending migrations are proven (default: DATABASE_URL, prisma.config.ts, the embedded one). */
  databaseUrl?: string;
  /** The name of the environment variable holding the database URL (with its password). */
  databaseUrlEnv?: string;
  /** Rows seeded into each touched table (default 100). */
  seedRows?: number;
  /** Longest acceptable rollback, in seconds (default 300). */
  maxRollbackSeconds?: number;
  /** PostgreSQL major of the embedded servers (default 15; nx.json plugin option pgVersion). */
  pgVersion?: number | string;
}
