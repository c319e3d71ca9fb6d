import { sqlTypeOf, type WorkContext } from './cost-model';
import { relationName, type StatementEffect } from './effects';
import { notNullCheckColumn } from './sql-facts';
import { indexOfPlaceholder, normalize } from './table-names';

type Node = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Facts about the whole change the cost of a statement depends on. */
export interface ChangeFacts {
  indexTables: Map<string, string>;
  constraints: Map<string, 'fk' | 'check' | 'other'>;
  /** `migration|direction|table.column` → the type the column gets in that script. */
  types: Map<string, string>;
  current: { migration: string; direction: 'up' | 'down' };
  /** Validated `CHECK (c IS NOT NULL)` constraints: name → table.column, and which are validated. */
  notNullChecks: Map<string, { column: string; validated: boolean }>;
  beginScript(migration: string, direction: 'up' | 'down'): void;
  afterStatement(effect: StatementEffect): void;
}

export function changeFacts(parsed: { name: string; up: StatementEffect[]; down: StatementEffect[] | null }[]): ChangeFacts {
  const indexTables = new Map<string, string>();
  const constraints = new Map<string, 'fk' | 'check' | 'other'>();
  const types = new Map<string, string>();
  for (const p of parsed) {
    for (const [direction, effects] of [['up', p.up], ['down', p.down ?? []]] as const) {
      // Columns added in this script, by type: one renamed into another's place gives it that type
      // (a rollback that rebuilds a column in its old type beside it, then swaps it in).
      const added = new Map<string, string>();
      for (const effect of effects) {
        const node = effect.statement.node as Node;
        if (effect.statement.type === 'IndexStmt' && node.idxname) indexTables.set(node.idxname, normalize(relationName(node.relation)!));
        if (effect.statement.type === 'RenameStmt' && node.renameType === 'OBJECT_COLUMN' && node.relation) {
          const table = normalize(relationName(node.relation)!);
          const type = added.get(`${table}.${node.subname}`);
          if (type) types.set(`${p.name}|${direction}|${table}.${node.newname}`, type);
        }
        if (effect.statement.type === 'AlterTableStmt') {
          const table = normalize(relationName(node.relation)!);
          for (const { AlterTableCmd: cmd } of node.cmds ?? []) {
            const c = cmd?.def?.Constraint;
            if (cmd?.subtype === 'AT_AddConstraint' && c?.conname) constraints.set(`${table}.${c.conname}`, c.contype === 'CONSTR_FOREIGN' ? 'fk' : c.contype === 'CONSTR_CHECK' ? 'check' : 'other');
            if (cmd?.subtype === 'AT_AddColumn' && cmd.def?.ColumnDef?.colname) {
              const type = sqlTypeOf(cmd.def.ColumnDef.typeName);
              if (type) added.set(`${table}.${cmd.def.ColumnDef.colname}`, type);
            }
            if (cmd?.subtype === 'AT_AlterColumnType') {
              const type = sqlTypeOf(cmd.def?.ColumnDef?.typeName);
              if (type) types.set(`${p.name}|${direction}|${table}.${cmd.name}`, type);
            }
          }
        }
      }
    }
  }
  const facts: ChangeFacts = {
    indexTables,
    constraints,
    types,
    current: { migration: '', direction: 'up' },
    notNullChecks: new Map(),
    beginScript(migration, direction) {
      facts.current = { migration, direction };
    },
    afterStatement(effect) {
      if (effect.statement.type !== 'AlterTableStmt') return;
      const node = effect.statement.node as Node;
      const table = normalize(relationName(node.relation)!);
      for (const { AlterTableCmd: cmd } of node.cmds ?? []) {
        if (!cmd) continue;
        const c = cmd.def?.Constraint;
        const column = notNullCheckColumn(c);
        if (cmd.subtype === 'AT_AddConstraint' && c?.conname && column) facts.notNullChecks.set(`${table}.${c.conname}`, { column: `${table}.${column}`, validated: !c.skip_validation });
        if (cmd.subtype === 'AT_ValidateConstraint') {
          const check = facts.notNullChecks.get(`${table}.${cmd.name}`);
          if (check) check.validated = true;
        }
        if (cmd.subtype === 'AT_DropConstraint') facts.notNullChecks.delete(`${table}.${cmd.name}`);
      }
    },
  };
  return facts;
}

export function workContext(facts: ChangeFacts): WorkContext {
  return {
    constraintKind: (table, name) => facts.constraints.get(`${normalize(table)}.${name}`),
    previousType: (table, column) => {
      // The reverse script of the same migration sets the type the column had before.
      const other = facts.current.direction === 'up' ? 'down' : 'up';
      return facts.types.get(`${facts.current.migration}|${other}|${normalize(table)}.${column}`);
    },
    hasNotNullCheck: (table, column) => [...facts.notNullChecks.values()].some((c) => c.validated && c.column === `${normalize(table)}.${column}`),
    tableOfIndex: (index) => facts.indexTables.get(index),
  };
}

/** Columns each table's statements touch: added, dropped, retyped, renamed, indexed, constrained, updated. */
export function columnsTouched(effects: StatementEffect[], facts: ChangeFacts): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (table: string | undefined, column: string | undefined) => {
    if (!table || !column) return;
    const name = resolveTable(table, facts);
    if (!out.has(name)) out.set(name, new Set());
    out.get(name)!.add(column);
  };
  for (const effect of effects) {
    const node = effect.statement.node as Node;
    const table = relationName(node.relation);
    switch (effect.statement.type) {
      case 'AlterTableStmt':
        for (const { AlterTableCmd: cmd } of node.cmds ?? []) {
          if (!cmd) continue;
          add(table, cmd.name ?? cmd.def?.ColumnDef?.colname);
          for (const key of cmd.def?.Constraint?.fk_attrs ?? cmd.def?.Constraint?.keys ?? []) add(table, key.String?.sval);
        }
        break;
      case 'IndexStmt':
        for (const param of node.indexParams ?? []) add(table, param.IndexElem?.name);
        break;
      case 'RenameStmt':
        if (node.renameType === 'OBJECT_COLUMN') add(table, node.subname);
        break;
      case 'UpdateStmt':
        for (const target of node.targetList ?? []) add(table, target.ResTarget?.name);
        break;
    }
  }
  return out;
}

/** `ALTER TABLE t VALIDATE CONSTRAINT c` names: which constraint kinds the cost depends on. */
export function validatedConstraints(effect: StatementEffect): { table: string; name: string }[] {
  if (effect.statement.type !== 'AlterTableStmt') return [];
  const node = effect.statement.node as Node;
  const table = normalize(relationName(node.relation)!);
  return (node.cmds ?? []).flatMap(({ AlterTableCmd: cmd }: Node) => (cmd?.subtype === 'AT_ValidateConstraint' ? [{ table, name: cmd.name as string }] : []));
}

/** A lock's table, with `(table of index …)` resolved where the change says which table. */
export function resolveTable(table: string, facts: ChangeFacts): string {
  const index = indexOfPlaceholder(table);
  if (!index) return normalize(table);
  return facts.indexTables.get(index) ?? facts.indexTables.get(index.split('.').pop()!) ?? table;
}
