import { batchPassesOf, type BatchPass, type DataMigrationInput } from './batch-passes';
import { changeFacts, columnsTouched, lockedObject, resolveTable, validatedConstraints, workContext, type ChangeFacts, type LockedObject } from './change-facts';
import { estimateWork, msPerMillionRows, statementWork, type CostKind, type WorkContext } from './cost-model';
import { dependencyWarnings } from './dependency-warnings';
import { relationName, statementEffect, type StatementEffect } from './effects';
import { impactOf, type ImpactRow } from './impact';
import { blocksWrites, LOCK_MODES, strongerLock, type LockMode } from './locks';
import { parseMigration, type ParsedStatement } from './parse';
import { UNKNOWN_STATS, type StatsProvider } from './stats-source';
import { indexOfPlaceholder, isBackup, isBookkeeping, isPlaceholder, normalize } from './table-names';
import { TableState, type TouchedTableSize } from './table-state';
import type { TableDependencies, TouchedTable } from './table-stats';

type Node = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface MigrationInput {
  /** Folder name (or the planned name before it has a timestamp). */
  name: string;
  sql: string;
  /** null: a migration without down.sql (no rollback). */
  downSql: string | null;
  dataMigration?: DataMigrationInput;
}

export interface WorkEstimate {
  kind: CostKind;
  table: string | null;
  /** Rows of the table when the statement runs; null when unknown. */
  rows: number | null;
  estimateMs: number | null;
  note?: string;
}

export interface StatementAnalysis {
  line: number;
  text: string;
  action: string;
  /**
   * Locks with `(table of index …)` resolved where the change or the database says which table.
   * `object` says what was locked: a table, or an index / sequence / view (renamed, for instance).
   */
  locks: { table: string; lock: LockMode; object: LockedObject; onNewTable: boolean }[];
  lock: LockMode | null;
  blocksReads: boolean;
  blocksWrites: boolean;
  scansTable: boolean;
  rewritesTable: boolean;
  transactional: boolean;
  dropsData: boolean;
  notes: string[];
  work: WorkEstimate[];
  /** Sum of the work; null when a size it depends on is unknown. */
  estimateMs: number | null;
  /** The largest table the statement works on, with its rows (null = unknown). */
  table: { name: string; rows: number | null } | null;
  /** Every table it locks was created by this change: no application reads or writes them yet. */
  onNewTablesOnly: boolean;
}

export interface ScriptAnalysis {
  statements: StatementAnalysis[];
  estimateMs: number | null;
  /** What the unknown-size work would take per million rows (for "unknown" messages); 0 when everything is known. */
  unknownPerMillionRowsMs: number;
  /**
   * The lock that blocks the application longest: in a transactional script a lock is held from
   * the statement that takes it to the commit, so this is the time from there to the end.
   * Tables this change creates are left out (nobody else uses them yet).
   */
  longestLock: { lock: LockMode; table: string; estimateMs: number | null; statement: number; heldToCommit: boolean } | null;
}

export interface DataMigrationAnalysis {
  name: string;
  up: WorkEstimate[];
  down: WorkEstimate[];
  upMs: number | null;
  downMs: number | null;
}

export interface MigrationAnalysis {
  name: string;
  up: ScriptAnalysis;
  down: ScriptAnalysis | null;
  dataMigration: DataMigrationAnalysis | null;
  /** migration.sql + the data migration's up(). */
  estimateMs: number | null;
  /** The data migration's down() + down.sql (the order migrate-down runs them). */
  rollbackEstimateMs: number | null;
  touched: TouchedTableSize[];
  /** The largest pre-existing table it touches; null when it touches none. */
  largest: { table: string; rows: number | null } | null;
  impact: ImpactRow;
  /** Why this impact row: `User: 2,000,000 rows`, `size of User unknown → the conservative row`. */
  impactReason: string;
  dependencies: TableDependencies[] | null;
  /** What the dependencies mean for this migration (a view that blocks DROP COLUMN, triggers a backfill fires…). */
  dependencyWarnings: string[];
}

export interface ChangeAnalysis {
  migrations: MigrationAnalysis[];
  estimateMs: number | null;
  rollbackEstimateMs: number | null;
  /** The impact of the whole change: the row of its largest touched table. */
  impact: ImpactRow;
  impactReason: string;
  stats: { source: StatsProvider['source']; label: string };
}

/** Analyzes one migration (its SQL, its rollback and its data migration). */
export async function analyzeMigration(input: Omit<MigrationInput, 'name'> & { name?: string; stats?: StatsProvider }): Promise<MigrationAnalysis> {
  const { stats, ...migration } = input;
  const change = await analyzeChange({ migrations: [{ name: 'migration', ...migration }], stats });
  return change.migrations[0];
}

