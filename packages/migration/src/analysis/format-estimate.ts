import type { CostKind } from './cost-model';

/** `~120 ms`, `~3.4 s`, `~12 min`; estimates are rounded to what the cost model can promise. */
export function formatDuration(ms: number): string {
  if (ms < 1) return '< 1 ms';
  if (ms < 1000) return `~${ms < 10 ? ms.toFixed(1).replace(/\.0$/, '') : Math.round(ms)} ms`;
  if (ms < 60_000) return `~${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  if (ms < 3_600_000) return `~${Math.round(ms / 60_000)} min`;
  return `~${(ms / 3_600_000).toFixed(1)} h`;
}

/** An estimate, or what is known when the size is not: the cost per million rows. */
export function formatEstimate(ms: number | null, unknownPerMillionRowsMs = 0): string {
  if (ms !== null) return formatDuration(ms);
  return unknownPerMillionRowsMs > 0 ? `unknown (${formatDuration(unknownPerMillionRowsMs)} per 1M rows)` : 'unknown';
}

export function formatRows(rows: number | null): string {
  return rows === null ? 'unknown' : rows.toLocaleString('en-US');
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** What the work of a kind does to the table, in a few words. */
export const WORK_LABELS: Record<CostKind, string> = {
  catalog: 'catalog only',
  'index-build': 'scan + index build',
  'index-build-concurrently': '2 scans + index build',
  rewrite: 'rewrites the table',
  'check-validate': 'scan',
  'fk-validate': 'scan (+ key lookups)',
  'set-not-null': 'scan',
  scan: 'scan',
  update: 'updates every row',
  delete: 'deletes rows',
  copy: 'reads every row, writes a copy',
  backfill: 'batched updates',
  'batch-copy': 'batched copy',
};
