import type { ColumnType } from '../sql-facts';

/**
 * Type changes PostgreSQL makes in the catalog only (no table rewrite, indexes kept), because the
 * stored bytes stay valid: the cast is binary-coercible, or a length/precision limit only grows.
 * Verified on PostgreSQL 15 by binary-coercible.spec.ts (the table's relfilenode does not change).
 * Anything else (including any USING clause) is treated as a rewrite.
 */
export function isCatalogOnlyTypeChange(from: ColumnType, to: ColumnType): boolean {
  if (from.array !== to.array) return false;
  if (from.name === to.name && sameMods(from.mods, to.mods)) return true;
  if (from.array) return false;
  if (from.name === 'varchar' && to.name === 'text') return true;
  if (from.name === 'text' && to.name === 'varchar') return to.mods.length === 0;
  if (from.name === 'cidr' && to.name === 'inet') return true;
  if (from.name !== to.name) return false;
  switch (from.name) {
    case 'varchar':
    case 'varbit':
      return grows(from.mods[0], to.mods[0]);
    case 'numeric':
      // Precision may grow at the same scale (numeric(p) is numeric(p,0)); no limit at all is fine too.
      if (to.mods.length === 0) return true;
      return from.mods.length > 0 && (from.mods[1] ?? 0) === (to.mods[1] ?? 0) && to.mods[0] >= from.mods[0];
    case 'timestamp':
    case 'timestamptz':
    case 'time':
    case 'timetz':
    case 'interval':
      // No precision means the maximum, 6: (6) and no precision are the same.
      return to.mods[0] === undefined || to.mods[0] >= MAX_TIME_PRECISION || grows(from.mods[0], to.mods[0]);
    default:
      return false;
  }
}

const MAX_TIME_PRECISION = 6;

/** A length or precision limit that is removed or does not shrink (undefined: no limit). */
function grows(from: number | undefined, to: number | undefined): boolean {
  if (to === undefined) return true;
  return from !== undefined && to >= from;
}

function sameMods(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((m, i) => m === b[i]);
}
