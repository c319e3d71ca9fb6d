import { isSerialType, volatileFunction } from './ast';
import { blocksReads, blocksWrites, strongerLock, type LockMode } from './locks';
import type { ParsedStatement } from './parse';

/** What one statement does to the tables it touches: the facts lint rules, estimates and reports use. */
export interface StatementEffect {
  statement: ParsedStatement;
  /** Short description, e.g. `ADD COLUMN "preferences"`, `CREATE INDEX CONCURRENTLY "idx_…"`. */
  action: string;
  /** Each table the statement locks, with the lock. */
  locks: { table: string; lock: LockMode }[];
  /** The strongest of them; null for statements that lock no table (SET, CREATE TYPE…). */
  lock: LockMode | null;
  /** Reads every row of a table (index build, constraint validation, SET NOT NULL, unbounded UPDATE…). */
  scansTable: boolean;
  /** Rewrites every row (and rebuilds every index) of a table. */
  rewritesTable: boolean;
  /** Changes rows (UPDATE, INSERT, DELETE). */
  writesRows: boolean;
  blocksReads: boolean;
  blocksWrites: boolean;
  /** False for statements PostgreSQL refuses inside a transaction block (… CONCURRENTLY, VACUUM). */
  transactional: boolean;
  /** Drops data (DROP COLUMN, DROP TABLE, TRUNCATE, DELETE). */
  dropsData: boolean;
  /** Why, in words: what makes it scan, rewrite or lock. */
  notes: string[];
}

type Node = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function statementEffect(statement: ParsedStatement): StatementEffect {
  const effect: StatementEffect = {
    statement,
    action: statement.type,
    locks: [],
    lock: null,
    scansTable: false,
    rewritesTable: false,
    writesRows: false,
    blocksReads: false,
    blocksWrites: false,
    transactional: true,
    dropsData: false,
    notes: [],
  };
  classify(statement.type, statement.node, effect);
  for (const { lock } of effect.locks) effect.lock = effect.lock ? strongerLock(effect.lock, lock) : lock;
  effect.blocksReads = effect.lock !== null && blocksReads(effect.lock);
  effect.blocksWrites = effect.lock !== null && blocksWrites(effect.lock);
  return effect;
}

function lockTable(effect: StatementEffect, table: string | undefined, lock: LockMode): void {
  if (!table) return;
  const existing = effect.locks.find((l) => l.table === table);
  if (existing) existing.lock = strongerLock(existing.lock, lock);
  else effect.locks.push({ table, lock });
}

export function relationName(range: Node | undefined): string | undefined {
  if (!range?.relname) return undefined;
  return range.schemaname ? `${range.schemaname}.${range.relname}` : range.relname;
}