/**
 * Analyzes the migrations of one change, in order: each statement's lock, effect and estimated
 * duration on the tables as they are when it runs (a table created or moved earlier in the change
 * is followed), the rollback in the order migrate-down runs it (last migration first), and the
 * impact row of the largest table touched.
 */
export async function analyzeChange(input: { migrations: MigrationInput[]; stats?: StatsProvider }): Promise<ChangeAnalysis> {
  const stats = input.stats ?? UNKNOWN_STATS;
  const parsed = await Promise.all(
    input.migrations.map(async (m) => ({
      input: m,
      up: (await parseMigration(m.sql)).map(statementEffect),
      down: m.downSql === null ? null : (await parseMigration(m.downSql)).map(statementEffect),
    })),
  );
  const all = parsed.flatMap((p) => [...p.up, ...(p.down ?? [])]);
  const facts = changeFacts(parsed.map((p) => ({ name: p.input.name, up: p.up, down: p.down })));

  // Existing tables and indexes the change names, asked for once.
  const unresolvedIndexes = [...new Set(all.flatMap((e) => e.locks.map((l) => indexOfPlaceholder(l.table)).filter((i): i is string => !!i)))].filter(
    (i) => !facts.indexTables.has(i),
  );
  for (const [index, table] of await stats.indexTables(unresolvedIndexes)) facts.indexTables.set(index, normalize(table));
  const unknownConstraints = all.flatMap((e) => validatedConstraints(e)).filter((c) => !facts.constraints.has(`${c.table}.${c.name}`));
  for (const [key, kind] of await stats.constraintKinds(unknownConstraints)) facts.constraints.set(key, kind);
  const named = new Set<string>();
  const context = workContext(facts, () => [...named]);
  for (const effect of all) {
    for (const l of effect.locks) if (lockedObject(effect) === 'table') named.add(resolveTable(l.table, facts));
    for (const w of statementWork(effect, context)) if (w.table) named.add(normalize(w.table));
  }
  for (const m of input.migrations) for (const p of [...(m.dataMigration?.up ?? []), ...(m.dataMigration?.down ?? [])]) named.add(normalize(p.table));
  const existing = new Map([...(await stats.tableSizes([...named].filter((t) => !isPlaceholder(t) && !isBookkeeping(t))))].map(([t, s]) => [normalize(t), s]));
  const state = new TableState(existing);

  // Up: every migration in order, each followed by its data migration's up().
  const ups = parsed.map((p) => {
    const up = analyzeScript(p.up, state, context, facts, 'up', p.input.name);
    const dataUp = p.input.dataMigration ? runPasses(p.input.dataMigration.up, state) : null;
    return { up, dataUp, touched: state.takeTouched() };
  });
  // Down: last migration first, each its data migration's down() then down.sql.
  const downs = new Array<{ down: ScriptAnalysis | null; dataDown: WorkEstimate[] | null }>(parsed.length);
  for (let i = parsed.length - 1; i >= 0; i--) {
    const p = parsed[i];
    const dataDown = p.input.dataMigration ? runPasses(p.input.dataMigration.down, state) : null;
    const down = p.down ? analyzeScript(p.down, state, context, facts, 'down', p.input.name) : null;
    state.takeTouched();
    downs[i] = { down, dataDown };
  }

  const migrations: MigrationAnalysis[] = [];
  for (let i = 0; i < parsed.length; i++) {
    const { input: m } = parsed[i];
    const { up, dataUp, touched } = ups[i];
    const { down, dataDown } = downs[i];
    const dataMigration: DataMigrationAnalysis | null = m.dataMigration
      ? { name: m.dataMigration.name, up: dataUp!, down: dataDown!, upMs: sum(dataUp!.map((w) => w.estimateMs)), downMs: sum(dataDown!.map((w) => w.estimateMs)) }
      : null;
    const { impact, reason, largest } = impactFor(touched);
    const touchedColumns = columnsTouched([...parsed[i].up, ...(parsed[i].down ?? [])], facts);
    const dependencies = await stats.dependencies(
      // Tables as they were before the change (a renamed table is asked for under its old name).
      touched.filter((t) => !t.created && !t.sameAs && !isBookkeeping(t.table)).map((t) => ({ table: t.table, columns: [...(touchedColumns.get(t.table) ?? [])] })),
    );
    migrations.push({
      name: m.name,
      up,
      down,
      dataMigration,
      estimateMs: sum([up.estimateMs, dataMigration ? dataMigration.upMs : 0]),
      rollbackEstimateMs: down ? sum([down.estimateMs, dataMigration ? dataMigration.downMs : 0]) : null,
      touched,
      largest,
      impact,
      impactReason: reason,
      dependencies,
      dependencyWarnings: dependencies
        ? [
            ...dependencyWarnings(parsed[i].up, m.dataMigration?.up, dependencies, parsed[i].down ?? []),
            ...dependencyWarnings(parsed[i].down ?? [], m.dataMigration?.down, dependencies, []).map((w) => `rollback: ${w}`),
          ]
        : [],
    });
  }
  const whole = impactFor(mergeTouched(migrations.flatMap((m) => m.touched)));
  return {
    migrations,
    estimateMs: sum(migrations.map((m) => m.estimateMs)),
    rollbackEstimateMs: sum(migrations.map((m) => m.rollbackEstimateMs)),
    impact: whole.impact,
    impactReason: whole.reason,
    stats: { source: stats.source, label: stats.label },
  };
}

