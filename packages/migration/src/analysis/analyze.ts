import { batchPassesOf, type BatchPass, type DataMigrationInput } from './batch-passes';
import { Catalog } from './catalog';
import { changeFacts, columnsTouched, resolveTable, validatedConstraints, workContext, type ChangeFacts } from './change-facts';
import { estimateWork, msPerMillionRows, statementWork, type CostKind, type WorkContext } from './cost-model';
import { dependencyWarnings } from './dependency-warnings';
import { relationName, statementEffect, type LockedObject, type StatementEffect } from './effects';
import { impactOf, type Impact } from './impact';
import { blocksWrites, LOCK_MODES, strongerLock, type LockMode } from './locks';
import { WORK_LABELS } from './format-estimate';
import { parseMigration, type ParsedStatement } from './parse';
import { transactionsOf } from './transactions';
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
   * Every table the statement locks, with `(table of index …)` resolved where the change or the
   * database says which table (a table no fact names stays described in parentheses). `object`
   * says what was locked: a table, or an index / sequence / view (renamed, for instance);
   * `conditional`: taken on some runs only (foreign-key checks of written rows, a branch of a DO block).
   */
  locks: { table: string; lock: LockMode; object: LockedObject; conditional: boolean; onNewTable: boolean }[];
  lock: LockMode | null;
  blocksReads: boolean;
  blocksWrites: boolean;
  scansTable: boolean;
  rewritesTable: boolean;
  transactional: boolean;
  /** Which transaction of its script it runs in (0, 1…): one for a whole script, one per step of a down.sql in steps. */
  transaction: number;
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
  /** Its row of the impact table, and what running it asks for (a window only when it blocks writes while it works through rows). */
  impact: Impact;
  /** Why: `User: 2,000,000 rows`, `size of User unknown`, and what blocks. */
  impactReason: string;
  dependencies: TableDependencies[] | null;
  /** What the dependencies mean for this migration (a view that blocks DROP COLUMN, triggers a backfill fires…). */
  dependencyWarnings: string[];
}

export interface ChangeAnalysis {
  migrations: MigrationAnalysis[];
  estimateMs: number | null;
  rollbackEstimateMs: number | null;
  /** The impact of the whole change: the row of its largest touched table, blocking if any of its migrations blocks. */
  impact: Impact;
  impactReason: string;
  stats: { source: StatsProvider['source']; label: string };
}

export interface ChangeInput {
  migrations: MigrationInput[];
  stats?: StatsProvider;
  /**
   * The schema the change runs on (tables, constraints, foreign keys, indexes): what tells the
   * analysis that `DROP CONSTRAINT "x"` drops a foreign key to another table, or which table
   * `DROP INDEX "i"` locks. From Prisma's SQL for the schema before the change, or the migrations
   * before it. Without it, such tables are reported unknown.
   */
  schema?: Catalog;
}

/** Analyzes one migration (its SQL, its rollback and its data migration). */
export async function analyzeMigration(input: Omit<MigrationInput, 'name'> & { name?: string; stats?: StatsProvider; schema?: Catalog }): Promise<MigrationAnalysis> {
  const { stats, schema, ...migration } = input;
  const change = await analyzeChange({ migrations: [{ name: 'migration', ...migration }], stats, schema });
  return change.migrations[0];
}

/**
 * Analyzes the migrations of one change, in order: each statement's lock, effect and estimated
 * duration on the tables as they are when it runs (a table created or moved earlier in the change
 * is followed), the rollback in the order migrate-down runs it (last migration first), and the
 * impact row of the largest table touched.
 */
