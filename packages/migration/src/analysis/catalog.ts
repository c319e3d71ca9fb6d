import { BACKUP_SCHEMA } from '../runtime/forge-schema';
import { blockContents } from './do-block';
import type { ParsedStatement } from './parse';
import {
  columnConstraints,
  columnType,
  droppedNames,
  notNullCheckColumn,
  readTables,
  schemaOf,
  selectedColumns,
  tableKey,
  tableOf,
  typeText,
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

/** What ON DELETE / ON UPDATE does to the referencing rows. */
export type ReferentialAction = 'no action' | 'restrict' | 'cascade' | 'set null' | 'set default';

/** A foreign key: `table(columns) REFERENCES references(referencedColumns)`. */
export interface ForeignKeyFact {
  name: string;
  table: string;
  columns: string[];
  references: string;
  referencedColumns: string[];
  onDelete: ReferentialAction;
  onUpdate: ReferentialAction;
}

export interface CatalogConstraint {
  name: string;
  kind: 'check' | 'foreign-key' | 'unique' | 'primary-key' | 'other';
  /** For `CHECK (c IS NOT NULL)`: c. */
  notNullColumn?: string;
  /** For a foreign key. */
  foreignKey?: ForeignKeyFact;
  validated: boolean;
  origin: Origin;
}

/**
 * What the analysis needs to know about the schema a statement runs on, beyond the statement's own
 * text: `DROP CONSTRAINT "c"` does not say that c references another table, nor `DROP INDEX "i"`
 * which table i is on. Undefined answers mean unknown (never "none").
 */
export interface SchemaFacts {
  /** The table was created by a statement the facts were built from: its constraints are all known. */
  knowsTable(table: string): boolean;
  tableOfIndex(index: string): string | undefined;
  constraint(table: string, name: string): CatalogConstraint | undefined;
  /** Foreign keys of the table (undefined when the table is not known). */
  foreignKeysFrom(table: string): ForeignKeyFact[] | undefined;
  /** Foreign keys of other tables (and the table itself) that reference it (undefined when the table is not known). */
  foreignKeysTo(table: string): ForeignKeyFact[] | undefined;
  /** Tables a view or materialized view reads (undefined when not known). */
  viewReads(view: string): string[] | undefined;
  /** Known tables of a schema (`_forge_backup`), for DROP SCHEMA … CASCADE. */
  tablesInSchema(schema: string): string[] | undefined;
}

/** No facts: every question answered "unknown". */
export const NO_SCHEMA_FACTS: SchemaFacts = {
  knowsTable: () => false,
  tableOfIndex: () => undefined,
  constraint: () => undefined,
  foreignKeysFrom: () => undefined,
  foreignKeysTo: () => undefined,
  viewReads: () => undefined,
  tablesInSchema: () => undefined,
};

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
  /** Views and materialized views → the tables they read. */
  views: Map<string, string[]>;
  /** `table.column` or `table.*` copied into _forge_backup (or the whole table moved there). */
  backups: Map<string, Origin>;
  enums: Map<string, Map<string, Origin>>;
}

type Node = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The schema as a sequence of statements leaves it, as far as the analysis and the lint rules need
 * it: tables and their columns (types, NOT NULL), constraints (CHECK, UNIQUE, primary and foreign
 * keys: which table they reference, on which columns) and whether they are validated, indexes,
 * views, enum values, and what was backed up into `_forge_backup`. Built by replaying statements
 * (no database): Prisma's SQL for a schema, or a migrations history. Anything it cannot follow it
 * leaves out, and its answers then say "unknown".
 */
export class Catalog implements SchemaFacts {
  private constructor(private readonly state: CatalogState) {}

  static empty(): Catalog {
    return new Catalog({ tables: new Map(), indexes: new Map(), views: new Map(), backups: new Map(), enums: new Map() });
  }

