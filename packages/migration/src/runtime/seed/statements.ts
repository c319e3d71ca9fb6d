import { quoteIdent } from '../../sql/identifiers';
import { type Catalog, type ForeignKey, type TableInfo, columnOf, tableKey, tableRefOf } from './catalog';
import { SeedError } from './errors';
import { type ColumnPlan, oneRowIn, planColumn, valueSql } from './values';

/** The row number inside the INSERT: `generate_series(…) AS seed(g)`, qualified so no user column can shadow it. */
const G = 'seed.g';

export interface InsertInput {
  catalog: Catalog;
  table: TableInfo;
  /** Rows already in the table: numbering continues after them, so generated values do not repeat. */
  offset: number;
  rows: number;
  /** Parent rows each foreign key can point to (referenced columns all non-NULL), by constraint name. */
  parentRows: Map<string, number>;
  /** Foreign keys to leave NULL here (filled by `buildDeferredUpdate` later). */
  deferred: ForeignKey[];
  /** Columns forced to NULL (a CHECK on them the seeder cannot satisfy). */
  forcedNull: Set<string>;
}

/**
 * A source of values for one or more columns whose index can be cycled: a generated column, or a
 * foreign key (all its columns come from one parent row, chosen by number).
 */
interface Component {
  columns: string[];
  capacity: number;
  /** The index is `((g - 1) / stride) % capacity + 1`; strides combine components for a composite unique key. */
  stride: number;
  /** Its stride was set for one unique key; another key must not change it. */
  locked: boolean;
  describe: string;
  fk?: { constraint: ForeignKey; alias: string; nullable: boolean };
  plan?: Extract<ColumnPlan, { kind: 'value' }>;
}

/**
 * `INSERT INTO t (...) SELECT ... FROM generate_series(...) seed(g) LEFT JOIN <numbered parent rows> ...`:
 * one set-based statement per table. Foreign keys take the key of parent row number
 * `((g - 1) % parents) + 1` (numbered in key order, so the choice is reproducible), spreading the
 * children over all parents. Every unique key is checked: one column that never repeats is enough;
 * otherwise its small components are combined like digits (enum × boolean × parent), and if even that
 * cannot give enough distinct rows the error says which key and why.
 */
