import type { MigrationFolder } from '../engine/migrations';
import { GENERATED_HEADER } from '../recipes/scripts';

/**
 * A project adopted with migrations the tool did not write (`prisma migrate dev`, hand-written
 * SQL) starts with folders that have no down.sql. They are history: they already ran everywhere,
 * nobody can roll them back, and their migration.sql must never be edited (Prisma checksums it).
 * The adoption point is the first folder the tool generated or that has a down.sql; every folder
 * before it is history: validate applies it as the starting state, lint reads it only as history.
 * From the adoption point on every folder is held to the rules (reversible, linted, proven).
 */
export interface MigrationHistory {
  /** The folders before the adoption point, in order. */
  history: string[];
  /** The first folder held to the rules, or null when every folder is history. */
  adoptionPoint: string | null;
}

export function migrationHistory(migrations: readonly MigrationFolder[]): MigrationHistory {
  const at = migrations.findIndex((m) => m.downSql !== null || generatedByTool(m.sql));
  const end = at < 0 ? migrations.length : at;
  return { history: migrations.slice(0, end).map((m) => m.name), adoptionPoint: at < 0 ? null : migrations[at].name };
}

/** True for a migration.sql this plugin generated (its header line, with or without the PostgreSQL major). */
export function generatedByTool(sql: string): boolean {
  const prefix = GENERATED_HEADER.replace(/\.$/, '');
  return sql.split('\n', 8).some((line) => line === GENERATED_HEADER || line.startsWith(`${prefix} for PostgreSQL `));
}

/** How validate and lint say what they leave alone. */
export function describeHistory({ history }: MigrationHistory): string {
  if (!history.length) return '';
  const span = history.length === 1 ? history[0] : `${history[0]} … ${history.at(-1)}`;
  return `${history.length} migration(s) written before the adoption point (${span}, no down.sql) are history: applied as they are, never rolled back or linted.`;
}
