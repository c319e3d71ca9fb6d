import type { TableSize } from './cost-model';
import { isBookkeeping, normalize } from './table-names';

/** A table a migration touched, with its rows then. */
export interface TouchedTableSize {
  table: string;
  rows: number | null;
  /** From the database, when it was read. */
  tableBytes?: number;
  indexBytes?: number;
  /** Created by this change (a new table, a backup): it holds no pre-existing rows. */
  created: boolean;
  /** The table it was before this change renamed or moved it. */
  sameAs?: string;
}

/** Sizes of tables as the change goes: the database's (or --rows') figures, then what each statement does to them. */
export type TrackedSize = TableSize & { created: boolean; origin?: string };

export class TableState {
  private readonly tables = new Map<string, TrackedSize>();
  private readonly gone = new Set<string>();
  private touched = new Map<string, TouchedTableSize>();

  constructor(
    /** Sizes before the change (database or --rows); a table missing here is unknown. */
    private readonly existing: Map<string, TableSize>,
  ) {}

  size(table: string): TrackedSize {
    const name = normalize(table);
    const tracked = this.tables.get(name);
    if (tracked) return tracked;
    if (this.gone.has(name)) return { rows: 0, created: true };
    const known = this.existing.get(name);
    // Not in the database and not created by the change: unknown (the database may be behind the migrations).
    return known ? { ...known, created: false } : { rows: null, created: false };
  }

  touch(table: string): TrackedSize {
    const name = normalize(table);
    const size = this.size(name);
    if (!isBookkeeping(name)) {
      const previous = this.touched.get(name);
      this.touched.set(name, {
        table: name,
        rows: size.rows === null || previous?.rows === null ? null : Math.max(previous?.rows ?? 0, size.rows),
        ...(size.tableBytes !== undefined ? { tableBytes: size.tableBytes, indexBytes: size.indexBytes } : {}),
        created: size.created && (previous?.created ?? true),
        ...(size.origin ? { sameAs: size.origin } : {}),
      });
    }
    return size;
  }

  create(table: string, size: TableSize): void {
    const name = normalize(table);
    this.gone.delete(name);
    this.tables.set(name, { ...size, created: true });
  }

  move(from: string, to: string): void {
    const size = this.size(from);
    this.drop(from);
    this.gone.delete(normalize(to));
    this.tables.set(normalize(to), { ...size, origin: size.origin ?? normalize(from) });
  }

  fill(table: string, rows: number | null): void {
    const current = this.size(table);
    if (current.created) this.tables.set(normalize(table), { rows: rows === null || current.rows === null ? null : Math.max(rows, current.rows), created: true });
  }

  drop(table: string): void {
    const name = normalize(table);
    this.tables.delete(name);
    this.gone.add(name);
  }

  takeTouched(): TouchedTableSize[] {
    const out = [...this.touched.values()];
    this.touched = new Map();
    return out;
  }
}