function classify(type: string, node: Node, effect: StatementEffect): void {
  switch (type) {
    case 'AlterTableStmt':
      return alterTable(node, effect);
    case 'IndexStmt': {
      const table = relationName(node.relation);
      effect.action = `CREATE ${node.unique ? 'UNIQUE ' : ''}INDEX${node.concurrent ? ' CONCURRENTLY' : ''} ${quote(node.idxname)}`;
      effect.scansTable = true;
      if (node.concurrent) {
        lockTable(effect, table, 'SHARE UPDATE EXCLUSIVE');
        effect.transactional = false;
        effect.notes.push('builds the index while writes continue (two table scans)');
      } else {
        lockTable(effect, table, 'SHARE');
        effect.notes.push('blocks writes for the whole build');
      }
      return;
    }
    case 'DropStmt':
      return drop(node, effect);
    case 'CreateStmt': {
      effect.action = `CREATE TABLE ${quote(relationName(node.relation))}`;
      lockTable(effect, relationName(node.relation), 'ACCESS EXCLUSIVE');
      for (const element of node.tableElts ?? []) {
        for (const constraint of [...(element.ColumnDef?.constraints ?? []), element.Constraint ? { Constraint: element.Constraint } : undefined]) {
          const c = constraint?.Constraint;
          if (c?.contype === 'CONSTR_FOREIGN') lockTable(effect, relationName(c.pktable), 'SHARE ROW EXCLUSIVE');
        }
      }
      effect.notes.push('a new table: nothing waits for it');
      return;
    }
    case 'CreateTableAsStmt': {
      effect.action = `CREATE TABLE ${quote(relationName(node.into?.rel))} AS SELECT …`;
      effect.scansTable = true;
      for (const source of fromTables(node.query)) lockTable(effect, source, 'ACCESS SHARE');
      return;
    }
    case 'UpdateStmt':
    case 'DeleteStmt':
    case 'InsertStmt': {
      const table = relationName(node.relation);
      effect.action = `${type.replace('Stmt', '').toUpperCase()} ${quote(table)}`;
      lockTable(effect, table, 'ROW EXCLUSIVE');
      effect.writesRows = true;
      if (type === 'DeleteStmt') effect.dropsData = true;
      if (type !== 'InsertStmt' && !node.whereClause) {
        effect.scansTable = true;
        effect.notes.push('touches every row in one transaction');
      }
      if (type === 'InsertStmt' && node.selectStmt) for (const source of fromTables(node.selectStmt)) lockTable(effect, source, 'ACCESS SHARE');
      return;
    }
    case 'TruncateStmt':
      effect.action = 'TRUNCATE';
      for (const relation of node.relations ?? []) lockTable(effect, relationName(relation.RangeVar), 'ACCESS EXCLUSIVE');
      effect.dropsData = true;
      return;
    case 'RenameStmt':
      return rename(node, effect);
    case 'AlterObjectSchemaStmt':
      effect.action = `SET SCHEMA ${quote(node.newschema)}`;
      if (node.objectType === 'OBJECT_TABLE') lockTable(effect, relationName(node.relation), 'ACCESS EXCLUSIVE');
      return;
    case 'CreateTrigStmt':
      effect.action = `CREATE TRIGGER ${quote(node.trigname)}`;
      lockTable(effect, relationName(node.relation), 'SHARE ROW EXCLUSIVE');
      return;
    case 'LockStmt':
      effect.action = 'LOCK TABLE';
      for (const relation of node.relations ?? []) lockTable(effect, relationName(relation.RangeVar), lockModeOf(node.mode));
      return;
    case 'AlterEnumStmt':
      effect.action = node.newVal ? `ALTER TYPE … ADD VALUE ${quote(node.newVal)}` : 'ALTER TYPE … RENAME VALUE';
      if (node.newVal) effect.notes.push('the new value cannot be used before the transaction commits');
      return;
    case 'VacuumStmt':
    case 'ReindexStmt':
      effect.action = type === 'VacuumStmt' ? 'VACUUM' : 'REINDEX';
      effect.transactional = type !== 'VacuumStmt' && !(node.params ?? []).some((p: Node) => p.DefElem?.defname === 'concurrently');
      return;
    case 'VariableSetStmt':
      effect.action = `SET${node.is_local ? ' LOCAL' : ''} ${node.name}`;
      return;
    case 'DoStmt':
      effect.action = 'DO block';
      effect.notes.push('runs procedural code: what it locks is not known before it runs');
      return;
    default:
      effect.action = type.replace(/Stmt$/, '');
  }
}