  /** The catalog that `statements` (a schema's SQL, a history) build from nothing. */
  static of(statements: Iterable<ParsedStatement>, origin: Origin = 'earlier'): Catalog {
    const catalog = Catalog.empty();
    for (const statement of statements) catalog.apply(statement, origin);
    return catalog;
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

  knowsTable(table: string): boolean {
    return this.table(table)?.known === true;
  }

  tableOfIndex(index: string): string | undefined {
    return this.index(index)?.table;
  }

  foreignKeysFrom(table: string): ForeignKeyFact[] | undefined {
    if (!this.knowsTable(table)) return undefined;
    return [...this.table(table)!.constraints.values()].flatMap((c) => (c.foreignKey ? [c.foreignKey] : []));
  }

  foreignKeysTo(table: string): ForeignKeyFact[] | undefined {
    const key = tableKey(table);
    if (!key || !this.knowsTable(key)) return undefined;
    return [...this.state.tables.values()].flatMap((t) => [...t.constraints.values()].flatMap((c) => (c.foreignKey?.references === key ? [c.foreignKey] : [])));
  }

  viewReads(view: string): string[] | undefined {
    return this.state.views.get(tableKey(view) ?? view);
  }

  tablesInSchema(schema: string): string[] | undefined {
    return [...this.state.tables.values()].filter((t) => t.known && schemaOf(t.name) === schema).map((t) => t.name);
  }

  /**
   * The default schema as lines (tables, columns with type/NOT NULL/default, constraints, indexes,
   * enums), sorted: two histories that build the same schema have the same shape. `_forge_backup`
   * and other schemas are left out (Prisma does not see them either).
   */
  shape(): string[] {
    const lines: string[] = [];
    for (const table of this.state.tables.values()) {
      if (schemaOf(table.name) || !table.known) continue;
      lines.push(`table ${table.name}`);
      for (const c of table.columns.values()) lines.push(`column ${table.name}.${c.name} ${typeText(c.type)}${c.notNull ? ' not null' : ''}${c.hasDefault ? ' default' : ''}`);
      for (const c of table.constraints.values()) lines.push(`constraint ${table.name}.${c.name} ${c.kind}${c.validated ? '' : ' not valid'}`);
    }
    for (const index of this.state.indexes.values()) {
      if (!schemaOf(index.table)) lines.push(`index ${index.name} on ${index.table}(${index.columns.join(', ')})${index.unique ? ' unique' : ''}`);
    }
    for (const [name, values] of this.state.enums) if (!name.includes('.')) lines.push(`enum ${name} (${[...values.keys()].join(', ')})`);
    return lines.sort();
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
      case 'AlterEnumStmt': {
        const values = this.state.enums.get(names(node.typeName));
        if (node.oldVal) {
          // RENAME VALUE: the value keeps where it came from.
          const renamed = values?.get(node.oldVal);
          values?.delete(node.oldVal);
          if (renamed) values?.set(node.newVal, renamed);
        } else if (node.newVal) values?.set(node.newVal, origin);
        return;
      }
      case 'ViewStmt': {
        const view = tableOf(node.view);
        if (view) this.state.views.set(view, readTables(node.query));
        return;
      }
      case 'DoStmt':
        // What the block runs on every path (its conditional statements may not have run).
        for (const inner of blockContents(node).statements) if (!inner.conditional) this.apply(inner.statement, origin);
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
    if (node.objtype === 'OBJECT_MATVIEW') {
      this.state.views.set(name, readTables(node.query));
      return;
    }
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
      case 'CONSTR_CHECK': {
        const name = constraint.conname ?? defaultConstraintName(table.name, column ? [column] : [], 'check');
        table.constraints.set(name, { name, kind: 'check', notNullColumn: notNullCheckColumn(constraint), validated, origin });
        return;
      }
      case 'CONSTR_FOREIGN': {
        const columns: string[] = constraint.fk_attrs?.length ? constraint.fk_attrs.map((k: Node) => k.String?.sval) : column ? [column] : [];
        const name: string = constraint.conname ?? defaultConstraintName(table.name, columns, 'fkey');
        const references = tableOf(constraint.pktable) ?? '?';
        // Without a column list, the key references the primary key of the referenced table.
        const referencedColumns: string[] = constraint.pk_attrs?.length
          ? constraint.pk_attrs.map((k: Node) => k.String?.sval)
          : (this.primaryKeyColumns(references) ?? []);
        const foreignKey: ForeignKeyFact = {
          name,
          table: table.name,
          columns,
          references,
          referencedColumns,
          onDelete: referentialAction(constraint.fk_del_action),
          onUpdate: referentialAction(constraint.fk_upd_action),
        };
        table.constraints.set(name, { name, kind: 'foreign-key', foreignKey, validated, origin });
        return;
      }
      case 'CONSTR_UNIQUE':
      case 'CONSTR_PRIMARY': {
        const keys: string[] = (constraint.keys ?? []).map((k: Node) => k.String?.sval);
        const columns = keys.length ? keys : column ? [column] : [];
        const primary = constraint.contype === 'CONSTR_PRIMARY';
        const name: string = constraint.conname ?? (primary ? `${bareName(table.name)}_pkey` : defaultConstraintName(table.name, columns, 'key'));
        if (constraint.indexname) {
          const index = this.state.indexes.get(this.indexKey(table.name, constraint.indexname));
          if (index && !columns.length) columns.push(...index.columns);
          this.state.indexes.delete(this.indexKey(table.name, constraint.indexname));
        }
        table.constraints.set(name, { name, kind: primary ? 'primary-key' : 'unique', validated: true, origin });
        this.state.indexes.set(this.indexKey(table.name, name), { name, table: table.name, columns, unique: true, origin });
        return;
      }
      case 'CONSTR_EXCLUSION':
        if (constraint.conname) table.constraints.set(constraint.conname, { name: constraint.conname, kind: 'other', validated: true, origin });
        return;
    }
  }