export async function analyzeChange(input: ChangeInput): Promise<ChangeAnalysis> {
  const stats = input.stats ?? UNKNOWN_STATS;
  const scripts = await Promise.all(
    input.migrations.map(async (m) => ({ input: m, up: await parseMigration(m.sql), down: m.downSql === null ? null : await parseMigration(m.downSql) })),
  );
  const parsed = effectsOnTheSchema(scripts, input.schema ?? Catalog.empty());
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
  const context = workContext(facts);
  for (const effect of all) {
    for (const l of effect.locks) if (!l.object) named.add(resolveTable(l.table, facts));
    for (const w of statementWork(effect, context)) if (w.table) named.add(normalize(w.table));
  }
  for (const m of input.migrations) for (const p of [...(m.dataMigration?.up ?? []), ...(m.dataMigration?.down ?? [])]) named.add(normalize(p.table));
  const existing = new Map([...(await stats.tableSizes([...named].filter((t) => !isPlaceholder(t) && !isBookkeeping(t))))].map(([t, s]) => [normalize(t), s]));
  const state = new TableState(existing);

  // Up: every migration in order, each followed by its data migration's up().
  const ups = parsed.map((p) => {
    const up = analyzeScript(p.up, p.input.sql, state, context, facts, 'up', p.input.name);
    const dataUp = p.input.dataMigration ? runPasses(p.input.dataMigration.up, state) : null;
    return { up, dataUp, touched: state.takeTouched() };
  });
  // Down: last migration first, each its data migration's down() then down.sql.
  const downs = new Array<{ down: ScriptAnalysis | null; dataDown: WorkEstimate[] | null }>(parsed.length);
  for (let i = parsed.length - 1; i >= 0; i--) {
    const p = parsed[i];
    const dataDown = p.input.dataMigration ? runPasses(p.input.dataMigration.down, state) : null;
    const down = p.down ? analyzeScript(p.down, p.input.downSql!, state, context, facts, 'down', p.input.name) : null;
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
    const { impact, reason, largest } = impactFor(touched, blockingSpan(up.statements));
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
  const blocking = migrations.map((m) => blockingSpan(m.up.statements)).find((b) => b !== null) ?? null;
  const whole = impactFor(mergeTouched(migrations.flatMap((m) => m.touched)), blocking);
  return {
    migrations,
    estimateMs: sum(migrations.map((m) => m.estimateMs)),
    rollbackEstimateMs: sum(migrations.map((m) => m.rollbackEstimateMs)),
    impact: whole.impact,
    impactReason: whole.reason,
    stats: { source: stats.source, label: stats.label },
  };
}

function analyzeScript(effects: StatementEffect[], sql: string, state: TableState, context: WorkContext, facts: ChangeFacts, direction: 'up' | 'down', migration: string): ScriptAnalysis {
  facts.beginScript(migration, direction);
  const transactions = transactionsOf(sql, effects);
  const statements = effects.map((effect, index): StatementAnalysis => {
    const node = effect.statement.node as Node;
    // A new table exists (empty) before anything touches it.
    if (effect.statement.type === 'CreateStmt') state.create(relationName(node.relation)!, { rows: 0 });
    const work = statementWork(effect, context).map((w): WorkEstimate => {
      if (!w.table) return { kind: w.kind, table: null, rows: null, estimateMs: estimateWork(w.kind, null), note: w.note };
      const size = state.touch(w.table);
      return { kind: w.kind, table: normalize(w.table), rows: size.rows, estimateMs: estimateWork(w.kind, size), note: w.note };
    });
    if (effect.statement.type === 'CreateTableAsStmt') state.create(relationName(node.into?.rel)!, { rows: work.find((w) => w.kind === 'copy')?.rows ?? 0 });
    const locks = effect.locks.map((l) => {
      const object: LockedObject = l.object ?? 'table';
      const table = object === 'table' ? resolveTable(l.table, facts) : l.table;
      return { table, lock: l.lock, object, conditional: l.conditional === true, onNewTable: object === 'table' && !isPlaceholder(table) && state.size(table).created };
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
      transaction: transactions[index],
      dropsData: effect.dropsData,
      notes: [...effect.notes, ...heldSinceAdd(effects, transactions, index), ...work.flatMap((w) => (w.note ? [w.note] : []))],
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
 * Each statement's effect on the schema as the change finds it: every up script in order from
 * `schema`, each down script from the state its up script left (what it reverses).
 */
function effectsOnTheSchema(
  scripts: { input: MigrationInput; up: ParsedStatement[]; down: ParsedStatement[] | null }[],
  schema: Catalog,
): { input: MigrationInput; up: StatementEffect[]; down: StatementEffect[] | null }[] {
  const state = schema.clone();
  const replay = (statements: ParsedStatement[], catalog: Catalog) =>
    statements.map((statement) => {
      const effect = statementEffect(statement, catalog);
      catalog.apply(statement, 'this');
      return effect;
    });
  return scripts.map((s) => {
    const up = replay(s.up, state);
    return { input: s.input, up, down: s.down ? replay(s.down, state.clone()) : null };
  });
}

/**
 * `VALIDATE CONSTRAINT` in the transaction that added the constraint: the ADD's stronger locks
 * are still held while it scans (PostgreSQL 15, measured): say so where the statement is listed.
 */
function heldSinceAdd(effects: StatementEffect[], transactions: number[], index: number): string[] {
  const validated = alterCommands(effects[index]).filter((c) => c.subtype === 'AT_ValidateConstraint').map((c) => c.name as string);
  const notes: string[] = [];
  for (const name of validated) {
    const add = effects.slice(0, index).find((e, i) => transactions[i] === transactions[index] && alterCommands(e).some((c) => c.subtype === 'AT_AddConstraint' && c.def?.Constraint?.conname === name));
    if (!add) continue;
    const held = add.locks.filter((l) => !l.object && blocksWrites(l.lock)).map((l) => `${l.lock} on ${l.table}`);
    notes.push(
      `VALIDATE CONSTRAINT "${name}" runs in the transaction that added it: the ADD's ${held.join(' and ')} stay held for the whole scan (writes wait as without NOT VALID); validated in a later migration, it would take only SHARE UPDATE EXCLUSIVE`,
    );
  }
  return notes;
}

function alterCommands(effect: StatementEffect): Node[] {
  if (effect.statement.type !== 'AlterTableStmt') return [];
  return ((effect.statement.node as Node).cmds ?? []).map((c: Node) => c.AlterTableCmd).filter(Boolean);
}

/**
 * The lock that blocks the application longest: a lock is held from the statement that takes it to
 * the end of its transaction — the whole script when it runs as one (the runtime's engine runs a
 * migration so, as PostgreSQL does a multi-statement script), its step for a down.sql in steps.
 */
function longestLock(statements: StatementAnalysis[]): ScriptAnalysis['longestLock'] {
  let best: ScriptAnalysis['longestLock'] = null;
  for (const transaction of new Set(statements.map((s) => s.transaction))) {
    const members = statements.map((s, i) => ({ s, i })).filter(({ s }) => s.transaction === transaction);
    const held = new Map<string, { lock: LockMode; from: number }>();
    for (const { s, i } of members) {
      for (const l of s.locks) {
        if (l.object !== 'table' || !blocksWrites(l.lock) || isPlaceholder(l.table) || l.onNewTable) continue;
        const previous = held.get(l.table);
        held.set(l.table, { lock: previous ? strongerLock(previous.lock, l.lock) : l.lock, from: previous ? previous.from : i });
      }
    }
    const end = members[members.length - 1].i;
    const heldToCommit = members.every(({ s }) => s.transactional);
    for (const [table, h] of held) consider(table, h, statements.slice(h.from, end + 1).map((s) => s.estimateMs), heldToCommit);
  }
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
      // The tables it names: the ones its foreign keys lock stay.
      if (node.removeType === 'OBJECT_TABLE') for (const table of effect.targets) state.drop(table);
      return;
    case 'DoStmt':
      // What the block runs on every path (the rollback of remove-table moves its table back with EXECUTE).
      for (const inner of effect.inner ?? []) if (!inner.conditional) applyToState(inner.effect, state, []);
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

/**
 * Where a script blocks writes while it works through rows: a statement that holds a write-blocking
 * lock on an application table that existed before the change (not the tool's own backups and
 * bookkeeping), until the end of its transaction, while it or a later statement of the transaction
 * scans, rewrites, builds or copies a table that is not empty. Null when every blocking lock covers catalog changes only.
 */
function blockingSpan(statements: StatementAnalysis[]): { lock: string; work: string } | null {
  let held: string | null = null;
  for (const [i, s] of statements.entries()) {
    if (i > 0 && s.transaction !== statements[i - 1].transaction) held = null; // the previous transaction committed
    const blocking = s.locks.find((l) => l.object === 'table' && blocksWrites(l.lock) && !l.onNewTable && !isBackup(l.table) && !isBookkeeping(l.table));
    const lock = blocking ? `${blocking.lock} on ${blocking.table}` : null;
    held = held ?? lock;
    const work = s.work.find((w) => w.kind !== 'catalog' && w.table && w.rows !== 0);
    if (held && work) return { lock: held, work: `${WORK_LABELS[work.kind]} of ${work.table}` };
  }
  return null;
}

function impactFor(touched: TouchedTableSize[], blocking: { lock: string; work: string } | null): { impact: Impact; reason: string; largest: MigrationAnalysis['largest'] } {
  // A table renamed or moved by the change counts once, under the name it had.
  const names = new Set(touched.map((t) => t.table));
  const existing = touched.filter((t) => !t.created && !isBackup(t.table) && !(t.sameAs && names.has(t.sameAs)));
  const why = blocking ? `; blocks writes: ${blocking.lock} during the ${blocking.work}` : '; writes go on: its write-blocking locks cover catalog changes only';
  if (existing.length === 0) {
    return { impact: impactOf(0, false), reason: touched.length ? `touches only tables this change creates` : 'touches no table', largest: null };
  }
  const unknown = existing.filter((t) => t.rows === null);
  if (unknown.length) {
    return {
      impact: impactOf(null, blocking !== null),
      reason: `size of ${unknown.map((t) => t.table).join(', ')} unknown${why}`,
      largest: { table: unknown[0].table, rows: null },
    };
  }
  const largest = existing.reduce((a, b) => (b.rows! > a.rows! ? b : a));
  return { impact: impactOf(largest.rows, blocking !== null), reason: `${largest.table}: ${largest.rows!.toLocaleString('en-US')} rows${why}`, largest: { table: largest.table, rows: largest.rows } };
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
