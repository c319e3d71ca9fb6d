import { BACKUP_SCHEMA } from '../../runtime/forge-schema';
import type { ParsedStatement } from '../parse';
import {
  columnConstraints,
  columnType,
  droppedNames,
  notNullCheckColumn,
  schemaOf,
  selectedColumns,
  tableKey,
  tableOf,
  type ColumnType,
} from './sql-facts';

/**
 * Where an object of the catalog comes from, seen from the script being linted:
 * - `earlier`: a previous migration (or a table the history does not show: it exists, contents unknown);
 * - `reversed`: the migration.sql that the linted down.sql undoes;
 * - `this`: an earlier statement of the linted script itself.
 */
export type Origin = 'earlier' | 'reversed' | 'this';

export interface CatalogColumn {
  name: string;
  type: ColumnType | null;
  notNull: boolean;
  hasDefault: boolean;
  origin: Origin;
}

export interface CatalogConstraint {
  name: string;
  kind: 'check' | 'foreign-key';
  /** For `CHECK (c IS NOT NULL)`: c. */
  notNullColumn?: string;
  validated: boolean;
  origin: Origin;
}

export interface CatalogTable {
  name: string;
  origin: Origin;
  /** False for a table the history never created (a hand-written folder without a baseline). */
  known: boolean;
  columns: Map<string, CatalogColumn>;
  constraints: Map<string, CatalogConstraint>;
}

export interface CatalogIndex {
  name: string;
  table: string;
  columns: string[];
  unique: boolean;
  origin: Origin;
}

interface CatalogState {
  tables: Map<string, CatalogTable>;
  indexes: Map<string, CatalogIndex>;
  /** `table.column` or `table.*` copied into _forge_backup (or the whole table moved there). */
  backups: Map<string, Origin>;
  enums: Map<string, Map<string, Origin>>;
}

type Node = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The schema as a sequence of migrations leaves it, as far as the lint rules need it: tables and
 * their columns (types, NOT NULL), CHECK and foreign key constraints and whether they are validated,
 * indexes, enum values, and what was backed up into `_forge_backup`. Built by replaying statements
 * (no database); anything it cannot follow it leaves out, and rules then assume the worst.
 */
export class Catalog {
  private constructor(private readonly state: CatalogState) {}

  static empty(): Catalog {
    return new Catalog({ tables: new Map(), indexes: new Map(), backups: new Map(), enums: new Map() });
  }

  clone(): Catalog {
    return new Catalog(structuredClone(this.state));
  }

  table(name: string | undefined): CatalogTable | undefined {
    const key = tableKey(name);
    return key === undefined ? undefined : this.state.tables.get(key);
  }

  /** Created by an earlier statement of the linted script: empty, nobody waits for it. */
  isNewTable(name: string | undefined): boolean {
    return this.table(name)?.origin === 'this';
  }

  column(table: string | undefined, column: string | undefined): CatalogColumn | undefined {
    return column === undefined ? undefined : this.table(table)?.columns.get(column);
  }

  index(name: string): CatalogIndex | undefined {
    return this.state.indexes.get(tableKey(name) ?? name);
  }

  /** A validated `CHECK (column IS NOT NULL)` is in force on the table. */
  hasValidatedNotNullCheck(table: string | undefined, column: string): boolean {
    return [...(this.table(table)?.constraints.values() ?? [])].some((c) => c.notNullColumn === column && c.validated);
  }

  constraint(table: string | undefined, name: string | undefined): CatalogConstraint | undefined {
    return name === undefined ? undefined : this.table(table)?.constraints.get(name);
  }

  /** Where the column's values were copied into _forge_backup (or undefined: not backed up). */
  backupOf(table: string | undefined, column?: string): Origin | undefined {
    const key = tableKey(table);
    if (key === undefined) return undefined;
    return (column !== undefined ? this.state.backups.get(`${key}.${column}`) : undefined) ?? this.state.backups.get(`${key}.*`);
  }

  enumValueOrigin(type: string, value: string): Origin | undefined {
    return this.state.enums.get(type)?.get(value);
  }

  /** Replays one statement. */
  apply(statement: ParsedStatement, origin: Origin): void {
    const node = statement.node as Node;
    switch (statement.type) {
      case 'CreateStmt':
        return this.createTable(node, origin);
      case 'CreateTableAsStmt':
        return this.createTableAs(node, origin);
      case 'InsertStmt':
        return this.recordBackup(tableOf(node.relation), selectedColumns(node.selectStmt), origin);
      case 'AlterTableStmt':
        return this.alterTable(node, origin);
      case 'IndexStmt':
        return this.createIndex(node, origin);
      case 'DropStmt':
        return this.drop(node);
      case 'RenameStmt':
        return this.rename(node);
      case 'AlterObjectSchemaStmt':
        return this.setSchema(node, origin);
      case 'CreateEnumStmt': {
        const name = names(node.typeName);
        this.state.enums.set(name, new Map((node.vals ?? []).map((v: Node) => [v.String?.sval, origin])));
        return;
      }
      case 'AlterEnumStmt':
        if (node.newVal) this.state.enums.get(names(node.typeName))?.set(node.newVal, origin);
        return;
    }
  }