function alterTable(node: Node, effect: StatementEffect): void {
  const table = relationName(node.relation);
  const actions: string[] = [];
  for (const { AlterTableCmd: cmd } of node.cmds ?? []) {
    if (!cmd) continue;
    const column = cmd.name ?? cmd.def?.ColumnDef?.colname;
    switch (cmd.subtype) {
      case 'AT_AddColumn': {
        lockTable(effect, table, 'ACCESS EXCLUSIVE');
        const def = cmd.def.ColumnDef;
        actions.push(`ADD COLUMN ${quote(def.colname)}`);
        const constraints: Node[] = (def.constraints ?? []).map((c: Node) => c.Constraint);
        const defaultExpr = constraints.find((c) => c.contype === 'CONSTR_DEFAULT')?.raw_expr;
        if (volatileFunction(defaultExpr) || isSerialType(def)) {
          effect.rewritesTable = true;
          effect.notes.push(`the volatile default of ${quote(def.colname)} rewrites every row`);
        }
        if (constraints.some((c) => c.contype === 'CONSTR_IDENTITY' || (c.contype === 'CONSTR_GENERATED' && c.generated_when))) {
          effect.rewritesTable = true;
          effect.notes.push(`an identity or stored generated column rewrites every row`);
        }
        if (constraints.some((c) => c.contype === 'CONSTR_NOTNULL') && !defaultExpr && !isSerialType(def)) {
          effect.notes.push(`NOT NULL without a default fails on a table that has rows`);
        }
        for (const c of constraints) {
          if (c.contype === 'CONSTR_FOREIGN') lockTable(effect, relationName(c.pktable), 'SHARE ROW EXCLUSIVE');
        }
        break;
      }
      case 'AT_DropColumn':
        lockTable(effect, table, 'ACCESS EXCLUSIVE');
        actions.push(`DROP COLUMN ${quote(column)}`);
        effect.dropsData = true;
        break;
      case 'AT_AlterColumnType':
        lockTable(effect, table, 'ACCESS EXCLUSIVE');
        actions.push(`ALTER COLUMN ${quote(column)} TYPE`);
        effect.rewritesTable = true;
        effect.notes.push(`changing the type of ${quote(column)} rewrites the table and its indexes unless the cast is binary-coercible (e.g. varchar → larger varchar or text)`);
        break;
      case 'AT_SetNotNull':
        lockTable(effect, table, 'ACCESS EXCLUSIVE');
        actions.push(`SET NOT NULL ${quote(column)}`);
        effect.scansTable = true;
        effect.notes.push(`SET NOT NULL scans the whole table under ACCESS EXCLUSIVE unless a validated CHECK (${column} IS NOT NULL) exists`);
        break;
      case 'AT_DropNotNull':
      case 'AT_ColumnDefault':
      case 'AT_DropConstraint':
      case 'AT_SetStatistics':
      case 'AT_SetStorage':
        lockTable(effect, table, cmd.subtype === 'AT_SetStatistics' ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE');
        actions.push(`${cmd.subtype.replace('AT_', '')}${column ? ` ${quote(column)}` : ''}`);
        break;
      case 'AT_AddConstraint':
        addConstraint(table, cmd.def.Constraint, effect, actions);
        break;
      case 'AT_ValidateConstraint':
        lockTable(effect, table, 'SHARE UPDATE EXCLUSIVE');
        actions.push(`VALIDATE CONSTRAINT ${quote(cmd.name)}`);
        effect.scansTable = true;
        effect.notes.push('validation scans the table while reads and writes continue');
        break;
      case 'AT_EnableTrig':
      case 'AT_DisableTrig':
      case 'AT_EnableAlwaysTrig':
        lockTable(effect, table, 'SHARE ROW EXCLUSIVE');
        actions.push(cmd.subtype.replace('AT_', ''));
        break;
      default:
        lockTable(effect, table, 'ACCESS EXCLUSIVE');
        actions.push(cmd.subtype.replace('AT_', ''));
    }
  }
  effect.action = `ALTER TABLE ${quote(table)} ${actions.join(', ')}`;
}

function addConstraint(table: string | undefined, constraint: Node, effect: StatementEffect, actions: string[]): void {
  const name = constraint.conname ? ` ${quote(constraint.conname)}` : '';
  const notValid = Boolean(constraint.skip_validation);
  switch (constraint.contype) {
    case 'CONSTR_FOREIGN':
      lockTable(effect, table, 'SHARE ROW EXCLUSIVE');
      lockTable(effect, relationName(constraint.pktable), 'SHARE ROW EXCLUSIVE');
      actions.push(`ADD FOREIGN KEY${name}${notValid ? ' NOT VALID' : ''}`);
      if (!notValid) {
        effect.scansTable = true;
        effect.notes.push('adding a validated foreign key scans the table while writes to both tables wait');
      }
      return;
    case 'CONSTR_CHECK':
      lockTable(effect, table, 'ACCESS EXCLUSIVE');
      actions.push(`ADD CHECK${name}${notValid ? ' NOT VALID' : ''}`);
      if (!notValid) {
        effect.scansTable = true;
        effect.notes.push('adding a validated CHECK scans the table under ACCESS EXCLUSIVE');
      }
      return;
    case 'CONSTR_UNIQUE':
    case 'CONSTR_PRIMARY':
      lockTable(effect, table, 'ACCESS EXCLUSIVE');
      actions.push(`ADD ${constraint.contype === 'CONSTR_UNIQUE' ? 'UNIQUE' : 'PRIMARY KEY'}${name}${constraint.indexname ? ' USING INDEX' : ''}`);
      if (!constraint.indexname) {
        effect.scansTable = true;
        effect.notes.push('builds its index under ACCESS EXCLUSIVE (create the index CONCURRENTLY first, then ADD … USING INDEX)');
      }
      return;
    default:
      lockTable(effect, table, 'ACCESS EXCLUSIVE');
      actions.push(`ADD CONSTRAINT${name}`);
  }
}

function drop(node: Node, effect: StatementEffect): void {
  const names: string[] = (node.objects ?? []).map((o: Node) => (o.List?.items ?? []).map((i: Node) => i.String?.sval).join('.'));
  switch (node.removeType) {
    case 'OBJECT_INDEX':
      effect.action = `DROP INDEX${node.concurrent ? ' CONCURRENTLY' : ''} ${names.map(quote).join(', ')}`;
      // The table is not named in the statement; ACCESS EXCLUSIVE on it unless CONCURRENTLY.
      for (const name of names) lockTable(effect, `(table of index ${name})`, node.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE');
      effect.transactional = !node.concurrent;
      return;
    case 'OBJECT_TABLE':
      effect.action = `DROP TABLE ${names.map(quote).join(', ')}`;
      for (const name of names) lockTable(effect, name, 'ACCESS EXCLUSIVE');
      effect.dropsData = true;
      return;
    default:
      effect.action = `DROP ${String(node.removeType).replace('OBJECT_', '')} ${names.map(quote).join(', ')}`;
  }
}

function rename(node: Node, effect: StatementEffect): void {
  const table = relationName(node.relation);
  const what = String(node.renameType).replace('OBJECT_', '');
  effect.action = `RENAME ${what} ${quote(node.subname ?? table)} TO ${quote(node.newname)}`;
  // Renaming an index takes SHARE UPDATE EXCLUSIVE (PostgreSQL ≥ 12); tables, columns and constraints ACCESS EXCLUSIVE.
  lockTable(effect, table, node.renameType === 'OBJECT_INDEX' ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE');
}

function fromTables(select: Node | undefined): string[] {
  const from = select?.SelectStmt?.fromClause ?? [];
  return from.map((item: Node) => relationName(item.RangeVar)).filter(Boolean);
}

function lockModeOf(mode: number | undefined): LockMode {
  const modes: LockMode[] = ['ACCESS SHARE', 'ROW SHARE', 'ROW EXCLUSIVE', 'SHARE UPDATE EXCLUSIVE', 'SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE'];
  return modes[(mode ?? 8) - 1] ?? 'ACCESS EXCLUSIVE';
}

function quote(name: string | undefined): string {
  return name === undefined ? '?' : `"${name}"`;
}
