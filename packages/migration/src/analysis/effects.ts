import type { AlterTableType } from 'libpg-query';
import { isSerialType, volatileFunction } from './ast';
import { Catalog, NO_SCHEMA_FACTS, type ForeignKeyFact, type SchemaFacts } from './catalog';
import { blockContents } from './do-block';
import { blocksReads, blocksWrites, LOCK_MODES, strongerLock, type LockMode } from './locks';
import { parseLoaded, type ParsedStatement } from './parse';
import { readTables, relationName, tableKey, tableOf } from './sql-facts';
import { objectKeyword, quoteName, quoteTable, statementName } from './statement-names';
import { unknownTable, unknownTableOfIndex } from './table-names';

export { relationName };

/** What an object lock is on when it is not a table (a renamed index, sequence or view). */
export type LockedObject = 'table' | 'index' | 'sequence' | 'view';

/** A lock a statement takes (PostgreSQL 15, measured in pg_locks: see effects.int.spec.ts). */
export interface RelationLock {
  /** The table as the analysis names it, or an unknown one described in parentheses. */
  table: string;
  lock: LockMode;
  /** Taken on some runs only: foreign-key checks when rows are written, a branch of a DO block. */
  conditional?: boolean;
  /** Not a table: the index, sequence or view the statement renames or moves. */
  object?: Exclude<LockedObject, 'table'>;
}

/** What one statement does to the tables it touches: the facts lint rules, estimates and reports use. */
export interface StatementEffect {
  statement: ParsedStatement;
  /** The statement named by its SQL: `ALTER TABLE "User" ADD COLUMN "preferences"`, `CREATE INDEX CONCURRENTLY "i" ON "AuditLog"`. */
  action: string;
  /** Every table the statement locks, with the strongest mode it takes on it. */
  locks: RelationLock[];
  /** The strongest of them; null for statements that lock no table (SET, CREATE TYPE…). */
  lock: LockMode | null;
  /** The tables the statement acts on, as its SQL names them (the ALTER TABLE's, DROP TABLE's, UPDATE's…); `locks` adds those it reaches. */
  targets: string[];
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
  /** A DO block: the statements it runs (conditional: only on some paths). */
  inner?: { effect: StatementEffect; conditional: boolean }[];
}

type Node = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The effect of `statement` on a schema described by `facts` (which table an index is on, which
 * constraint is a foreign key to which table…). Without facts, what the statement does not name
 * stays an unknown table in the locks.
 */
export function statementEffect(statement: ParsedStatement, facts: SchemaFacts = NO_SCHEMA_FACTS): StatementEffect {
  const effect: StatementEffect = {
    statement,
    action: statementName(statement),
    locks: [],
    lock: null,
    targets: [],
    scansTable: false,
    rewritesTable: false,
    writesRows: false,
    blocksReads: false,
    blocksWrites: false,
    transactional: true,
    dropsData: false,
    notes: [],
  };
  classify(statement.type, statement.node as Node, new Locks(effect, facts));
  for (const { lock } of effect.locks) effect.lock = effect.lock ? strongerLock(effect.lock, lock) : lock;
  effect.blocksReads = effect.lock !== null && blocksReads(effect.lock);
  effect.blocksWrites = effect.lock !== null && blocksWrites(effect.lock);
  return effect;
}

/** Collects an effect's locks (strongest mode per table) and reads the schema facts. */
class Locks {
  constructor(
    readonly effect: StatementEffect,
    readonly facts: SchemaFacts,
  ) {}

  add(table: string | undefined, lock: LockMode, options: { conditional?: boolean; object?: RelationLock['object'] } = {}): void {
    if (!table) return;
    const conditional = options.conditional === true;
    const existing = this.effect.locks.find((l) => l.table === table && l.object === options.object);
    if (!existing) {
      this.effect.locks.push({ table, lock, ...(conditional ? { conditional } : {}), ...(options.object ? { object: options.object } : {}) });
      return;
    }
    const stronger = LOCK_MODES.indexOf(lock) > LOCK_MODES.indexOf(existing.lock);
    const same = lock === existing.lock;
    // The entry says whether its (strongest) mode is always taken.
    if (stronger) {
      existing.lock = lock;
      if (conditional) existing.conditional = true;
      else delete existing.conditional;
    } else if (same && !conditional) delete existing.conditional;
  }

  target(table: string | undefined): void {
    if (table && !this.effect.targets.includes(table)) this.effect.targets.push(table);
  }

  /** ACCESS SHARE on every table a query reads. */
  reads(node: unknown, conditional = false): void {
    for (const table of readTables(node)) this.add(table, 'ACCESS SHARE', { conditional });
  }

  note(text: string): void {
    if (!this.effect.notes.includes(text)) this.effect.notes.push(text);
  }

  /** Foreign keys from `table`, or undefined when the facts do not know the table. */
  keysFrom(table: string): ForeignKeyFact[] | undefined {
    return this.facts.foreignKeysFrom(table);
  }

