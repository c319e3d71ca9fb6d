import { quoteIdent } from '../../../sql/identifiers';
import type { Queryable } from '../../pg-client';
import type { CommittedWrite, WriteLog } from './write-log';

/**
 * The rows holding the value a migration's (or a rollback's) error names, among the rows the
 * workload wrote: one that stops on a value it cannot convert and says which does what it must.
 * PostgreSQL quotes the value (`invalid input syntax for type integer: "not a number"`); a
 * data migration's own listing names it in quotes too. Rows the workload did not write are not
 * listed: the seed's data failing is a failure.
 */
export async function listedValues(db: Queryable, log: WriteLog, message: string): Promise<ListedValue[]> {
  const quoted = [...message.matchAll(/"((?:[^"\\]|\\.)*)"|'((?:[^']|'')*)'/g)].map((m) => (m[1] ?? m[2].replace(/''/g, "'")));
  if (!quoted.length) return [];
  const listed: ListedValue[] = [];
  for (const table of log.tables()) {
    for (const write of log.lastWrites(table)) {
      if (write.kind === 'delete' || !write.row) continue;
      for (const [column, value] of Object.entries(write.row)) {
        if (column === write.keyColumn || value === null || !quoted.includes(value)) continue;
        if (!(await stillHolds(db, write, column, value))) continue;
        listed.push({ write, column, label: log.edgeLabel(write, column) ?? `'${value.slice(0, 40)}'` });
      }
    }
  }
  return listed;
}

async function stillHolds(db: Queryable, write: CommittedWrite, column: string, value: string): Promise<boolean> {
  try {
    const { rows } = await db.query(`SELECT 1 FROM ${quoteIdent(write.table)} WHERE ${quoteIdent(write.keyColumn)}::text = $1 AND ${quoteIdent(column)}::text = $2`, [write.key, value]);
    return rows.length > 0;
  } catch {
    return false; // the column is gone or renamed: not what stopped the step
  }
}

export interface ListedValue {
  write: CommittedWrite;
  column: string;
  label: string;
}

/** Deletes the rows a migration listed, as the user fixing them would; logged, so the checks expect them gone. */
export async function fixListedRows(db: Queryable, log: WriteLog, listed: ListedValue[]): Promise<void> {
  for (const { write } of new Map(listed.map((l) => [`${l.write.table}\u0000${l.write.key}`, l])).values()) {
    await db.query(`DELETE FROM ${quoteIdent(write.table)} WHERE ${quoteIdent(write.keyColumn)}::text = $1`, [write.key]);
    log.add({ ...write, kind: 'delete', row: null, step: 'fixing the listed rows', edge: undefined, at: Date.now() });
  }
}