  private ensureTable(name: string, origin: Origin = 'earlier'): CatalogTable {
    let table = this.state.tables.get(name);
    if (!table) {
      table = { name, origin, known: false, columns: new Map(), constraints: new Map() };
      this.state.tables.set(name, table);
    }
    return table;
  }

  private createTable(node: Node, origin: Origin): void {
    const name = tableOf(node.relation);
    if (!name || (node.if_not_exists && this.state.tables.has(name))) return;
    const table: CatalogTable = { name, origin, known: true, columns: new Map(), constraints: new Map() };
    this.state.tables.set(name, table);
    for (const element of node.tableElts ?? []) {
      if (element.ColumnDef) this.addColumn(table, element.ColumnDef, origin);
      if (element.Constraint) this.addConstraint(table, element.Constraint, origin);
    }
  }

  private createTableAs(node: Node, origin: Origin): void {
    const name = tableOf(node.into?.rel);
    if (!name) return;
    const source = selectedColumns(node.query);
    const table: CatalogTable = { name, origin, known: true, columns: new Map(), constraints: new Map() };
    const from = source ? this.table(source.table) : undefined;
    for (const column of source && source.columns !== '*' ? source.columns : [...(from?.columns.keys() ?? [])]) {
      const copied = from?.columns.get(column);
      table.columns.set(column, { name: column, type: copied?.type ?? null, notNull: false, hasDefault: false, origin });
    }
    this.state.tables.set(name, table);
    this.recordBackup(name, source, origin);
  }

  /** A copy into _forge_backup (`CREATE TABLE … AS SELECT`, `INSERT … SELECT`): a data migration or trigger fills the rest. */
  private recordBackup(target: string | undefined, source: ReturnType<typeof selectedColumns>, origin: Origin): void {
    if (!target || schemaOf(target) !== BACKUP_SCHEMA || !source) return;
    const columns = source.columns === '*' ? ['*'] : source.columns;
    for (const column of columns) this.state.backups.set(`${source.table}.${column}`, origin);
  }

  private addColumn(table: CatalogTable, def: Node, origin: Origin): void {
    const constraints = columnConstraints(def);
    table.columns.set(def.colname, {
      name: def.colname,
      type: columnType(def.typeName),
      notNull: constraints.some((c) => c.contype === 'CONSTR_NOTNULL' || c.contype === 'CONSTR_PRIMARY'),
      hasDefault: constraints.some((c) => c.contype === 'CONSTR_DEFAULT' || c.contype === 'CONSTR_IDENTITY'),
      origin,
    });
    for (const constraint of constraints) this.addConstraint(table, constraint, origin, def.colname);
  }

  private addConstraint(table: CatalogTable, constraint: Node, origin: Origin, column?: string): void {
    const validated = !constraint.skip_validation;
    switch (constraint.contype) {
      case 'CONSTR_CHECK':
        if (constraint.conname) {
          table.constraints.set(constraint.conname, { name: constraint.conname, kind: 'check', notNullColumn: notNullCheckColumn(constraint), validated, origin });
        }
        return;
      case 'CONSTR_FOREIGN':
        if (constraint.conname) table.constraints.set(constraint.conname, { name: constraint.conname, kind: 'foreign-key', validated, origin });
        return;
      case 'CONSTR_UNIQUE':
      case 'CONSTR_PRIMARY': {
        const keys: string[] = (constraint.keys ?? []).map((k: Node) => k.String?.sval);
        if (constraint.indexname) this.state.indexes.delete(this.indexKey(table.name, constraint.indexname));
        if (constraint.conname) {
          this.state.indexes.set(this.indexKey(table.name, constraint.conname), {
            name: constraint.conname,
            table: table.name,
            columns: keys.length ? keys : column ? [column] : [],
            unique: true,
            origin,
          });
        }
        return;
      }
    }
  }

