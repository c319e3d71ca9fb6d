import { quoteIdent } from '../../../sql/identifiers';
import { BACKUP_SCHEMA } from '../../forge-schema';
import type { Queryable } from '../../pg-client';
import { readCatalog, type Catalog, type TableInfo } from '../../seed';
import { rowTextSql, type RowText } from './row-text';
import type { CommittedWrite, WriteLog } from './write-log';

/** Where the proof stands: after a migration went up (data migration included), or after it came back down. */
export type Moment = 'up' | 'down';

const MAX_LISTED = 5;

/**
 * Checks every committed write of the workload against the database as it is now:
 * - a row written (inserted or updated) is there, a row deleted is not (a rollback must not bring it back);
 * - a value written is there as written while its column keeps its type; a column that changed
 *   type must not have turned a value into NULL; a column the migration removed has it in its backup;
 * - a NULL written stays NULL, unless the migration just made the column required (its backfill);
 *   after a rollback, every NULL is back.
 * Rows inserted after the migration went up (through its defaults) are checked after the rollback
 * like any other. A column the rollback removed (the migration added it) is no longer expected.
 */
export async function checkCommittedWrites(db: Queryable, log: WriteLog, moment: Moment): Promise<string[]> {
  const catalog = await readCatalog(db);
  const problems: string[] = [];
  for (const tableName of log.tables()) {
    const table = catalog.tables.get(`${catalog.schema}.${tableName}`);
    if (!table || table.primaryKey.length !== 1) continue; // renamed or gone: the check after the rollback covers it
    const key = table.primaryKey[0];
    const writes = log.lastWrites(tableName);
    const current = await currentRows(db, table, key, writes.map((w) => w.key));
    const backups = moment === 'up' ? await backupValues(db, tableName, key, writes) : new Map<string, Map<string, string | null>>();
    const found: string[] = [];
    for (const write of writes) {
      const row = current.get(write.key);
      if (write.kind === 'delete') {
        if (row) found.push(`row ${key}=${write.key}, deleted during ${write.step}, is back`);
        continue;
      }
      // ON DELETE CASCADE / SET NULL of a foreign key: the workload deleted the row it referenced.
      const orphaned = referencesDeletedRow(catalog, table, write, log);
      if (!row && orphaned.size) continue;
      if (!row) {
        found.push(`row ${key}=${write.key}, ${write.kind === 'insert' ? 'inserted' : 'updated'} during ${write.step}, is missing`);
        continue;
      }
      for (const [column, written] of Object.entries(write.row!)) {
        const now = table.columns.find((c) => c.name === column);
        const then = write.columns.get(column);
        if (!now && moment === 'down') {
          // A column the migration added, gone with the rollback: its values go with it (and a
          // re-applied migration starts it afresh).
          delete write.row![column];
          continue;
        }
        if (!now) {
          const saved = backups.get(column);
          if (saved && written !== null && saved.get(write.key) !== written) {
            found.push(`${quote(column)} of row ${key}=${write.key}: ${show(written)} written during ${write.step} is not in the backup (${saved.has(write.key) ? show(saved.get(write.key) ?? null) : 'no row'})`);
          }
          continue;
        }
        const value = row[column] ?? null;
        const sameType = then?.sqlType === now.sqlType;
        if (written === null) {
          // Filling NULLs is the migration's job on the way up; on the way down, only a NULL
          // written while the migration was up or coming down may meet an earlier migration's fill.
          const backfilled = moment === 'up' || /^(before )?down/.test(write.step);
          if (value !== null && !backfilled) found.push(`${quote(column)} of row ${key}=${write.key}: NULL written during ${write.step} is now ${show(value)}`);
        } else if (value === null) {
          if (!orphaned.has(column)) found.push(`${quote(column)} of row ${key}=${write.key}: ${show(written)} written during ${write.step} is now NULL`);
        } else if (sameType && value !== written) {
          found.push(`${quote(column)} of row ${key}=${write.key}: ${show(written)} written during ${write.step} is now ${show(value)}`);
        }
      }
    }
    if (found.length) {
      problems.push(
        `committed writes to ${quote(tableName)} lost or changed after ${moment === 'up' ? 'the migration went up' : 'the rollback'} (${found.length}): ` +
          `${found.slice(0, MAX_LISTED).join('; ')}${found.length > MAX_LISTED ? `; … ${found.length - MAX_LISTED} more` : ''}`,
      );
    }
  }
  return problems;
}

