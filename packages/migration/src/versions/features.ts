import type { PgMajor } from '../engine/postgres-releases';

/**
 * One fact that differs between PostgreSQL majors in a way that changes a recipe: what exists
 * from `since` on, which recipes would use it, and how a migration shows it uses it. Each fact
 * carries a probe that features.int.spec.ts runs on every major (`npm run test:matrix`): it must
 * succeed from `since` on and fail with `missing` below.
 */
export interface VersionFeature {
  id: VersionFeatureId;
  /** The first major that has it. */
  since: PgMajor;
  /** What it is, as the user would search for it. */
  name: string;
  /** The recipes it changes, and how. */
  recipes: string;
  /** Matches the SQL of a migration that uses it. */
  usedBy: RegExp;
  probe: {
    /** Runs first, on every major (e.g. a table to alter). */
    setup?: string;
    sql: string;
    /** The SQLSTATE below `since`: 42601 syntax error, 42883 undefined function, … */
    missing: string;
  };
}

/**
 * The version-dependent facts, oldest first. Recipe and analysis work adds rows here (what
 * rewrites, which lock) rather than branching on version numbers elsewhere.
 */
export const VERSION_FEATURES: readonly VersionFeature[] = [
  {
    id: 'not-null-not-valid',
    since: 18,
    name: 'ALTER TABLE … ADD CONSTRAINT c NOT NULL col NOT VALID, then VALIDATE CONSTRAINT c',
    recipes:
      'add-column (required, filled per row) and modify-column (optional → required) can make a column NOT NULL without the ' +
      'four-step CHECK (col IS NOT NULL) NOT VALID → VALIDATE → SET NOT NULL → DROP CHECK route of 14–17',
    usedBy: /\bADD\s+CONSTRAINT\s+\S+\s+NOT\s+NULL\s+\S+\s+NOT\s+VALID\b/i,
    probe: {
      setup: 'CREATE TABLE forge_probe (c integer)',
      sql: 'ALTER TABLE forge_probe ADD CONSTRAINT forge_probe_c_not_null NOT NULL c NOT VALID',
      missing: '42601',
    },
  },
  {
    // Found by `npm run test:matrix`: on 18 the rename round trip leaves "Product_sku_not_null" on table "Item".
    id: 'named-not-null-constraints',
    since: 18,
    name: 'NOT NULL constraints in pg_constraint, named <table>_<column>_not_null (ALTER TABLE … RENAME CONSTRAINT works on them)',
    recipes:
      'rename (model or field): the names derived from the old ones include each NOT NULL constraint; renamed with the rest, ' +
      'or a fresh database built from the schema names them differently (Prisma does not compare them)',
    usedBy: /\bRENAME\s+CONSTRAINT\s+"?[^"\s]*_not_null"?\s+TO\b/i,
    probe: {
      setup: 'CREATE TABLE forge_probe (c integer NOT NULL)',
      sql: 'ALTER TABLE forge_probe RENAME CONSTRAINT forge_probe_c_not_null TO forge_probe_c_required',
      missing: '42704',
    },
  },
  {
    id: 'uuidv7',
    since: 18,
    name: 'uuidv7() (time-ordered UUIDs, built in)',
    recipes: 'add-column and add-table can default a UUID column to uuidv7(); before 18 it needs an extension or a function of your own',
    usedBy: /\buuidv7\s*\(/i,
    probe: { sql: 'SELECT uuidv7()', missing: '42883' },
  },
];

export type VersionFeatureId = 'not-null-not-valid' | 'named-not-null-constraints' | 'uuidv7';

/** Whether PostgreSQL `major` has the feature: recipes ask this rather than compare version numbers. */
export function hasFeature(major: number, id: VersionFeatureId): boolean {
  const feature = VERSION_FEATURES.find((f) => f.id === id);
  if (!feature) throw new Error(`Unknown version feature ${id}`);
  return major >= feature.since;
}

/** The facts that tell `a` and `b` apart: new in one of them and not in the other. */
export function featuresBetween(a: number, b: number): VersionFeature[] {
  const [low, high] = a < b ? [a, b] : [b, a];
  return VERSION_FEATURES.filter((f) => f.since > low && f.since <= high);
}
