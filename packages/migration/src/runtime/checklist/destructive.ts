import { statementEffect, relationName } from '../../analysis/effects';
import { parseMigration, type ParsedStatement } from '../../analysis/parse';
import type { MigrationFolder } from '../../engine/migrations';
import { BACKUP_SCHEMA } from '../forge-schema';

type Node = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A statement of a pending migration that takes data out of the application's tables. */
export interface DestructiveStatement {
  migration: string;
  line: number;
  /** e.g. `ALTER TABLE "User" DROP COLUMN "email"`, `moves "Coupon__removed__…" to _forge_backup`. */
  action: string;
  table: string;
  /** The columns whose values go; null = every row of the table. */
  columns: string[] | null;
  /** Where the data is kept (`_forge_backup.<table>`), or null: it is lost. */
  keptIn: string | null;
}

/** `INSERT INTO _forge_backup.x … SELECT … FROM t` or `CREATE TABLE _forge_backup.x AS SELECT … FROM t`. */
interface BackupCopy {
  into: string;
  from: string[];
  /** Columns copied; `*` for all. */
  columns: string[];
}

/**
 * The statements of `pending` that drop data (per statementEffect: DROP COLUMN, DROP TABLE,
 * TRUNCATE, DELETE) or park a table in `_forge_backup` (remove-table), each with where its data
 * is kept. Data is kept when an earlier statement — of this migration or one before it in
 * `history` — copies those columns of that table into `_forge_backup`: what the remove-column and
 * modify-column recipes do (a backup table, filled before the column goes).
 */
export async function destructiveStatements(pending: MigrationFolder[], history: MigrationFolder[]): Promise<DestructiveStatement[]> {
  const copies: BackupCopy[] = [];
  const found: DestructiveStatement[] = [];
  const pendingNames = new Set(pending.map((m) => m.name));
  for (const migration of history) {
    const statements = await parseMigration(migration.sql);
    for (const statement of statements) {
      if (pendingNames.has(migration.name)) found.push(...destructiveIn(migration.name, statement, copies));
      const copy = backupCopy(statement);
      if (copy) copies.push(copy);
    }
  }
  return found;
}

function destructiveIn(migration: string, statement: ParsedStatement, copies: BackupCopy[]): DestructiveStatement[] {
  const node = statement.node as Node;
  const at = { migration, line: statement.line };
  if (statement.type === 'AlterObjectSchemaStmt' && node.objectType === 'OBJECT_TABLE' && node.newschema === BACKUP_SCHEMA) {
    const table = relationName(node.relation)!;
    return [{ ...at, action: `moves ${quote(table)} to ${BACKUP_SCHEMA}`, table, columns: null, keptIn: `${BACKUP_SCHEMA}.${table}` }];
  }
  const effect = statementEffect(statement);
  if (!effect.dropsData) return [];
  const kept = (table: string, columns: string[] | null) =>
    copies.find((c) => c.from.includes(table) && (c.columns.includes('*') || (columns !== null && columns.every((col) => c.columns.includes(col)))));
  const entry = (table: string, columns: string[] | null): DestructiveStatement => {
    const copy = kept(table, columns);
    return { ...at, action: effect.action, table, columns, keptIn: copy ? copy.into : null };
  };
  switch (statement.type) {
    case 'AlterTableStmt': {
      const columns = (node.cmds ?? []).map((c: Node) => c.AlterTableCmd).filter((c: Node) => c?.subtype === 'AT_DropColumn').map((c: Node) => c.name as string);
      return [entry(relationName(node.relation)!, columns)];
    }
    default:
      // DROP TABLE, TRUNCATE, DELETE: every row (or some) of each table it names goes (not of the tables its foreign keys lock).
      return effect.targets.map((table) => entry(table, null));
  }
}

function backupCopy(statement: ParsedStatement): BackupCopy | undefined {
  const node = statement.node as Node;
  const target = statement.type === 'CreateTableAsStmt' ? node.into?.rel : statement.type === 'InsertStmt' ? node.relation : undefined;
  const select = statement.type === 'CreateTableAsStmt' ? node.query?.SelectStmt : node.selectStmt?.SelectStmt;
  if (target?.schemaname !== BACKUP_SCHEMA || !select) return undefined;
  const from = (select.fromClause ?? []).map((f: Node) => relationName(f.RangeVar)).filter(Boolean);
  const columns = (select.targetList ?? []).flatMap((t: Node) => selectedColumn(t.ResTarget));
  return { into: `${BACKUP_SCHEMA}.${target.relname}`, from, columns };
}

/** The source column a target-list entry copies: `"c"`, `"c"::text AS "c"`, `*`. */
function selectedColumn(target: Node | undefined): string[] {
  let value = target?.val;
  while (value?.TypeCast) value = value.TypeCast.arg;
  const fields: Node[] = value?.ColumnRef?.fields ?? [];
  const last = fields.at(-1);
  if (last?.A_Star) return ['*'];
  return last?.String?.sval ? [last.String.sval] : [];
}

function quote(name: string): string {
  return `"${name}"`;
}
