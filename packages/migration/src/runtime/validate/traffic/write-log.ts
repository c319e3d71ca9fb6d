import type { ColumnInfo, ForeignKey } from '../../seed';
import type { RowText } from './row-text';

/** A write the database confirmed (the statement returned: autocommit, so it is committed). */
export interface CommittedWrite {
  table: string;
  /** The primary key column, and this row's value of it (as text). */
  keyColumn: string;
  key: string;
  kind: 'insert' | 'update' | 'delete';
  /** The row as stored after the write (null for a delete). */
  row: RowText | null;
  /** The columns' types when it was written: a value is compared exactly only while the type is the same. */
  columns: Map<string, Pick<ColumnInfo, 'sqlType' | 'nullable'>>;
  /** The step during which it committed (`up`, `down`…). */
  step: string;
  /** `int4 max`, `NULL`…: a value at a type's edge. */
  edge?: { column: string; label: string };
  at: number;
}

/** A foreign key seen on a table, and the primary key of the table it references (as the catalog had it). */
export interface SeenForeignKey {
  foreignKey: ForeignKey;
  parentKey: string[] | undefined;
}

/** Every committed write of the workload, and the last one per row: what the database must show. */
export class WriteLog {
  readonly writes: CommittedWrite[] = [];
  private readonly last = new Map<string, CommittedWrite>();
  /** Per row, the columns that were given an edge value, and which. */
  private readonly edges = new Map<string, Map<string, string>>();

  add(write: CommittedWrite): void {
    const row = `${write.table}\u0000${write.key}`;
    this.writes.push(write);
    this.last.set(row, write);
    if (write.edge) this.edges.set(row, new Map([...(this.edges.get(row) ?? []), [write.edge.column, write.edge.label]]));
  }

  /** The last committed write of one row. */
  lastWrite(table: string, key: string): CommittedWrite | undefined {
    return this.last.get(`${table}\u0000${key}`);
  }

  /** The last committed write of each row of `table`. */
  lastWrites(table: string): CommittedWrite[] {
    return [...this.last.values()].filter((w) => w.table === table);
  }

  /**
   * Every foreign key seen on a table during the proof, with the primary key of the table it
   * references as the catalog had it: one a rollback dropped may have cascaded (ON DELETE CASCADE /
   * SET NULL) while it existed.
   */
  private readonly foreignKeysSeen = new Map<string, Map<string, SeenForeignKey>>();

  rememberForeignKeys(table: string, foreignKeys: ForeignKey[], parentKey: (fk: ForeignKey) => string[] | undefined): SeenForeignKey[] {
    const seen = this.foreignKeysSeen.get(table) ?? new Map<string, SeenForeignKey>();
    for (const fk of foreignKeys) seen.set(fk.name, { foreignKey: fk, parentKey: parentKey(fk) ?? seen.get(fk.name)?.parentKey });
    this.foreignKeysSeen.set(table, seen);
    return [...seen.values()];
  }

  /** Keys of the rows of `table` the workload ever wrote `value` into `column` (deleted ones included). */
  keysWithValue(table: string, column: string, value: string): string[] {
    return [...new Set(this.writes.filter((w) => w.table === table && w.row?.[column] === value).map((w) => w.key))];
  }

  /** Whether the workload's last write of that row deleted it. */
  deleted(table: string, key: string): boolean {
    return this.last.get(`${table}\u0000${key}`)?.kind === 'delete';
  }

  tables(): string[] {
    return [...new Set(this.writes.map((w) => w.table))];
  }

  /** Keys of the rows the workload wrote in `table` (their checksums are not the quiet proof's business). */
  writtenKeys(table: string): string[] {
    return this.lastWrites(table).map((w) => w.key);
  }

  /** Whether a row was given an edge value (it is no source for copies: the value would spread unnoticed). */
  hasEdgeValues(table: string, key: string): boolean {
    return this.edges.has(`${table}\u0000${key}`);
  }

  /** The edge value a row's column was given (`int4 max`…), if it was. */
  edgeLabel(write: CommittedWrite, column: string): string | undefined {
    return this.edges.get(`${write.table}\u0000${write.key}`)?.get(column);
  }
}