function analyzeScript(effects: StatementEffect[], state: TableState, context: WorkContext, facts: ChangeFacts, direction: 'up' | 'down', migration: string): ScriptAnalysis {
  facts.beginScript(migration, direction);
  const statements = effects.map((effect): StatementAnalysis => {
    const node = effect.statement.node as Node;
    // A new table exists (empty) before anything touches it.
    if (effect.statement.type === 'CreateStmt') state.create(relationName(node.relation)!, { rows: 0 });
    const work = statementWork(effect, context).map((w): WorkEstimate => {
      if (!w.table) return { kind: w.kind, table: null, rows: null, estimateMs: estimateWork(w.kind, null), note: w.note };
      const size = state.touch(w.table);
      return { kind: w.kind, table: normalize(w.table), rows: size.rows, estimateMs: estimateWork(w.kind, size), note: w.note };
    });
    if (effect.statement.type === 'CreateTableAsStmt') state.create(relationName(node.into?.rel)!, { rows: work.find((w) => w.kind === 'copy')?.rows ?? 0 });
    const object = lockedObject(effect);
    const locks = effect.locks.map((l) => {
      const table = object === 'table' ? resolveTable(l.table, facts) : l.table;
      return { table, lock: l.lock, object, onNewTable: object === 'table' && !isPlaceholder(table) && state.size(table).created };
    });
    const tableLocks = locks.filter((l) => l.object === 'table' && !isPlaceholder(l.table));
    const onNewTablesOnly = tableLocks.length > 0 && tableLocks.every((l) => l.onNewTable);
    for (const l of tableLocks) state.touch(l.table);
    applyToState(effect, state, work);
    facts.afterStatement(effect);
    const sized = [...work.filter((w) => w.table), ...tableLocks.map((l) => ({ table: l.table, rows: state.size(l.table).rows }))];
    const largest = sized.reduce<{ name: string; rows: number | null } | null>((best, w) => {
      const candidate = { name: w.table!, rows: w.rows };
      if (!best) return candidate;
      if (best.rows === null) return best;
      return candidate.rows === null || candidate.rows > best.rows ? candidate : best;
    }, null);
    return {
      line: effect.statement.line,
      text: effect.statement.text,
      action: effect.action,
      locks,
      lock: effect.lock,
      blocksReads: effect.blocksReads,
      blocksWrites: effect.blocksWrites,
      scansTable: effect.scansTable,
      rewritesTable: effect.rewritesTable,
      transactional: effect.transactional,
      dropsData: effect.dropsData,
      notes: [...effect.notes, ...work.flatMap((w) => (w.note ? [w.note] : []))],
      work,
      estimateMs: sum(work.map((w) => w.estimateMs)),
      table: largest,
      onNewTablesOnly,
    };
  });
  const unknown = statements.flatMap((s) => s.work.filter((w) => w.estimateMs === null)).reduce((total, w) => total + msPerMillionRows(w.kind), 0);
  return { statements, estimateMs: sum(statements.map((s) => s.estimateMs)), unknownPerMillionRowsMs: unknown, longestLock: longestLock(statements) };
}

/**
 * A migration whose statements can all run in a transaction runs as one (the runtime's engine does,
 * as PostgreSQL does for a multi-statement script): every lock is then held until the commit.
 */
