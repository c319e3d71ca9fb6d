import type pg from 'pg';
import { connect } from '../../pg-client';
import type { LatencySample } from './latency';
import type { RowText } from './row-text';
import { INTERNAL_COLUMN, type TableWorkload, type UpdateStatement } from './workload-plan';
import type { CommittedWrite, WriteLog } from './write-log';

export interface WriterOptions {
  /** Pause between two statements of one writer (default 5 ms). */
  sleepMs?: number;
  /** false: no values at the type's edges (after a migration stopped on one, as it must). */
  edgeValues?: boolean;
}

export interface RunningWriter {
  /** Stops after the statement in flight; resolves once it returned. */
  stop(): Promise<void>;
}

/** What the writers share with the proof: the step being run, the log and the timings. */
export interface WriterSink {
  log: WriteLog;
  samples: LatencySample[];
  /** Error messages of writes the database refused (not committed), with their count. */
  errors: Map<string, number>;
  step: () => string;
}

interface QueryResultRow {
  row: RowText | null;
  /** Column types of the table when the row was written. */
  types: Record<string, string> | null;
  /** A copying UPDATE: whether the value it copied was NULL. */
  wrote_null?: boolean;
  /** An UPDATE: the row just before it (locked first). */
  prior?: RowText | null;
  ms: number;
}

/**
 * One application session writing to one table on its own connection, as fast as a busy
 * application: single-row INSERTs, UPDATEs of every column (values other rows hold, and values at
 * the type's edges on rows it inserted itself), DELETEs of rows it inserted. Every statement is
 * autocommitted: when it returns, it is committed and goes into the log.
 */
export async function startWriter(url: string, plan: TableWorkload, sink: WriterSink, counter: { next: number }, options: WriterOptions = {}): Promise<RunningWriter> {
  const client = await connect(url, { applicationName: '@forge/migration validate workload' });
  const sleepMs = options.sleepMs ?? 5;
  const copies = plan.updates.filter((u) => u.kind === 'copy');
  // Grouped by column, taken in turns: each column meets its edge values (NULL first) early.
  const edges = options.edgeValues === false ? [] : byColumnInTurns(plan.updates.filter((u) => u.kind === 'edge'));
  const inserted: string[] = [];
  let stopping = false;
  let turn = 0;
  let edgeTurn = 0;
  // Copies count turns of their own, one count for the seed's rows and one for the workload's, so
  // that every column is copied into both. (Indexed by the statement counter, whose phases repeat
  // every six, a table with six columns only ever got one column of the seed's rows.) Rows are
  // drawn from where the shared counter stands: each step's writer meets other rows than the last.
  const copyTurns = { seed: 0, inserted: 0 };
  const firstRow = counter.next;

  const loop = (async () => {
    while (!stopping) {
      await writeOnce(turn++);
      await new Promise((resolve) => setTimeout(resolve, sleepMs));
    }
  })();

  async function writeOnce(i: number): Promise<void> {
    const phase = i % 6;
    if ((phase === 0 || (phase === 5 && inserted.length < 3)) && plan.insert) {
      const row = await run('insert', plan.insert(counter.next++), []);
      if (row) inserted.push(row[plan.key]!);
    } else if (phase === 5 && inserted.length >= 3) {
      const key = inserted.shift()!;
      await run('delete', plan.delete, [key], undefined, key);
    } else if ((phase === 2 || phase === 4) && edges.length && inserted.length) {
      const update = edges[edgeTurn++ % edges.length];
      await run('update', update.sql, [pick(inserted, i)], update);
    } else if (copies.length) {
      const into = inserted.length && i % 3 === 0 ? 'inserted' : 'seed';
      const keys = into === 'inserted' ? inserted : plan.keys;
      const copy = copyTurns[into]++;
      const update = copies[copy % copies.length];
      const copiesAnother = /\$2/.test(update.sql);
      // Values are copied from rows the workload gave no edge value (plan.keys): those are what the seed made.
      if (!keys.length || (copiesAnother && !plan.keys.length)) return;
      const row = pick(keys, firstRow + copy);
      await run('update', update.sql, copiesAnother ? [row, pick(plan.keys, copy * 7 + 3)] : [row], update);
    }
  }

  async function run(kind: 'insert' | 'update' | 'delete', sql: string, params: string[], update?: UpdateStatement, deletedKey?: string): Promise<RowText | null> {
    const step = sink.step();
    const at = Date.now();
    const started = performance.now();
    let result: pg.QueryResult<QueryResultRow>;
    try {
      result = await client.query<QueryResultRow>(sql, params);
    } catch (error) {
      sink.samples.push({ at, ms: performance.now() - started });
      const message = (error as Error).message.replace(/\d+/g, 'N');
      sink.errors.set(`${kind} ${plan.table}: ${message}`, (sink.errors.get(`${kind} ${plan.table}: ${message}`) ?? 0) + 1);
      return null;
    }
    const returned = result.rows[0];
    sink.samples.push({ at, ms: returned ? Number(returned.ms) : performance.now() - started });
    if (!returned) return null; // the row was gone: nothing written
    // Only what this application version knows is its data: a column a migration added meanwhile
    // holds what the migration put there (a default before its restore), not a write to check.
    const wholeRow = { ...returned.row };
    for (const column of Object.keys(returned.row ?? {})) if (INTERNAL_COLUMN.test(column) || !plan.columns.has(column)) delete returned.row![column];
    const key = deletedKey ?? returned.row![plan.key]!;
    // The application wrote NULL: a fill trigger's value in its place is the migration's, and a rollback takes it back.
    if (update && returned.row && (update.writesNull || returned.wrote_null)) returned.row[update.column] = null;
    const written = kind === 'update' && update ? updatedRow(sink.log, plan, key, update.column, returned.row!, { prior: returned.prior ?? null, after: wholeRow }, storedTypes(plan, returned.types)) : undefined;
    sink.log.add({
      table: plan.table,
      keyColumn: plan.key,
      key,
      kind,
      row: kind === 'delete' ? null : (written?.row ?? returned.row),
      columns: written?.columns ?? storedTypes(plan, returned.types),
      step,
      ...(update?.kind === 'edge' ? { edge: { column: update.column, label: update.label } } : {}),
      at,
    });
    return returned.row;
  }

  return {
    async stop() {
      stopping = true;
      try {
        await loop;
      } finally {
        await client.end().catch(() => undefined);
      }
    },
  };
}