export function buildInsert(input: InsertInput): string {
  const { table, offset, rows } = input;
  const maxG = offset + rows;
  const plans = new Map(table.columns.map((c) => [c.name, planColumn(table, c, input.catalog.types)]));
  const deferredNull = new Set(input.deferred.flatMap((fk) => fk.columns.filter((c) => columnOf(table, c).nullable)));
  const forcedNull = new Set([...input.forcedNull, ...deferredNull]);
  const noNulls = new Set(table.uniques.filter((u) => u.nullsNotDistinct).flatMap((u) => u.columns));
  const inUnique = new Set(table.uniques.flatMap((u) => u.columns));

  // Foreign keys first (wider ones first: a column shared with a narrower key takes the wider key's value).
  const components: Component[] = [];
  const componentOf = new Map<string, Component>();
  const deferredNames = new Set(input.deferred.map((fk) => fk.name));
  const fks = table.foreignKeys.filter((fk) => !deferredNames.has(fk.name)).sort((a, b) => b.columns.length - a.columns.length || compare(a.name, b.name));
  for (const fk of fks) {
    const columns = fk.columns.filter((c) => !componentOf.has(c) && !forcedNull.has(c));
    if (columns.length === 0) continue;
    const count = input.parentRows.get(fk.name) ?? 0;
    const nullable = columns.every((c) => columnOf(table, c).nullable && !noNulls.has(c));
    // No parent to point to; or a unique link (one-to-one) whose parents the rows already there
    // may have taken: NULL is the value that cannot be wrong.
    const uniqueLink = table.uniques.some((u) => u.columns.length > 0 && u.columns.every((c) => fk.columns.includes(c)));
    if (nullable && (count === 0 || (offset > 0 && uniqueLink))) {
      columns.forEach((c) => forcedNull.add(c));
      continue;
    }
    if (count === 0) {
      throw new SeedError(
        `Cannot seed ${tableRefOf(table)}: foreign key ${quoteIdent(fk.name)} needs rows in ${quoteIdent(fk.refSchema)}.${quoteIdent(fk.refTable)}, ` +
          `which has none with (${fk.refColumns.map(quoteIdent).join(', ')}) all set.`,
      );
    }
    const component: Component = {
      columns,
      capacity: count,
      stride: 1,
      locked: false,
      describe: `references ${quoteIdent(fk.refTable)} (${count} rows)`,
      fk: { constraint: fk, alias: `p${components.length}`, nullable },
    };
    components.push(component);
    columns.forEach((c) => componentOf.set(c, component));
  }
  for (const column of table.columns) {
    const plan = plans.get(column.name)!;
    if (plan.kind !== 'value' || componentOf.has(column.name) || forcedNull.has(column.name)) continue;
    const component: Component = { columns: [column.name], capacity: plan.generator.capacity, stride: 1, locked: false, describe: plan.generator.describe, plan };
    components.push(component);
    componentOf.set(column.name, component);
  }

  // Rows already in the table used indexes 1..offset (when seeded before): new rows must not reuse them.
  const injective = (c: Component) => c.stride === 1 && c.capacity >= maxG;
  for (const key of table.uniques) {
    // Sequences and generated columns are the database's business; NULLs never collide (unless NULLS NOT DISTINCT).
    const databaseFilled = key.columns.some((c) => plans.get(c)?.kind === 'database');
    const alwaysNull = key.columns.some((c) => (forcedNull.has(c) || plans.get(c)?.kind === 'null') && !key.nullsNotDistinct);
    if (databaseFilled || alwaysNull) continue;
    const parts = [...new Set(key.columns.map((c) => componentOf.get(c)).filter((c): c is Component => c !== undefined))];
    if (parts.some(injective)) continue;
    const combinations = parts.reduce((product, c) => product * c.capacity, 1);
    if (combinations < maxG) {
      const what = parts.map((c) => `${c.columns.map(quoteIdent).join(', ')}: ${c.describe}`).join('; ');
      const existing = offset > 0 ? ` (${offset} rows are there already)` : '';
      throw new SeedError(
        `Cannot seed ${rows} rows into ${tableRefOf(table)}${existing}: unique key ${quoteIdent(key.name)} (${key.columns.map(quoteIdent).join(', ')}) ` +
          `allows only ${combinations} distinct rows with the values the seeder can generate (${what}). ` +
          `Seed at most ${Math.max(combinations - offset, 0)} rows, or give the table rows before validating.`,
      );
    }
    // Mixed radix: the tuple of indexes is distinct for `combinations` consecutive row numbers.
    let stride = 1;
    for (const part of parts) {
      if (!part.locked) part.stride = stride;
      part.locked = true;
      stride = Math.min(stride * part.capacity, Number.MAX_SAFE_INTEGER);
    }
  }

  const indexOf = (c: Component) => {
    if (c.capacity === Infinity || (!c.fk && c.stride === 1 && c.capacity >= maxG)) return G;
    const scaled = c.stride === 1 ? `(${G} - 1)` : `((${G} - 1) / ${c.stride})`;
    return `(${scaled} % ${c.capacity} + 1)`;
  };

  const names: string[] = [];
  const values: string[] = [];
  for (const column of table.columns) {
    const plan = plans.get(column.name)!;
    const component = componentOf.get(column.name);
    if (forcedNull.has(column.name) || plan.kind === 'null') {
      values.push('NULL');
    } else if (component?.fk) {
      const position = component.fk.constraint.columns.indexOf(column.name);
      values.push(`${component.fk.alias}.k${position}`);
    } else if (component?.plan) {
      values.push(
        valueSql(component.plan, {
          g: G,
          index: indexOf(component),
          maxIndex: Math.min(component.capacity, maxG),
          nulls: !noNulls.has(column.name),
          useDefault: !inUnique.has(column.name),
        }),
      );
    } else {
      continue; // left to the database
    }
    names.push(quoteIdent(column.name));
  }

  const joins = components
    .filter((c) => c.fk)
    .map((c) => {
      const { constraint, alias, nullable } = c.fk!;
      const someNulls = nullable ? ` AND NOT (${oneRowIn(7, G, columnOf(table, c.columns[0]).attnum)})` : '';
      return `LEFT JOIN ${numberedParent(input.catalog, constraint)} AS ${alias} ON ${alias}.rn = ${indexOf(c)}${someNulls}`;
    });

  return [
    `INSERT INTO ${tableRefOf(table)}${names.length ? ` (${names.join(', ')})` : ''}`,
    `SELECT ${values.join(',\n       ')}`,
    `FROM generate_series(${offset + 1}::bigint, ${maxG}::bigint) AS seed(g)`,
    ...joins,
    `ORDER BY ${G}`,
  ].join('\n');
}