function longestLock(statements: StatementAnalysis[]): ScriptAnalysis['longestLock'] {
  const oneTransaction = statements.every((s) => s.transactional);
  let best: ScriptAnalysis['longestLock'] = null;
  const held = new Map<string, { lock: LockMode; from: number }>();
  statements.forEach((s, i) => {
    for (const l of s.locks) {
      if (l.object !== 'table' || !blocksWrites(l.lock) || isPlaceholder(l.table) || l.onNewTable) continue;
      const previous = held.get(l.table);
      held.set(l.table, { lock: previous ? strongerLock(previous.lock, l.lock) : l.lock, from: previous && oneTransaction ? previous.from : i });
      if (!oneTransaction) consider(l.table, held.get(l.table)!, [s.estimateMs], false);
    }
  });
  if (oneTransaction) for (const [table, h] of held) consider(table, h, statements.slice(h.from).map((s) => s.estimateMs), true);
  return best;

  function consider(table: string, h: { lock: LockMode; from: number }, estimates: (number | null)[], heldToCommit: boolean) {
    const estimateMs = sum(estimates);
    const current = best as ScriptAnalysis['longestLock'];
    const stronger = !current || LOCK_MODES.indexOf(h.lock) > LOCK_MODES.indexOf(current.lock);
    const longer = !current || (current.estimateMs !== null && (estimateMs === null || estimateMs > current.estimateMs));
    if (!current || (h.lock === current.lock ? longer : stronger)) best = { lock: h.lock, table, estimateMs, statement: h.from, heldToCommit };
  }
}

/** What a statement does to the sizes later statements see (creations are applied before it is analyzed). */
function applyToState(effect: StatementEffect, state: TableState, work: WorkEstimate[]): void {
  const node = effect.statement.node as Node;
  switch (effect.statement.type) {
    case 'InsertStmt': {
      const copied = work.find((w) => w.kind === 'copy');
      if (copied) state.fill(relationName(node.relation)!, copied.rows);
      return;
    }
    case 'RenameStmt':
      if (node.renameType === 'OBJECT_TABLE') {
        const from = relationName(node.relation)!;
        const schema = from.includes('.') ? `${from.split('.')[0]}.` : '';
        state.move(from, `${schema}${node.newname}`);
      }
      return;
    case 'AlterObjectSchemaStmt':
      if (node.objectType === 'OBJECT_TABLE') state.move(relationName(node.relation)!, `${node.newschema}.${node.relation.relname}`);
      return;
    case 'DropStmt':
      if (node.removeType === 'OBJECT_TABLE') for (const l of effect.locks) state.drop(l.table);
      return;
  }
}

function runPasses(passes: BatchPass[], state: TableState): WorkEstimate[] {
  return passes.map((pass) => {
    const size = state.touch(pass.table);
    if (pass.into) {
      state.touch(pass.into);
      state.fill(pass.into, size.rows);
    }
    return { kind: pass.kind, table: normalize(pass.table), rows: size.rows, estimateMs: estimateWork(pass.kind, size) };
  });
}

function impactFor(touched: TouchedTableSize[]): { impact: ImpactRow; reason: string; largest: MigrationAnalysis['largest'] } {
  // A table renamed or moved by the change counts once, under the name it had.
  const names = new Set(touched.map((t) => t.table));
  const existing = touched.filter((t) => !t.created && !isBackup(t.table) && !(t.sameAs && names.has(t.sameAs)));
  if (existing.length === 0) {
    return { impact: impactOf(0), reason: touched.length ? `touches only tables this change creates` : 'touches no table', largest: null };
  }
  const unknown = existing.filter((t) => t.rows === null);
  if (unknown.length) {
    return {
      impact: impactOf(null),
      reason: `size of ${unknown.map((t) => t.table).join(', ')} unknown → the conservative row`,
      largest: { table: unknown[0].table, rows: null },
    };
  }
  const largest = existing.reduce((a, b) => (b.rows! > a.rows! ? b : a));
  return { impact: impactOf(largest.rows), reason: `${largest.table}: ${largest.rows!.toLocaleString('en-US')} rows`, largest: { table: largest.table, rows: largest.rows } };
}

function mergeTouched(touched: TouchedTableSize[]): TouchedTableSize[] {
  const merged = new Map<string, TouchedTableSize>();
  for (const t of touched) {
    const previous = merged.get(t.table);
    if (!previous) merged.set(t.table, t);
    else {
      const sameAs = previous.sameAs ?? t.sameAs;
      merged.set(t.table, {
        table: t.table,
        rows: previous.rows === null || t.rows === null ? null : Math.max(previous.rows, t.rows),
        created: previous.created && t.created,
        ...(sameAs ? { sameAs } : {}),
      });
    }
  }
  return [...merged.values()];
}

/** Sum of estimates; null when any is unknown. */
function sum(values: (number | null)[]): number | null {
  let total = 0;
  for (const v of values) {
    if (v === null) return null;
    total += v;
  }
  return total;
}

export type { ParsedStatement, TouchedTable, BatchPass, DataMigrationInput, TouchedTableSize, LockedObject };
export { batchPassesOf };
