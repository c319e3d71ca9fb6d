import { quoteIdent } from '../../../sql/identifiers';
import type { Queryable } from '../../pg-client';
import type { CommittedWrite, WriteLog } from './write-log';

/**
 * The rows holding the value a migration's (or a rollback's) error names, among the rows the
 * workload wrote: one that stops on a value it cannot convert and says which does what it must.
 * PostgreSQL quotes the value (`invalid input syntax for type integer: "not a number"`); a
 * data migration's own listing names it in quotes too, a foreign key's as `column=value`. Rows the workload did not write are not
 * listed: the seed's data failing is a failure.
 */
export async function listedValues(db: Queryable, log: WriteLog, message: string): Promise<ListedValue[]> {
  const quoted = [...message.matchAll(/"((?:[^"\\]|\\.)*)"|'((?:[^']|'')*)'/g)].map((m) => (m[1] ?? m[2].replace(/''/g, "'")));
  // Our own listings of rows name them as column=value (`id=17 userId=900017`, `(id=4, id=8)`), unquoted.
  const named = [...message.matchAll(/\b([A-Za-z_][\w]*)=([^\s;,)]+?)(?=[\s;,)]|\.(?:\s|$)|$)/g)].map((m) => ({ column: m[1], value: m[2] }));
  quoted.push(...named.map((pair) => pair.value));
  if (!quoted.length) return [];
  const listed: ListedValue[] = [];
  for (const table of log.tables()) {
    for (const write of log.lastWrites(table)) {
      if (write.kind === 'delete' || !write.row) continue;
      // A row named by its key (a row the rollback cannot give a value, a NULL that blocks NOT NULL).
      if (named.some((pair) => pair.column === write.keyColumn && pair.value === write.key) && (await stillHolds(db, write, write.keyColumn, write.key))) {
        listed.push({ write, column: write.keyColumn, label: `${write.keyColumn}=${write.key}` });
        continue;
      }
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

/**
 * Deletes the rows a migration listed, as the user fixing them would, with the rows the workload
 * wrote that reference them (a seed row referencing one is not the workload's to delete: then the
 * listed row stays and the step fails, naming it). Logged, so the checks expect them gone.
 */
export async function fixListedRows(db: Queryable, log: WriteLog, listed: ListedValue[]): Promise<void> {
  for (const { write } of new Map(listed.map((l) => [`${l.write.table}\u0000${l.write.key}`, l])).values()) {
    await db.query('BEGIN');
    try {
      const children = await deleteWorkloadChildren(db, log, write);
      await db.query(`DELETE FROM ${quoteIdent(write.table)} WHERE ${quoteIdent(write.keyColumn)}::text = $1`, [write.key]);
      await db.query('COMMIT');
      for (const gone of [...children, write]) log.add({ ...gone, kind: 'delete', row: null, step: 'fixing the listed rows', edge: undefined, at: Date.now() });
    } catch {
      await db.query('ROLLBACK');
    }
  }
}

/** Rows that reference `parent` through a one-column foreign key, deleted when the workload wrote every one of them. */
async function deleteWorkloadChildren(db: Queryable, log: WriteLog, parent: CommittedWrite): Promise<CommittedWrite[]> {
  // The child table by its schema and name in the catalog (the workload's tables are in the current schema).
  const { rows: references } = await db.query<{ child_schema: string; child: string; current: boolean; fk_column: string; child_key: string | null }>(
    `SELECT n.nspname AS child_schema, t.relname AS child, n.nspname = current_schema() AS current, a.attname AS fk_column,
            (SELECT k.attname FROM pg_index i JOIN pg_attribute k ON k.attrelid = i.indrelid AND k.attnum = i.indkey[0]
              WHERE i.indrelid = c.conrelid AND i.indisprimary AND i.indnatts = 1) AS child_key
       FROM pg_constraint c
       JOIN pg_class t ON t.oid = c.conrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
      WHERE c.contype = 'f' AND c.confrelid = (quote_ident(current_schema()) || '.' || quote_ident($1))::regclass AND cardinality(c.conkey) = 1`,
    [parent.table],
  );
  const deleted: CommittedWrite[] = [];
  for (const ref of references) {
    const child = `${quoteIdent(ref.child_schema)}.${quoteIdent(ref.child)}`;
    const { rows } = await db.query<{ k: string }>(`SELECT ${ref.child_key ? quoteIdent(ref.child_key) : 'NULL'}::text AS k FROM ${child} WHERE ${quoteIdent(ref.fk_column)}::text = $1`, [parent.key]);
    if (!rows.length) continue;
    const written = rows.map((r) => (ref.current ? log.lastWrites(ref.child).find((w) => w.key === r.k && w.kind !== 'delete') : undefined));
    if (!ref.child_key || written.some((w) => !w)) throw new Error(`${parent.table} ${parent.key} is referenced by rows the workload did not write`);
    await db.query(`DELETE FROM ${child} WHERE ${quoteIdent(ref.fk_column)}::text = $1`, [parent.key]);
    deleted.push(...(written as CommittedWrite[]));
  }
  return deleted;
}