  private alterTable(node: Node, origin: Origin): void {
    const name = tableOf(node.relation);
    if (!name || node.objtype !== 'OBJECT_TABLE') return;
    const table = this.ensureTable(name);
    for (const { AlterTableCmd: cmd } of node.cmds ?? []) {
      if (!cmd) continue;
      const column = cmd.name ? table.columns.get(cmd.name) : undefined;
      switch (cmd.subtype) {
        case 'AT_AddColumn':
          this.addColumn(table, cmd.def.ColumnDef, origin);
          break;
        case 'AT_DropColumn':
          table.columns.delete(cmd.name);
          for (const [key, index] of this.state.indexes) if (index.table === name && index.columns.includes(cmd.name)) this.state.indexes.delete(key);
          for (const [key, c] of table.constraints) if (c.notNullColumn === cmd.name) table.constraints.delete(key);
          break;
        case 'AT_AlterColumnType':
          if (column) column.type = columnType(cmd.def?.ColumnDef?.typeName);
          break;
        case 'AT_SetNotNull':
        case 'AT_DropNotNull':
          if (column) column.notNull = cmd.subtype === 'AT_SetNotNull';
          break;
        case 'AT_ColumnDefault':
          if (column) column.hasDefault = Boolean(cmd.def);
          break;
        case 'AT_AddConstraint':
          this.addConstraint(table, cmd.def.Constraint, origin);
          break;
        case 'AT_ValidateConstraint': {
          const constraint = table.constraints.get(cmd.name);
          if (constraint) constraint.validated = true;
          break;
        }
        case 'AT_DropConstraint':
          table.constraints.delete(cmd.name);
          this.state.indexes.delete(this.indexKey(name, cmd.name));
          break;
      }
    }
  }

  private createIndex(node: Node, origin: Origin): void {
    const table = tableOf(node.relation);
    if (!table || !node.idxname) return;
    const key = this.indexKey(table, node.idxname);
    if (node.if_not_exists && this.state.indexes.has(key)) return;
    const columns: string[] = (node.indexParams ?? []).map((p: Node) => p.IndexElem?.name).filter(Boolean);
    this.state.indexes.set(key, { name: node.idxname, table, columns, unique: Boolean(node.unique), origin });
  }

  private drop(node: Node): void {
    const targets = droppedNames(node).map((n) => tableKey(n) ?? n);
    for (const target of targets) {
      switch (node.removeType) {
        case 'OBJECT_TABLE':
          this.state.tables.delete(target);
          for (const [key, index] of this.state.indexes) if (index.table === target) this.state.indexes.delete(key);
          break;
        case 'OBJECT_INDEX':
          this.state.indexes.delete(target);
          break;
        case 'OBJECT_TYPE':
          this.state.enums.delete(target);
          break;
      }
    }
  }

  private rename(node: Node): void {
    const target = tableOf(node.relation);
    if (!target) return;
    switch (node.renameType) {
      case 'OBJECT_TABLE': {
        const table = this.state.tables.get(target);
        const schema = schemaOf(target);
        const renamed = schema ? `${schema}.${node.newname}` : node.newname;
        if (table) {
          this.state.tables.delete(target);
          table.name = renamed;
          this.state.tables.set(renamed, table);
        }
        for (const index of this.state.indexes.values()) if (index.table === target) index.table = renamed;
        return;
      }
      case 'OBJECT_COLUMN': {
        const table = this.state.tables.get(target);
        const column = table?.columns.get(node.subname);
        if (table && column) {
          table.columns.delete(node.subname);
          column.name = node.newname;
          table.columns.set(node.newname, column);
        }
        for (const index of this.state.indexes.values()) {
          if (index.table === target) index.columns = index.columns.map((c) => (c === node.subname ? node.newname : c));
        }
        return;
      }
      case 'OBJECT_INDEX': {
        const index = this.state.indexes.get(target);
        if (!index) return;
        this.state.indexes.delete(target);
        index.name = node.newname;
        this.state.indexes.set(this.indexKey(index.table, node.newname), index);
        return;
      }
      case 'OBJECT_TABCONSTRAINT': {
        const table = this.state.tables.get(target);
        const constraint = table?.constraints.get(node.subname);
        if (table && constraint) {
          table.constraints.delete(node.subname);
          constraint.name = node.newname;
          table.constraints.set(node.newname, constraint);
        }
        const index = this.state.indexes.get(this.indexKey(target, node.subname));
        if (index) {
          this.state.indexes.delete(this.indexKey(target, node.subname));
          index.name = node.newname;
          this.state.indexes.set(this.indexKey(target, node.newname), index);
        }
        return;
      }
    }
  }

  /** `ALTER TABLE … SET SCHEMA`: moving a table into _forge_backup keeps every row (the remove-table recipe). */
  private setSchema(node: Node, origin: Origin): void {
    const from = tableOf(node.relation);
    if (!from || node.objectType !== 'OBJECT_TABLE') return;
    const bare = node.relation.relname as string;
    const to = tableKey(`${node.newschema}.${bare}`) as string;
    const table = this.state.tables.get(from);
    if (table) {
      this.state.tables.delete(from);
      table.name = to;
      this.state.tables.set(to, table);
    }
    for (const index of this.state.indexes.values()) if (index.table === from) index.table = to;
    if (node.newschema === BACKUP_SCHEMA) this.state.backups.set(`${from}.*`, origin);
  }

  private indexKey(table: string, index: string): string {
    const schema = schemaOf(table);
    return schema ? `${schema}.${index}` : index;
  }
}

function names(list: Node[] | undefined): string {
  return (list ?? []).map((n) => n.String?.sval).join('.');
}
