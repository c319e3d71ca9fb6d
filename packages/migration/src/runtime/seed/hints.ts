import { quoteIdent, quoteLiteral } from '../../sql/identifiers';
import { findTable, type Catalog } from './catalog';

/**
 * What a migration knows about the data it expects, which the catalog cannot say: a text column
 * that will be mapped to an enum holds one of the map's keys; a column about to get a foreign key
 * holds keys of the parent. Recipes write these as comments in migration.sql:
 *   -- @forge-seed "Order"."status" IN ('pending', 'paid')
 *   -- @forge-seed "Order"."couponId" REFERENCES "Coupon"("id")
 */
export type SeedHint =
  | { table: string; column: string; values: string[] }
  | { table: string; column: string; references: { table: string; column: string } };

const IDENT = String.raw`"((?:[^"]|"")+)"`;
const HINT = new RegExp(String.raw`^--\s*@forge-seed\s+${IDENT}\.${IDENT}\s+(IN\s*\((.*)\)|REFERENCES\s+${IDENT}\s*\(${IDENT}\))\s*$`, 'gm');

export function parseSeedHints(sql: string): SeedHint[] {
  const hints: SeedHint[] = [];
  for (const match of sql.matchAll(HINT)) {
    const [table, column] = [unquote(match[1]), unquote(match[2])];
    if (match[4] !== undefined) {
      const values = [...match[4].matchAll(/'((?:[^']|'')*)'/g)].map((v) => v[1].replace(/''/g, "'"));
      hints.push({ table, column, values });
    } else {
      hints.push({ table, column, references: { table: unquote(match[5]), column: unquote(match[6]) } });
    }
  }
  return hints;
}

/** The comment line for a hint (what recipes put into migration.sql). */
export function formatSeedHint(hint: SeedHint): string {
  const subject = `${quoteIdent(hint.table)}.${quoteIdent(hint.column)}`;
  return 'values' in hint
    ? `-- @forge-seed ${subject} IN (${hint.values.map(quoteLiteral).join(', ')})`
    : `-- @forge-seed ${subject} REFERENCES ${quoteIdent(hint.references.table)}(${quoteIdent(hint.references.column)})`;
}

/**
 * Adds hints to the catalog as the constraints they stand for (an IN-list CHECK, a foreign key),
 * which the seeder already knows how to satisfy. Hints on tables or columns that do not exist
 * (yet) are ignored.
 */
export function applySeedHints(catalog: Catalog, hints: SeedHint[]): void {
  for (const hint of hints) {
    let table;
    try {
      table = findTable(catalog, hint.table);
    } catch {
      continue;
    }
    if (!table.columns.some((c) => c.name === hint.column)) continue;
    if ('values' in hint) {
      const column = quoteIdent(hint.column);
      table.checks.push({
        name: `forge_seed_hint_${hint.column}`,
        columns: [hint.column],
        definition: `CHECK ((${column} = ANY (ARRAY[${hint.values.map((v) => `${quoteLiteral(v)}::text`).join(', ')}])))`,
      });
    } else {
      let parent;
      try {
        parent = findTable(catalog, hint.references.table);
      } catch {
        continue;
      }
      table.foreignKeys.push({
        name: `forge_seed_hint_${hint.column}`,
        columns: [hint.column],
        refSchema: parent.schema,
        refTable: parent.name,
        refColumns: [hint.references.column],
        matchFull: false,
      });
    }
  }
}

function unquote(name: string): string {
  return name.replace(/""/g, '"');
}
