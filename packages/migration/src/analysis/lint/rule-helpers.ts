import type { Catalog } from '../catalog';
import { columnConstraints, tableKey, tableOf } from '../sql-facts';
import type { LintContext, LintScript, LintStatement } from './types';

/** A libpg-query JSON AST node. */
export type AstNode = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Node = AstNode;

/** The statement's AST node (libpg-query JSON), for rules that read fields effects.ts does not expose. */
export function nodeOf(statement: LintStatement): Node {
  return statement.statement.node as Node;
}

/** `"name"`, for messages. */
export function q(name: string | undefined): string {
  return name === undefined ? '?' : `"${name}"`;
}

/** The sub-commands of an `ALTER TABLE` (none for other statements), with the table they apply to. */
export function alterTableCommands(statement: LintStatement): { table: string; cmd: Node }[] {
  const node = statement.statement.node as Node;
  if (statement.statement.type !== 'AlterTableStmt' || node.objtype !== 'OBJECT_TABLE') return [];
  const table = tableOf(node.relation);
  if (!table) return [];
  return (node.cmds ?? []).map((c: Node) => c.AlterTableCmd).filter(Boolean).map((cmd: Node) => ({ table, cmd }));
}

/** The table of an index, as the catalog knows it (undefined when no migration shows the index). */
export function tableOfIndex(catalog: Catalog, index: string): string | undefined {
  return catalog.index(index)?.table;
}

/**
 * Another statement of the same transaction takes ACCESS EXCLUSIVE on the table: whatever this one
 * locks, the table is unavailable until commit anyway.
 */
export function transactionLocksTableExclusively(script: LintScript, table: string, except: number): boolean {
  if (!script.transactional) return false;
  return script.statements.some(
    (s) => s.index !== except && s.effect.locks.some((l) => tableKey(l.table) === table && l.lock === 'ACCESS EXCLUSIVE'),
  );
}

/** Every `ADD COLUMN` on a table that existed before the migration, with the column's constraints. */
export function columnsAddedToExistingTables(context: LintContext): { statement: LintStatement; table: string; def: Node; constraints: Node[] }[] {
  return context.script.statements.flatMap((statement) => {
    const catalog = context.catalogBefore(statement.index);
    return alterTableCommands(statement).flatMap(({ table, cmd }) => {
      const def = cmd.subtype === 'AT_AddColumn' ? cmd.def?.ColumnDef : undefined;
      return def && !catalog.isNewTable(table) ? [{ statement, table, def, constraints: columnConstraints(def) }] : [];
    });
  });
}

/** Whether a statement of `transaction` adds the constraint `name`: a VALIDATE in a later step of a down.sql in steps runs after that transaction committed. */
export function addedInTransaction(statements: LintStatement[], name: string | undefined, transaction: number): boolean {
  return statements.some(
    (s) => s.transaction === transaction && alterTableCommands(s).some(({ cmd }) => cmd.subtype === 'AT_AddConstraint' && cmd.def?.Constraint?.conname === name),
  );
}
