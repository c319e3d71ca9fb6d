// Generated rows for migrate-validate: seeds the tables a migration touches (and the parents they need).
export { seedTables, type SeedOptions, type SeededTable } from './seed';
export { SeedError } from './errors';
export { readCatalog, type Catalog, type TableInfo, type ColumnInfo, type ForeignKey, type UniqueKey, type CheckConstraint, type TypeInfo } from './catalog';
export { planSeed, parentClosure, type SeedStep } from './plan';
export { formatSeedHint, parseSeedHints, type SeedHint } from './hints';
