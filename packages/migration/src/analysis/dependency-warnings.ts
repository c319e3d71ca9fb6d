import type { BatchPass } from './batch-passes';
import { relationName, type StatementEffect } from './effects';
import type { TableDependencies } from './table-stats';
import { normalize } from './table-names';

type Node = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** What the database's dependencies mean for the statements of this migration. */
export function dependencyWarnings(effects: StatementEffect[], passes: BatchPass[] | undefined, dependencies: TableDependencies[], reverse: StatementEffect[]): string[] {
  const warnings: string[] = [];
  const byTable = new Map(dependencies.map((d) => [d.table, d]));
  const recreated = new Set(reverse.filter((e) => e.statement.type === 'IndexStmt').map((e) => (e.statement.node as Node).idxname));
  for (const effect of effects) {
    const node = effect.statement.node as Node;
    const table = relationName(node.relation);
    const deps = table ? byTable.get(normalize(table)) : undefined;
    if (!deps) continue;
    if (effect.statement.type === 'AlterTableStmt') {
      for (const { AlterTableCmd: cmd } of node.cmds ?? []) {
        if (cmd?.subtype !== 'AT_DropColumn' && cmd?.subtype !== 'AT_AlterColumnType') continue;
        const verb = cmd.subtype === 'AT_DropColumn' ? 'DROP COLUMN' : 'ALTER COLUMN TYPE';
        for (const view of deps.views.filter((v) => v.columns.includes(cmd.name))) {
          warnings.push(`${view.kind} ${view.name} uses ${deps.table}.${cmd.name}: ${verb} fails until it is dropped or changed.`);
        }
        for (const fk of deps.foreignKeysIn.filter((f) => f.referencedColumns.includes(cmd.name) && cmd.subtype === 'AT_DropColumn')) {
          warnings.push(`foreign key ${fk.name} of ${fk.table} references ${deps.table}.${cmd.name}: DROP COLUMN fails without CASCADE.`);
        }
        if (cmd.subtype === 'AT_DropColumn') {
          for (const index of deps.indexes.filter((i) => i.usesTouched.includes(cmd.name))) {
            warnings.push(
              `index ${index.name} uses ${deps.table}.${cmd.name}: it is dropped with the column${recreated.has(index.name) ? ' (the rollback re-creates it)' : ', and the rollback does not re-create it (schema.prisma does not declare it)'}.`,
            );
          }
        }
      }
    }
    if ((effect.statement.type === 'DropStmt' || effect.statement.type === 'AlterObjectSchemaStmt') && deps.views.length) {
      warnings.push(`${deps.views.map((v) => `${v.kind} ${v.name}`).join(', ')} read${deps.views.length > 1 ? '' : 's'} ${deps.table}: dropping or moving it fails until they are dropped.`);
    }
  }
  const rowTriggers = (table: string) => byTable.get(normalize(table))?.triggers.filter((t) => t.enabled) ?? [];
  for (const pass of passes ?? []) {
    const triggers = rowTriggers(pass.table);
    if (triggers.length && pass.kind === 'backfill') warnings.push(`triggers on ${pass.table} fire for every backfilled row: ${triggers.map((t) => t.name).join(', ')}.`);
  }
  for (const effect of effects.filter((e) => e.statement.type === 'UpdateStmt')) {
    const table = relationName((effect.statement.node as Node).relation);
    const triggers = table ? rowTriggers(table) : [];
    if (triggers.length) warnings.push(`triggers on ${table} fire for every updated row: ${triggers.map((t) => t.name).join(', ')}.`);
  }
  return [...new Set(warnings)];
}