  keysTo(table: string): ForeignKeyFact[] | undefined {
    return this.facts.foreignKeysTo(table);
  }
}

function classify(type: string, node: Node, locks: Locks): void {
  const { effect } = locks;
  switch (type) {
    case 'AlterTableStmt':
      return alterTable(node, locks);
    case 'IndexStmt': {
      const table = tableOf(node.relation);
      locks.target(table);
      effect.scansTable = true;
      if (node.concurrent) {
        locks.add(table, 'SHARE UPDATE EXCLUSIVE');
        effect.transactional = false;
        locks.note('builds the index while writes continue (two table scans)');
      } else {
        locks.add(table, 'SHARE');
        locks.note('blocks writes for the whole build');
      }
      return;
    }
    case 'DropStmt':
      return drop(node, locks);
    case 'CreateStmt':
      return createTable(node, locks);
    case 'CreateTableAsStmt': {
      const table = tableOf(node.into?.rel);
      if (node.objtype !== 'OBJECT_MATVIEW') {
        locks.target(table);
        locks.add(table, 'ACCESS EXCLUSIVE');
      }
      locks.reads(node.query);
      effect.scansTable = !node.into?.skipData;
      return;
    }
    case 'ViewStmt':
      locks.reads(node.query);
      return;
    case 'RefreshMatViewStmt': {
      const view = tableOf(node.relation) ?? '?';
      const reads = locks.facts.viewReads(view);
      if (reads) for (const table of reads) locks.add(table, 'ACCESS SHARE');
      else locks.add(unknownTable(`tables ${quoteTable(view)} reads`), 'ACCESS SHARE');
      effect.scansTable = true;
      return;
    }
    case 'InsertStmt':
    case 'UpdateStmt':
    case 'DeleteStmt':
    case 'MergeStmt':
      return writeRows(type, node, locks);
    case 'SelectStmt':
      locks.reads(node);
      if (node.lockingClause?.length) for (const table of readTables(node.fromClause)) locks.add(table, 'ROW SHARE');
      return;
    case 'CopyStmt': {
      const table = tableOf(node.relation);
      locks.target(table);
      if (node.is_from) {
        locks.add(table, 'ROW EXCLUSIVE');
        effect.writesRows = true;
      } else {
        locks.add(table, 'ACCESS SHARE');
        locks.reads(node.query);
      }
      return;
    }
    case 'TruncateStmt':
      for (const relation of node.relations ?? []) {
        const table = tableOf(relation.RangeVar);
        locks.target(table);
        truncateLocks(table, locks, node.behavior === 'DROP_CASCADE', new Set());
      }
      effect.dropsData = true;
      return;
    case 'RenameStmt':
      return rename(node, locks);
    case 'AlterObjectSchemaStmt': {
      const object = movedObject(node.objectType);
      if (!object) return;
      const table = tableOf(node.relation);
      locks.target(table);
      // Measured: only the table itself, whatever its foreign keys (they keep pointing at it).
      locks.add(table, 'ACCESS EXCLUSIVE', object === 'table' ? {} : { object });
      return;
    }
    case 'CreateTrigStmt': {
      const table = tableOf(node.relation);
      locks.target(table);
      locks.add(table, 'SHARE ROW EXCLUSIVE');
      return;
    }
    case 'CreatePolicyStmt':
    case 'AlterPolicyStmt': {
      const table = tableOf(node.table);
      locks.target(table);
      locks.add(table, 'ACCESS EXCLUSIVE');
      return;
    }
    case 'RuleStmt': {
      const table = tableOf(node.relation);
      locks.target(table);
      locks.add(table, 'ACCESS EXCLUSIVE');
      return;
    }
    case 'CommentStmt': {
      // A comment on a table or column locks the table; on a constraint or trigger, only reads it.
      const names: string[] = (node.object?.List?.items ?? []).map((i: Node) => i.String?.sval);
      const onTable = node.objtype === 'OBJECT_TABLE' || node.objtype === 'OBJECT_FOREIGN_TABLE';
      const onTableObject = ['OBJECT_COLUMN', 'OBJECT_TABCONSTRAINT', 'OBJECT_TRIGGER', 'OBJECT_POLICY', 'OBJECT_RULE'].includes(node.objtype);
      if (!onTable && !onTableObject) return;
      const table = tableKey((onTable ? names : names.slice(0, -1)).join('.'));
      locks.target(table);
      locks.add(table, onTable || node.objtype === 'OBJECT_COLUMN' ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS SHARE');
      return;
    }
    case 'LockStmt':
      for (const relation of node.relations ?? []) {
        const table = tableOf(relation.RangeVar);
        locks.target(table);
        locks.add(table, lockModeOf(node.mode));
      }
      return;
    case 'AlterEnumStmt':
      if (node.newVal && !node.oldVal) locks.note('the new value cannot be used before the transaction commits');
      return;
    case 'VacuumStmt':
      return vacuum(node, locks);
    case 'ReindexStmt':
      return reindex(node, locks);
    case 'ClusterStmt': {
      const table = tableOf(node.relation);
      locks.target(table);
      locks.add(table ?? unknownTable('every table clustered before'), 'ACCESS EXCLUSIVE');
      effect.rewritesTable = true;
      return;
    }
    case 'DoStmt':
      return doBlock(node, locks);
    case 'CreateFunctionStmt':
      sqlFunctionReads(node, locks);
      return;
    case 'CallStmt':
      locks.add(unknownTable(`what ${effect.action} runs`), 'ACCESS EXCLUSIVE', { conditional: true });
      locks.note('calls a procedure: what it locks is only known when it runs');
      return;
  }
}

/**
 * The lock each ALTER TABLE sub-command takes on the table (PostgreSQL 15's AlterTableGetLockLevel,
 * checked in pg_locks by effects.int.spec.ts). A Record over libpg-query's list of sub-commands: a
 * new one does not compile without its lock.
 */
const ALTER_TABLE_LOCKS: Record<AlterTableType, LockMode> = {
  AT_AddColumn: 'ACCESS EXCLUSIVE',
  AT_AddColumnToView: 'ACCESS EXCLUSIVE',
  AT_ColumnDefault: 'ACCESS EXCLUSIVE',
  AT_CookedColumnDefault: 'ACCESS EXCLUSIVE',
  AT_DropNotNull: 'ACCESS EXCLUSIVE',
  AT_SetNotNull: 'ACCESS EXCLUSIVE',
  AT_SetExpression: 'ACCESS EXCLUSIVE',
  AT_DropExpression: 'ACCESS EXCLUSIVE',
  AT_SetStatistics: 'SHARE UPDATE EXCLUSIVE',
  AT_SetOptions: 'SHARE UPDATE EXCLUSIVE',
  AT_ResetOptions: 'SHARE UPDATE EXCLUSIVE',
  AT_SetStorage: 'ACCESS EXCLUSIVE',
  AT_SetCompression: 'ACCESS EXCLUSIVE',
  AT_DropColumn: 'ACCESS EXCLUSIVE',
  AT_AddIndex: 'SHARE',
  AT_ReAddIndex: 'SHARE',
  AT_AddConstraint: 'ACCESS EXCLUSIVE', // a foreign key: SHARE ROW EXCLUSIVE (addConstraint)
  AT_ReAddConstraint: 'ACCESS EXCLUSIVE',
  AT_ReAddDomainConstraint: 'ACCESS EXCLUSIVE',
  AT_AlterConstraint: 'ACCESS EXCLUSIVE',
  AT_ValidateConstraint: 'SHARE UPDATE EXCLUSIVE',
  AT_AddIndexConstraint: 'ACCESS EXCLUSIVE',
  AT_DropConstraint: 'ACCESS EXCLUSIVE',
  AT_ReAddComment: 'ACCESS EXCLUSIVE',
  AT_AlterColumnType: 'ACCESS EXCLUSIVE',
  AT_AlterColumnGenericOptions: 'ACCESS EXCLUSIVE',
  AT_ChangeOwner: 'ACCESS EXCLUSIVE',
  AT_ClusterOn: 'SHARE UPDATE EXCLUSIVE',
  AT_DropCluster: 'SHARE UPDATE EXCLUSIVE',
  AT_SetLogged: 'ACCESS EXCLUSIVE',
  AT_SetUnLogged: 'ACCESS EXCLUSIVE',
  AT_DropOids: 'ACCESS EXCLUSIVE',
  AT_SetAccessMethod: 'ACCESS EXCLUSIVE',
  AT_SetTableSpace: 'ACCESS EXCLUSIVE',
  AT_SetRelOptions: 'SHARE UPDATE EXCLUSIVE',
  AT_ResetRelOptions: 'SHARE UPDATE EXCLUSIVE',
  AT_ReplaceRelOptions: 'SHARE UPDATE EXCLUSIVE',
  AT_EnableTrig: 'SHARE ROW EXCLUSIVE',
  AT_EnableAlwaysTrig: 'SHARE ROW EXCLUSIVE',
  AT_EnableReplicaTrig: 'SHARE ROW EXCLUSIVE',
  AT_DisableTrig: 'SHARE ROW EXCLUSIVE',
  AT_EnableTrigAll: 'SHARE ROW EXCLUSIVE',
  AT_DisableTrigAll: 'SHARE ROW EXCLUSIVE',
  AT_EnableTrigUser: 'SHARE ROW EXCLUSIVE',
  AT_DisableTrigUser: 'SHARE ROW EXCLUSIVE',
  AT_EnableRule: 'ACCESS EXCLUSIVE',
  AT_EnableAlwaysRule: 'ACCESS EXCLUSIVE',
  AT_EnableReplicaRule: 'ACCESS EXCLUSIVE',
  AT_DisableRule: 'ACCESS EXCLUSIVE',
  AT_AddInherit: 'ACCESS EXCLUSIVE',
  AT_DropInherit: 'ACCESS EXCLUSIVE',
  AT_AddOf: 'ACCESS EXCLUSIVE',
  AT_DropOf: 'ACCESS EXCLUSIVE',
  AT_ReplicaIdentity: 'ACCESS EXCLUSIVE',
  AT_EnableRowSecurity: 'ACCESS EXCLUSIVE',
  AT_DisableRowSecurity: 'ACCESS EXCLUSIVE',
  AT_ForceRowSecurity: 'ACCESS EXCLUSIVE',
  AT_NoForceRowSecurity: 'ACCESS EXCLUSIVE',
  AT_GenericOptions: 'ACCESS EXCLUSIVE',
  AT_AttachPartition: 'SHARE UPDATE EXCLUSIVE',
  AT_DetachPartition: 'ACCESS EXCLUSIVE',
  AT_DetachPartitionFinalize: 'SHARE UPDATE EXCLUSIVE',
  AT_AddIdentity: 'ACCESS EXCLUSIVE',
  AT_SetIdentity: 'ACCESS EXCLUSIVE',
  AT_DropIdentity: 'ACCESS EXCLUSIVE',
  AT_ReAddStatistics: 'SHARE UPDATE EXCLUSIVE',
};

function alterTable(node: Node, locks: Locks): void {
  const { effect } = locks;
  const table = tableOf(node.relation);
  if (node.objtype !== 'OBJECT_TABLE' && node.objtype !== 'OBJECT_FOREIGN_TABLE') return; // ALTER INDEX / VIEW / SEQUENCE: no table lock
  locks.target(table);
  if (!table) return;
  for (const { AlterTableCmd: cmd } of node.cmds ?? []) {
    if (!cmd) continue;
    const subtype = cmd.subtype as AlterTableType;
    const column: string | undefined = cmd.name ?? cmd.def?.ColumnDef?.colname;
    if (subtype !== 'AT_AddConstraint') locks.add(table, ALTER_TABLE_LOCKS[subtype] ?? 'ACCESS EXCLUSIVE');
    switch (subtype) {
      case 'AT_AddColumn':
        addColumn(cmd.def.ColumnDef, locks);
        break;
      case 'AT_DropColumn':
        effect.dropsData = true;
        keysOnColumn(table, column!, cmd.behavior === 'DROP_CASCADE', locks, 'ACCESS EXCLUSIVE');
        break;
      case 'AT_AlterColumnType':
        effect.rewritesTable = true;
        locks.note(`changing the type of ${quoteName(column)} rewrites the table and its indexes unless the cast is binary-coercible (e.g. varchar → larger varchar or text)`);
        // The foreign keys on the column, either way, are checked again: both tables locked.
        keysOnColumn(table, column!, true, locks, 'ACCESS EXCLUSIVE');
        break;
      case 'AT_SetExpression':
        effect.rewritesTable = true;
        locks.note(`a new expression for ${quoteName(column)} rewrites every row when the column is stored (PostgreSQL 17 on; a virtual one, 18, is not rewritten)`);
        break;
      case 'AT_SetNotNull':
        effect.scansTable = true;
        locks.note(`SET NOT NULL scans the whole table under ACCESS EXCLUSIVE unless a validated CHECK (${column} IS NOT NULL) exists`);
        break;
      case 'AT_AddConstraint':
        addConstraint(table, cmd.def.Constraint, locks);
        break;
      case 'AT_ValidateConstraint':
        validateConstraint(table, cmd.name, locks);
        break;
      case 'AT_DropConstraint':
        dropConstraint(table, cmd.name, cmd.behavior === 'DROP_CASCADE', locks);
        break;
      case 'AT_AddInherit':
        locks.add(tableOf(cmd.def?.RangeVar), 'SHARE UPDATE EXCLUSIVE');
        break;
      case 'AT_DropInherit':
        locks.add(tableOf(cmd.def?.RangeVar), 'ACCESS SHARE');
        break;
      case 'AT_AttachPartition':
      case 'AT_DetachPartition':
        locks.add(tableOf(cmd.def?.PartitionCmd?.name), 'ACCESS EXCLUSIVE');
        if (cmd.def?.PartitionCmd?.concurrent) effect.transactional = false;
        break;
    }
  }
}

function addColumn(def: Node, locks: Locks): void {
  const { effect } = locks;
  const constraints: Node[] = (def.constraints ?? []).map((c: Node) => c.Constraint);
  const defaultExpr = constraints.find((c) => c.contype === 'CONSTR_DEFAULT')?.raw_expr;
  if (volatileFunction(defaultExpr) || isSerialType(def)) {
    effect.rewritesTable = true;
    locks.note(`the volatile default of ${quoteName(def.colname)} rewrites every row`);
  }
  // A virtual generated column (PostgreSQL 18; its default kind there) is computed when read: nothing is written (versions/statement-facts.ts).
  if (constraints.some((c) => c.contype === 'CONSTR_IDENTITY' || (c.contype === 'CONSTR_GENERATED' && c.generated_when && c.generated_kind !== 'v'))) {
    effect.rewritesTable = true;
    locks.note('an identity or stored generated column rewrites every row');
  }
  if (constraints.some((c) => c.contype === 'CONSTR_NOTNULL') && !defaultExpr && !isSerialType(def)) {
    locks.note('NOT NULL without a default fails on a table that has rows');
  }
  for (const c of constraints) if (c.contype === 'CONSTR_FOREIGN') locks.add(tableOf(c.pktable), 'SHARE ROW EXCLUSIVE');
}

function addConstraint(table: string, constraint: Node, locks: Locks): void {
  const { effect } = locks;
  const notValid = Boolean(constraint.skip_validation);
  switch (constraint.contype) {
    case 'CONSTR_FOREIGN':
      // Measured: SHARE ROW EXCLUSIVE on both tables, NOT VALID or not.
      locks.add(table, 'SHARE ROW EXCLUSIVE');
      locks.add(tableOf(constraint.pktable), 'SHARE ROW EXCLUSIVE');
      if (!notValid) {
        effect.scansTable = true;
        locks.note('adding a validated foreign key scans the table while writes to both tables wait');
      }
      return;
    case 'CONSTR_NOTNULL':
      // PostgreSQL 18's named NOT NULL constraint: validated at once it scans like SET NOT NULL; NOT VALID it does not (versions/statement-facts.ts).
      locks.add(table, 'ACCESS EXCLUSIVE');
      if (!notValid) {
        effect.scansTable = true;
        locks.note('adding a validated NOT NULL constraint scans the table under ACCESS EXCLUSIVE (add it NOT VALID, then VALIDATE)');
      }
      return;
    case 'CONSTR_CHECK':
      locks.add(table, 'ACCESS EXCLUSIVE');
      if (!notValid) {
        effect.scansTable = true;
        locks.note('adding a validated CHECK scans the table under ACCESS EXCLUSIVE');
      }
      return;
    case 'CONSTR_UNIQUE':
    case 'CONSTR_PRIMARY':
      locks.add(table, 'ACCESS EXCLUSIVE');
      if (!constraint.indexname) {
        effect.scansTable = true;
        locks.note('builds its index under ACCESS EXCLUSIVE (create the index CONCURRENTLY first, then ADD … USING INDEX)');
      }
      return;
    default:
      locks.add(table, 'ACCESS EXCLUSIVE');
  }
}

/** VALIDATE of a foreign key not yet validated reads the referenced table too (ROW SHARE). */
function validateConstraint(table: string, name: string, locks: Locks): void {
  locks.effect.scansTable = true;
  locks.note('validation scans the table under SHARE UPDATE EXCLUSIVE: reads and writes continue, unless its transaction already holds a stronger lock');
  const constraint = locks.facts.constraint(table, name);
  if (constraint?.foreignKey && !constraint.validated) locks.add(constraint.foreignKey.references, 'ROW SHARE');
  else if (!constraint && !locks.facts.knowsTable(table)) locks.add(unknownTable(`table ${quoteName(name)} references, if a foreign key`), 'ROW SHARE', { conditional: true });
}

/** Dropping a foreign key takes ACCESS EXCLUSIVE on the table it references too; a key dropped with CASCADE, on the tables whose keys reference it. */
function dropConstraint(table: string, name: string, cascade: boolean, locks: Locks): void {
  const constraint = locks.facts.constraint(table, name);
  if (constraint?.foreignKey) locks.add(constraint.foreignKey.references, 'ACCESS EXCLUSIVE');
  else if (constraint && cascade && (constraint.kind === 'primary-key' || constraint.kind === 'unique')) {
    for (const fk of locks.keysTo(table) ?? []) locks.add(fk.table, 'ACCESS EXCLUSIVE');
  } else if (!constraint && !locks.facts.knowsTable(table)) {
    locks.add(unknownTable(`table ${quoteName(name)} references, if a foreign key`), 'ACCESS EXCLUSIVE', { conditional: true });
  }
}

/** The other tables of the foreign keys on a column (its own keys; with `referencing`, the keys that reference it). */
function keysOnColumn(table: string, column: string, referencing: boolean, locks: Locks, lock: LockMode): void {
  const from = locks.keysFrom(table);
  const to = referencing ? locks.keysTo(table) : [];
  if (!from || !to) {
    locks.add(unknownTable(`tables of the foreign keys on ${quoteTable(table)}.${quoteName(column)}, if any`), lock, { conditional: true });
    return;
  }
  for (const fk of from) if (fk.columns.includes(column)) locks.add(fk.references, lock);
  for (const fk of to) if (fk.referencedColumns.includes(column)) locks.add(fk.table, lock);
}

function createTable(node: Node, locks: Locks): void {
  const table = tableOf(node.relation);
  locks.target(table);
  locks.add(table, 'ACCESS EXCLUSIVE');
  for (const element of node.tableElts ?? []) {
    const constraints = [...(element.ColumnDef?.constraints ?? []).map((c: Node) => c.Constraint), element.Constraint];
    for (const c of constraints) if (c?.contype === 'CONSTR_FOREIGN') locks.add(tableOf(c.pktable), 'SHARE ROW EXCLUSIVE');
    if (element.TableLikeClause) locks.add(tableOf(element.TableLikeClause.relation), 'ACCESS SHARE');
  }
  for (const parent of node.inhRelations ?? []) locks.add(tableOf(parent.RangeVar), node.partbound ? 'ACCESS EXCLUSIVE' : 'SHARE UPDATE EXCLUSIVE');
  locks.note('a new table: nothing waits for it');
}

/** INSERT, UPDATE, DELETE, MERGE: ROW EXCLUSIVE on the target, ACCESS SHARE on what they read, and the foreign-key checks of the rows they write. */
function writeRows(type: string, node: Node, locks: Locks): void {
  const { effect } = locks;
  const table = tableOf(node.relation);
  locks.target(table);
  locks.add(table, 'ROW EXCLUSIVE');
  locks.reads(node);
  effect.writesRows = true;
  if (type === 'DeleteStmt') effect.dropsData = true;
  if ((type === 'UpdateStmt' || type === 'DeleteStmt') && !node.whereClause) {
    effect.scansTable = true;
    locks.note('touches every row in one transaction');
  }
  if (!table) return;
  const columns: string[] | null = type === 'UpdateStmt' ? (node.targetList ?? []).map((t: Node) => t.ResTarget?.name) : null;
  if (type === 'InsertStmt' || type === 'UpdateStmt' || type === 'MergeStmt') checkedKeys(table, columns, locks);
  if (type === 'UpdateStmt' || type === 'DeleteStmt' || type === 'MergeStmt') referencingRows(table, type === 'DeleteStmt' ? null : columns, type === 'DeleteStmt' ? 'onDelete' : 'onUpdate', locks, new Set([table]));
}

/** A written row's foreign keys are checked against the referenced table: ROW SHARE there (SELECT … FOR KEY SHARE). */
function checkedKeys(table: string, columns: string[] | null, locks: Locks): void {
  const keys = locks.keysFrom(table);
  if (!keys) {
    locks.add(unknownTable(`tables ${quoteTable(table)} references, if any`), 'ROW SHARE', { conditional: true });
    return;
  }
  for (const fk of keys) {
    if (fk.references === table || (columns && !fk.columns.some((c) => columns.includes(c)))) continue;
    locks.add(fk.references, 'ROW SHARE', { conditional: true });
  }
  if (keys.length) locks.note('foreign keys of the rows it writes are checked (ROW SHARE on the referenced tables)');
}

/**
 * Deleting a row, or changing its key, that other rows reference: NO ACTION / RESTRICT look them
 * up (ROW SHARE), CASCADE / SET NULL / SET DEFAULT change them (ROW EXCLUSIVE), and a cascaded
 * delete goes on to the rows that reference those.
 */
function referencingRows(table: string, columns: string[] | null, action: 'onDelete' | 'onUpdate', locks: Locks, seen: Set<string>): void {
  const keys = locks.keysTo(table);
  if (!keys) {
    locks.add(unknownTable(`tables referencing ${quoteTable(table)}, if any`), 'ROW EXCLUSIVE', { conditional: true });
    return;
  }
  for (const fk of keys) {
    if (columns && !fk.referencedColumns.some((c) => columns.includes(c))) continue;
    const changes = fk[action] !== 'no action' && fk[action] !== 'restrict';
    if (fk.table !== table) locks.add(fk.table, changes ? 'ROW EXCLUSIVE' : 'ROW SHARE', { conditional: true });
    if (changes && action === 'onDelete' && fk[action] === 'cascade' && !seen.has(fk.table)) {
      seen.add(fk.table);
      referencingRows(fk.table, null, action, locks, seen);
    }
  }
}

function drop(node: Node, locks: Locks): void {
  const { effect } = locks;
  const cascade = node.behavior === 'DROP_CASCADE';
  const names = droppedObjects(node);
  switch (node.removeType) {
    case 'OBJECT_INDEX':
      effect.transactional = !node.concurrent;
      for (const name of names) {
        const table = locks.facts.tableOfIndex(name) ?? unknownTableOfIndex(name);
        locks.target(table);
        locks.add(table, node.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE');
      }
      return;
    case 'OBJECT_TABLE':
    case 'OBJECT_FOREIGN_TABLE':
      for (const name of names) {
        const table = tableKey(name)!;
        locks.target(table);
        dropTableLocks(table, locks, cascade);
      }
      effect.dropsData = true;
      return;
    case 'OBJECT_TRIGGER':
    case 'OBJECT_RULE':
    case 'OBJECT_POLICY':
      for (const name of names) {
        // `t ON "User"`: the object's name comes last.
        const table = tableKey(name.split('.').slice(0, -1).join('.'));
        locks.target(table);
        locks.add(table, 'ACCESS EXCLUSIVE');
      }
      return;
    case 'OBJECT_SCHEMA':
      if (!cascade) return;
      for (const schema of names) {
        const tables = locks.facts.tablesInSchema(schema);
        if (!tables?.length) locks.add(unknownTable(`tables of schema ${quoteName(schema)}, if any`), 'ACCESS EXCLUSIVE', { conditional: true });
        for (const table of tables ?? []) dropTableLocks(table, locks, cascade);
      }
      effect.dropsData = true;
      return;
    case 'OBJECT_TYPE':
    case 'OBJECT_DOMAIN':
      if (cascade) locks.add(unknownTable(`tables with a column of type ${names.map((n) => quoteTable(n)).join(', ')}, if any`), 'ACCESS EXCLUSIVE', { conditional: true });
      return;
  }
}

/**
 * DROP TABLE: ACCESS EXCLUSIVE on the table; its own foreign keys go with it, which locks the
 * tables they reference; with CASCADE the keys of other tables that reference it go too, which
 * locks those tables.
 */
function dropTableLocks(table: string, locks: Locks, cascade: boolean): void {
  locks.add(table, 'ACCESS EXCLUSIVE');
  const from = locks.keysFrom(table);
  if (!from) locks.add(unknownTable(`tables ${quoteTable(table)} references, if any`), 'ACCESS EXCLUSIVE', { conditional: true });
  for (const fk of from ?? []) locks.add(fk.references, 'ACCESS EXCLUSIVE');
  if (!cascade) return;
  const to = locks.keysTo(table);
  if (!to) locks.add(unknownTable(`tables referencing ${quoteTable(table)}, if any`), 'ACCESS EXCLUSIVE', { conditional: true });
  for (const fk of to ?? []) locks.add(fk.table, 'ACCESS EXCLUSIVE');
}

/** TRUNCATE: ACCESS EXCLUSIVE on the table; with CASCADE, every table whose keys reference it is truncated too (and so on). */
function truncateLocks(table: string | undefined, locks: Locks, cascade: boolean, seen: Set<string>): void {
  if (!table || seen.has(table)) return;
  seen.add(table);
  locks.add(table, 'ACCESS EXCLUSIVE');
  if (!cascade) return;
  const to = locks.keysTo(table);
  if (!to) locks.add(unknownTable(`tables referencing ${quoteTable(table)}, if any`), 'ACCESS EXCLUSIVE', { conditional: true });
  for (const fk of to ?? []) truncateLocks(fk.table, locks, true, seen);
}

function rename(node: Node, locks: Locks): void {
  const table = tableOf(node.relation);
  switch (node.renameType) {
    case 'OBJECT_TABLE':
    case 'OBJECT_FOREIGN_TABLE':
    case 'OBJECT_COLUMN':
    case 'OBJECT_TABCONSTRAINT':
    case 'OBJECT_TRIGGER':
    case 'OBJECT_POLICY':
    case 'OBJECT_RULE': {
      if (node.renameType === 'OBJECT_COLUMN' && node.relationType !== 'OBJECT_TABLE' && node.relationType !== 'OBJECT_FOREIGN_TABLE') return;
      locks.target(table);
      // Measured: the table only, even for a foreign key or a referenced column (the keys follow by oid).
      locks.add(table, 'ACCESS EXCLUSIVE');
      return;
    }
    case 'OBJECT_INDEX':
      // PostgreSQL ≥ 12: SHARE UPDATE EXCLUSIVE on the index, nothing on its table.
      locks.add(table, 'SHARE UPDATE EXCLUSIVE', { object: 'index' });
      return;
    case 'OBJECT_SEQUENCE':
    case 'OBJECT_VIEW':
    case 'OBJECT_MATVIEW':
      locks.add(table, 'ACCESS EXCLUSIVE', { object: node.renameType === 'OBJECT_SEQUENCE' ? 'sequence' : 'view' });
      return;
  }
}

function movedObject(type: string): LockedObject | undefined {
  switch (type) {
    case 'OBJECT_TABLE':
    case 'OBJECT_FOREIGN_TABLE':
      return 'table';
    case 'OBJECT_SEQUENCE':
      return 'sequence';
    case 'OBJECT_VIEW':
    case 'OBJECT_MATVIEW':
      return 'view';
    default:
      return undefined;
  }
}

function vacuum(node: Node, locks: Locks): void {
  const options: string[] = (node.options ?? []).map((o: Node) => o.DefElem?.defname);
  const full = options.includes('full');
  locks.effect.transactional = !node.is_vacuumcmd;
  const tables: string[] = (node.rels ?? []).map((r: Node) => tableOf(r.VacuumRelation?.relation)).filter(Boolean);
  for (const table of tables) {
    locks.target(table);
    locks.add(table, full ? 'ACCESS EXCLUSIVE' : 'SHARE UPDATE EXCLUSIVE');
  }
  if (!tables.length) locks.add(unknownTable('every table of the database'), full ? 'ACCESS EXCLUSIVE' : 'SHARE UPDATE EXCLUSIVE');
  if (full) locks.effect.rewritesTable = true;
}

function reindex(node: Node, locks: Locks): void {
  const concurrently = (node.params ?? []).some((p: Node) => p.DefElem?.defname === 'concurrently');
  const lock: LockMode = concurrently ? 'SHARE UPDATE EXCLUSIVE' : 'SHARE';
  locks.effect.scansTable = true;
  switch (node.kind) {
    case 'REINDEX_OBJECT_TABLE': {
      const table = tableOf(node.relation);
      locks.target(table);
      locks.add(table, lock);
      locks.effect.transactional = !concurrently;
      return;
    }
    case 'REINDEX_OBJECT_INDEX': {
      const index = relationName(node.relation) ?? '?';
      const table = locks.facts.tableOfIndex(index) ?? unknownTableOfIndex(index);
      locks.target(table);
      locks.add(table, lock);
      locks.effect.transactional = !concurrently;
      return;
    }
    default:
      // SCHEMA, DATABASE, SYSTEM: one transaction per table, never in a transaction block.
      locks.effect.transactional = false;
      locks.add(unknownTable(`every table of ${objectKeyword(String(node.kind).replace('REINDEX_', ''))} ${quoteName(node.name)}`), lock);
  }
}

/**
 * A DO block locks what it runs: its statements, each with the effect it has on the schema as
 * the block finds it (a table it creates is known to the statements after it), and a lock on
 * "what EXECUTE runs" for each statement only known at run time.
 */
function doBlock(node: Node, locks: Locks): void {
  const { effect } = locks;
  const contents = blockContents(node);
  const scratch = locks.facts instanceof Catalog ? locks.facts.clone() : undefined;
  effect.inner = [];
  for (const { statement, conditional } of contents.statements) {
    const inner = statementEffect(statement, scratch ?? locks.facts);
    scratch?.apply(statement, 'this');
    effect.inner.push({ effect: inner, conditional });
    for (const l of inner.locks) locks.add(l.table, l.lock, { conditional: conditional || l.conditional, ...(l.object ? { object: l.object } : {}) });
    for (const table of inner.targets) locks.target(table);
    if (!conditional) {
      effect.scansTable ||= inner.scansTable;
      effect.rewritesTable ||= inner.rewritesTable;
      effect.writesRows ||= inner.writesRows;
      effect.dropsData ||= inner.dropsData;
    }
    for (const n of inner.notes) locks.note(n);
  }
  for (const what of contents.unknown) {
    locks.add(unknownTable(`what ${what.length > 80 ? `${what.slice(0, 79)}…` : what} runs`), 'ACCESS EXCLUSIVE', { conditional: true });
  }
  if (contents.unknown.length) locks.note('runs SQL only known when it runs: what that locks is not known before');
  // What it runs, leaving out conditions and assignments that read no table.
  const runs = [...new Set(effect.inner.filter((i) => !quiet(i.effect)).map((i) => i.effect.action))];
  if (runs.length) effect.action = `${effect.action}: ${runs.join('; ')}`;
}

/**
 * An SQL-language function's body is parsed and analyzed when it is created (check_function_bodies):
 * ACCESS SHARE on the tables it reads. PL/pgSQL bodies are only checked for syntax.
 */
function sqlFunctionReads(node: Node, locks: Locks): void {
  const options: Node[] = (node.options ?? []).map((o: Node) => o.DefElem).filter(Boolean);
  const language = String(options.find((o) => o.defname === 'language')?.arg?.String?.sval ?? '').toLowerCase();
  if (language !== 'sql') return;
  if (node.sql_body) {
    locks.reads(node.sql_body);
    return;
  }
  const body = options.find((o) => o.defname === 'as')?.arg?.List?.items?.[0]?.String?.sval;
  if (typeof body !== 'string') return;
  try {
    for (const statement of parseLoaded(body)) locks.reads(statement.node);
  } catch {
    locks.add(unknownTable(`tables the body of ${locks.effect.action} reads`), 'ACCESS SHARE', { conditional: true });
  }
}

function quiet(effect: StatementEffect): boolean {
  return (effect.statement.type === 'SelectStmt' || effect.statement.type === 'VariableSetStmt') && effect.locks.length === 0;
}

/** DROP's objects, each as `schema.name` or `name` (for a trigger, rule or policy: `table.name`). */
function droppedObjects(node: Node): string[] {
  return (node.objects ?? []).map((o: Node) => {
    const items: Node[] = o.List?.items ?? (o.String ? [o] : []);
    return items.map((i) => i.String?.sval).join('.');
  });
}

function lockModeOf(mode: number | undefined): LockMode {
  return LOCK_MODES[(mode ?? 8) - 1] ?? 'ACCESS EXCLUSIVE';
}
