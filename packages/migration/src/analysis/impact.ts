/**
 * The seed's impact table: by table size, the expected lock duration and the approach a migration
 * needs. `rows` null means unknown (no database, no --rows): the conservative row applies.
 */
export interface ImpactRow {
  /** e.g. `< 10K`, `10K – 100K`. */
  rows: string;
  expectedLock: string;
  approach: 'direct migration' | 'migration window' | 'maintenance window' | 'online migration';
  /** Whether running it needs a window announced to users (the checklist asks for --window). */
  needsWindow: boolean;
}

export const IMPACT_TABLE: readonly ImpactRow[] = [
  { rows: '< 10K', expectedLock: '< 1 s', approach: 'direct migration', needsWindow: false },
  { rows: '10K – 100K', expectedLock: '1–10 s', approach: 'migration window', needsWindow: true },
  { rows: '100K – 1M', expectedLock: '10–60 s', approach: 'maintenance window', needsWindow: true },
  { rows: '> 1M', expectedLock: 'minutes', approach: 'online migration', needsWindow: true },
];

/** The row of the impact table for a table of `rows` rows (unknown → the largest, the safe assumption). */
export function impactOf(rows: number | null): ImpactRow {
  if (rows === null) return IMPACT_TABLE[3];
  if (rows < 10_000) return IMPACT_TABLE[0];
  if (rows < 100_000) return IMPACT_TABLE[1];
  if (rows < 1_000_000) return IMPACT_TABLE[2];
  return IMPACT_TABLE[3];
}