  private primaryKeyColumns(table: string): string[] | undefined {
    const constraints = this.state.tables.get(table)?.constraints.values() ?? [];
    for (const c of constraints) if (c.kind === 'primary-key') return this.state.indexes.get(this.indexKey(table, c.name))?.columns;
    return undefined;
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
          for (const [key, index] of this.state.indexes) {
            if (index.table !== name || !index.columns.includes(cmd.name)) continue;
            this.state.indexes.delete(key);
            table.constraints.delete(index.name);
          }
          for (const [key, c] of table.constraints) if (c.notNullColumn === cmd.name || c.foreignKey?.columns.includes(cmd.name)) table.constraints.delete(key);
          // CASCADE: the foreign keys that referenced the column go with it.
          this.dropForeignKeysTo(name, (fk) => fk.referencedColumns.includes(cmd.name));
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
        case 'AT_DropConstraint': {
          const dropped = table.constraints.get(cmd.name);
          table.constraints.delete(cmd.name);
          const index = this.state.indexes.get(this.indexKey(name, cmd.name));
          this.state.indexes.delete(this.indexKey(name, cmd.name));
          // CASCADE from a key: the foreign keys that referenced it go with it.
          if (dropped && index && cmd.behavior === 'DROP_CASCADE') this.dropForeignKeysTo(name, (fk) => fk.referencedColumns.every((c) => index.columns.includes(c)));
          break;
        }
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
          this.dropForeignKeysTo(target, () => true);
          break;
        case 'OBJECT_VIEW':
        case 'OBJECT_MATVIEW':
          this.state.views.delete(target);
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
        const schema = schemaOf(target);
        const renamed = schema ? `${schema}.${node.newname}` : node.newname;
        this.moveTable(target, renamed);
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
        const rename = (columns: string[]) => columns.map((c) => (c === node.subname ? node.newname : c));
        for (const index of this.state.indexes.values()) if (index.table === target) index.columns = rename(index.columns);
        for (const fk of this.allForeignKeys()) {
          if (fk.table === target) fk.columns = rename(fk.columns);
          if (fk.references === target) fk.referencedColumns = rename(fk.referencedColumns);
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
          if (constraint.foreignKey) constraint.foreignKey.name = node.newname;
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
    this.moveTable(from, to);
    if (node.newschema === BACKUP_SCHEMA) this.state.backups.set(`${from}.*`, origin);
  }

  /** A table renamed or moved to another schema: its indexes and the foreign keys on either side follow it. */
  private moveTable(from: string, to: string): void {
    const table = this.state.tables.get(from);
    if (table) {
      this.state.tables.delete(from);
      table.name = to;
      this.state.tables.set(to, table);
    }
    for (const index of this.state.indexes.values()) if (index.table === from) index.table = to;
    for (const fk of this.allForeignKeys()) {
      if (fk.table === from) fk.table = to;
      if (fk.references === from) fk.references = to;
    }
    for (const [view, reads] of this.state.views) this.state.views.set(view, reads.map((t) => (t === from ? to : t)));
  }

  private allForeignKeys(): ForeignKeyFact[] {
    return [...this.state.tables.values()].flatMap((t) => [...t.constraints.values()].flatMap((c) => (c.foreignKey ? [c.foreignKey] : [])));
  }

  /** Removes the foreign keys that reference `table` and match (what CASCADE drops with a key, a column or the table). */
  private dropForeignKeysTo(table: string, matches: (fk: ForeignKeyFact) => boolean): void {
    for (const t of this.state.tables.values()) {
      for (const [key, c] of t.constraints) if (c.foreignKey?.references === table && matches(c.foreignKey)) t.constraints.delete(key);
    }
  }

  private indexKey(table: string, index: string): string {
    const schema = schemaOf(table);
    return schema ? `${schema}.${index}` : index;
  }
}

/** PostgreSQL's default constraint name: `{table}_{columns}_{suffix}`, cut to 63 bytes as the server does. */
function defaultConstraintName(table: string, columns: string[], suffix: string): string {
  return truncateIdentifier([bareName(table), ...columns, suffix].join('_'));
}

function truncateIdentifier(name: string): string {
  const bytes = Buffer.from(name);
  return bytes.length <= 63 ? name : bytes.subarray(0, 63).toString('utf8').replace(/\uFFFD$/, '');
}

function bareName(table: string): string {
  return table.slice(table.lastIndexOf('.') + 1);
}

const REFERENTIAL_ACTIONS: Record<string, ReferentialAction> = { a: 'no action', r: 'restrict', c: 'cascade', n: 'set null', d: 'set default' };

function referentialAction(code: string | undefined): ReferentialAction {
  return REFERENTIAL_ACTIONS[code ?? 'a'] ?? 'no action';
}

function names(list: Node[] | undefined): string {
  return (list ?? []).map((n) => n.String?.sval).join('.');
}