/**
 * Fills a foreign key the INSERT left NULL, once its parent has rows: child row number r (in
 * primary key order) points to parent row r / 2 for a self-reference (a tree: row 1 is a root), or
 * r - 1 when the key must be unique (a chain); for a cycle through another table, spread like the
 * INSERT does. Returns undefined when the key mixes nullable and NOT NULL columns (left NULL then).
 */
export function buildDeferredUpdate(catalog: Catalog, table: TableInfo, fk: ForeignKey, parentRows: number): string | undefined {
  if (!fk.columns.every((c) => columnOf(table, c).nullable)) return undefined;
  const self = fk.refSchema === table.schema && fk.refTable === table.name;
  const unique = table.uniques.some((u) => u.columns.length > 0 && u.columns.every((c) => fk.columns.includes(c)));
  const target = self ? (unique ? 'c.rn - 1' : 'c.rn / 2') : unique ? 'c.rn' : `(c.rn - 1) % ${parentRows} + 1`;
  const someNulls = self ? '' : ` AND NOT (${oneRowIn(7, 'c.rn', 0)})`;
  const key = table.primaryKey;
  const childKey = key.length ? key.map((c, i) => `${quoteIdent(c)} AS c${i}`).join(', ') : 'ctid AS c0';
  const childOrder = key.length ? key.map(quoteIdent).join(', ') : 'ctid';
  const match = key.length ? key.map((c, i) => `t.${quoteIdent(c)} = c.c${i}`).join(' AND ') : 't.ctid = c.c0';
  return [
    `UPDATE ${tableRefOf(table)} AS t SET ${fk.columns.map((c, i) => `${quoteIdent(c)} = p.k${i}`).join(', ')}`,
    `FROM (SELECT ${childKey}, row_number() OVER (ORDER BY ${childOrder}) AS rn FROM ${tableRefOf(table)}) AS c`,
    `JOIN ${numberedParent(catalog, fk)} AS p ON p.rn = ${target}${someNulls}`,
    `WHERE ${match}`,
  ].join('\n');
}

/** How many parent rows a foreign key can point to. */
export function parentRowsSql(fk: ForeignKey): string {
  const parent = `${quoteIdent(fk.refSchema)}.${quoteIdent(fk.refTable)}`;
  return `SELECT count(*)::bigint AS n FROM ${parent} WHERE ${fk.refColumns.map((c) => `${quoteIdent(c)} IS NOT NULL`).join(' AND ')}`;
}

/** The parent's referenced columns as k0, k1, … with their row number in key order. */
function numberedParent(catalog: Catalog, fk: ForeignKey): string {
  const parent = catalog.tables.get(tableKey(fk.refSchema, fk.refTable))!;
  const columns = fk.refColumns.map(quoteIdent);
  return (
    `(SELECT ${columns.map((c, i) => `${c} AS k${i}`).join(', ')}, row_number() OVER (ORDER BY ${columns.join(', ')}) AS rn ` +
    `FROM ${tableRefOf(parent)} WHERE ${columns.map((c) => `${c} IS NOT NULL`).join(' AND ')})`
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