/**
 * What the application has written to a row after an UPDATE of one column: that column as stored
 * (and any column a trigger set to the same value in step), the key, and the columns it wrote
 * before (each with the type it was stored under then). The other values the UPDATE returned are
 * what it saw, not what it wrote: a migration may still be changing them (a rollback restoring
 * them, or making a filled NULL NULL again).
 */
function updatedRow(
  log: WriteLog,
  plan: TableWorkload,
  key: string,
  column: string,
  stored: RowText,
  statement: { prior: RowText | null; after: RowText },
  types: CommittedWrite['columns'],
): Pick<CommittedWrite, 'row' | 'columns'> {
  const previous = log.lastWrite(plan.table, key);
  const before = previous && previous.kind !== 'delete' ? previous : undefined;
  // What it wrote before, to the columns that still exist: one dropped since (a rename's contract)
  // may come back filled from elsewhere (its rollback), which is not a write of this row.
  const kept = Object.entries(before?.row ?? {}).filter(([name]) => types.has(name));
  const row: RowText = { ...Object.fromEntries(kept), [plan.key]: key };
  const columns: CommittedWrite['columns'] = new Map([...(before?.columns ?? [])].filter(([name]) => types.has(name)));
  // A column this statement changed to the value written (a rename's sync trigger keeping the other
  // name in step, one this version may not know) holds the application's write too; a fill value
  // is in the written column itself.
  const { prior, after } = statement;
  const changed = (name: string) => prior !== null && name in prior && prior[name] !== after[name];
  const mirrors = Object.keys(after).filter((name) => name !== column && name !== plan.key && types.has(name) && after[name] === stored[column] && changed(name));
  for (const name of [plan.key, column, ...mirrors]) {
    const value = name in stored ? stored[name] : after[name];
    if (value === undefined) continue;
    row[name] = value;
    const type = types.get(name);
    if (type) columns.set(name, type);
  }
  return { row, columns };
}

/** The columns' types as the row was stored (nullability as planned: a write does not change it). */
function storedTypes(plan: TableWorkload, types: Record<string, string> | null): CommittedWrite['columns'] {
  if (!types) return plan.columns;
  const columns: CommittedWrite['columns'] = new Map();
  for (const [column, sqlType] of Object.entries(types)) {
    if (!INTERNAL_COLUMN.test(column)) columns.set(column, { sqlType, nullable: plan.columns.get(column)?.nullable ?? true });
  }
  return columns;
}

/** The `i`th key of a fixed pseudo-random draw (a 32-bit integer hash: consecutive `i` spread over every key). */
function pick(keys: string[], i: number): string {
  let h = Math.imul(i ^ (i >>> 16), 0x45d9f3b);
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  return keys[((h ^ (h >>> 16)) >>> 0) % keys.length];
}

/** [a1, a2, b1] → [a1, b1, a2]: the first value of every column, then the second… */
function byColumnInTurns(updates: UpdateStatement[]): UpdateStatement[] {
  const columns = new Map<string, UpdateStatement[]>();
  for (const u of updates) columns.set(u.column, [...(columns.get(u.column) ?? []), u]);
  const result: UpdateStatement[] = [];
  for (let i = 0; result.length < updates.length; i++) for (const list of columns.values()) if (list[i]) result.push(list[i]);
  return result;
}