async function currentRows(db: Queryable, table: TableInfo, key: string, keys: string[]): Promise<Map<string, RowText>> {
  const ref = `${quoteIdent(table.schema)}.${quoteIdent(table.name)}`;
  const { rows } = await db.query<{ k: string; row: RowText }>(`SELECT t.${quoteIdent(key)}::text AS k, ${rowTextSql('t')} AS row FROM ${ref} AS t WHERE t.${quoteIdent(key)}::text = ANY($1::text[])`, [keys]);
  return new Map(rows.map((r) => [r.k, r.row]));
}

/**
 * Values of removed columns, from the newest `_forge_backup."<table>__…"` table holding the key and
 * that column: after a removal (or a swap), a write to the old column must be there.
 */
async function backupValues(db: Queryable, table: string, key: string, writes: CommittedWrite[]): Promise<Map<string, Map<string, string | null>>> {
  const { rows: tables } = await db.query<{ name: string; columns: string[] }>(
    `SELECT c.relname AS name, array_agg(a.attname::text) AS columns
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      WHERE n.nspname = $1 AND c.relkind = 'r' AND starts_with(c.relname, $2)
      GROUP BY c.relname ORDER BY c.relname DESC`,
    [BACKUP_SCHEMA, `${table}__`],
  );
  const values = new Map<string, Map<string, string | null>>();
  const keys = writes.map((w) => w.key);
  for (const backup of tables) {
    if (!backup.columns.includes(key)) continue;
    const { rows } = await db.query<{ k: string; row: RowText }>(
      `SELECT b.${quoteIdent(key)}::text AS k, ${rowTextSql('b')} AS row FROM ${quoteIdent(BACKUP_SCHEMA)}.${quoteIdent(backup.name)} AS b WHERE b.${quoteIdent(key)}::text = ANY($1::text[])`,
      [keys],
    );
    for (const column of backup.columns) {
      if (column === key || values.has(column)) continue;
      values.set(column, new Map(rows.map((r) => [r.k, r.row[column] ?? null])));
    }
  }
  return values;
}

function quote(name: string): string {
  return quoteIdent(name);
}

function show(value: string | null): string {
  if (value === null) return 'NULL';
  const shown = value.length > 40 ? `${value.slice(0, 37)}…` : value;
  return `'${shown}'`;
}

/**
 * Once a migration is proven (and applied again), what it filled is data: a NULL written before
 * it and filled by it is expected as filled from now on, by the proofs of the migrations after it.
 */
export async function acceptFilledNulls(db: Queryable, log: WriteLog): Promise<void> {
  const catalog = await readCatalog(db);
  for (const tableName of log.tables()) {
    const table = catalog.tables.get(`${catalog.schema}.${tableName}`);
    if (!table || table.primaryKey.length !== 1) continue;
    const writes = log.lastWrites(tableName).filter((w) => w.row && Object.values(w.row).some((v) => v === null));
    if (!writes.length) continue;
    const current = await currentRows(db, table, table.primaryKey[0], writes.map((w) => w.key));
    for (const write of writes) {
      const row = current.get(write.key);
      if (!row) continue;
      for (const [column, value] of Object.entries(write.row!)) if (value === null && row[column] != null) write.row![column] = row[column];
    }
  }
}

/** The columns of `write`'s row whose foreign key referenced a row the workload then deleted. */
function referencesDeletedRow(catalog: Catalog, table: TableInfo, write: CommittedWrite, log: WriteLog): Set<string> {
  const columns = new Set<string>();
  // Keys dropped since (a rollback removing the relation) may have cascaded while they existed.
  const seen = log.rememberForeignKeys(table.name, table.foreignKeys, (fk) => catalog.tables.get(`${fk.refSchema}.${fk.refTable}`)?.primaryKey);
  for (const { foreignKey: fk, parentKey } of seen) {
    if (fk.columns.length !== 1 || parentKey?.length !== 1) continue;
    const value = write.row?.[fk.columns[0]];
    if (value == null) continue;
    // A key to the parent's primary key names the row; one to another unique column is matched
    // through the values the workload wrote to the parent.
    const parents = fk.refColumns[0] === parentKey[0] ? [value] : log.keysWithValue(fk.refTable, fk.refColumns[0], value);
    if (parents.some((key) => log.deleted(fk.refTable, key))) columns.add(fk.columns[0]);
  }
  return columns;
}
