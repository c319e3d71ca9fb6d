/** One row of the seed's impact table: by table size, the expected lock duration and the approach. */
export interface ImpactRow {
  /** e.g. `< 10K`, `10K – 100K`. */
  rows: string;
  expectedLock: string;
  approach: Approach;
  /** Whether a migration that blocks for that long needs a window announced to users. */
  needsWindow: boolean;
}

export type Approach = 'direct migration' | 'migration window' | 'maintenance window' | 'online migration';

export const IMPACT_TABLE: readonly ImpactRow[] = [
  { rows: '< 10K', expectedLock: '< 1 s', approach: 'direct migration', needsWindow: false },
  { rows: '10K – 100K', expectedLock: '1–10 s', approach: 'migration window', needsWindow: true },
  { rows: '100K – 1M', expectedLock: '10–60 s', approach: 'maintenance window', needsWindow: true },
  { rows: '> 1M', expectedLock: 'minutes', approach: 'online migration', needsWindow: true },
];

/** The row of the impact table for a table of `rows` rows; null when the size is unknown. */
export function impactRow(rows: number | null): ImpactRow | null {
  if (rows === null) return null;
  if (rows < 10_000) return IMPACT_TABLE[0];
  if (rows < 100_000) return IMPACT_TABLE[1];
  if (rows < 1_000_000) return IMPACT_TABLE[2];
  return IMPACT_TABLE[3];
}

/** What running a migration asks for. */
export interface Impact {
  /** The seed's row for the largest table it touches; null when that size is unknown. */
  row: ImpactRow | null;
  /** It holds a lock that blocks writes while it works through rows (a scan, rewrite, index build, copy). */
  blocking: boolean;
  approach: Approach;
  /** How long the application waits on it. */
  expectedLock: string;
  /** A window must be announced (migrate-checklist asks for --window). */
  needsWindow: boolean;
}

/**
 * The impact of a migration by the size of its largest table AND by what its recipe does. An
 * online recipe — its write-blocking locks cover catalog changes only, the rows are worked through
 * under locks that let writes go on (batched, CONCURRENTLY, NOT VALID + VALIDATE) — needs no
 * window at any size, known or not. A migration that blocks writes while it works through rows
 * needs the window of its size's row; at more than 1M rows, or at an unknown size, a maintenance
 * window (the seed's advice for > 1M is an online migration: this one is not).
 */
export function impactOf(rows: number | null, blocking: boolean): Impact {
  const row = impactRow(rows);
  if (!blocking) {
    const small = row === IMPACT_TABLE[0];
    return { row, blocking, approach: small ? 'direct migration' : 'online migration', expectedLock: 'brief: catalog changes only', needsWindow: false };
  }
  if (row && row.approach !== 'online migration') return { row, blocking, approach: row.approach, expectedLock: row.expectedLock, needsWindow: row.needsWindow };
  return { row, blocking, approach: 'maintenance window', expectedLock: row ? row.expectedLock : 'unknown: depends on the table size', needsWindow: true };
}
