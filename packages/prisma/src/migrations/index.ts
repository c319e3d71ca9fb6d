// TypeScript data migrations of prisma, keyed by the SQL migration folder each one follows.
// Maintained by @forge/migration's generators; `nx run prisma:migrate` runs each one's up()
// right after its SQL migration.
import type { DataMigrationRegistry } from '@forge/migration/runtime';

export const dataMigrations: DataMigrationRegistry = {};
