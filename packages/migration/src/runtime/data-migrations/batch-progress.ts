import type { RuntimeLogger } from '../logger';

/**
 * Progress of a batch job for a person watching a deploy: rows done out of the planner's estimate,
 * rate and ETA — at most one line per interval, so a million-row job prints a few dozen lines.
 */
export class BatchProgress {
  private readonly started = performance.now();
  private lastLine = this.started;

  constructor(
    private readonly logger: RuntimeLogger,
    private readonly label: string,
    /** Rows this run expects to update (planner estimate). */
    private readonly estimate: number,
    private readonly intervalMs = 1000,
  ) {}

  /** Called after each batch with the rows this run has updated so far. */
  update(rows: number): void {
    const now = performance.now();
    if (now - this.lastLine < this.intervalMs) return;
    this.lastLine = now;
    const seconds = (now - this.started) / 1000;
    const rate = rows / Math.max(seconds, 1e-3);
    const total = Math.max(this.estimate, rows);
    const eta = rate > 0 ? (total - rows) / rate : Infinity;
    this.logger.info(
      `${this.label}: ${count(rows)} of ~${count(total)} rows (${Math.floor((100 * rows) / Math.max(total, 1))}%), ` +
        `${count(rate)} rows/s, ETA ${duration(eta)}`,
    );
  }

  finish(rows: number, batches: number, longestBatchMs: number): number {
    const seconds = (performance.now() - this.started) / 1000;
    this.logger.info(
      `${this.label}: done, ${count(rows)} rows in ${count(batches)} batches, ${seconds.toFixed(1)} s ` +
        `(${count(rows / Math.max(seconds, 1e-3))} rows/s), longest batch ${Math.round(longestBatchMs)} ms`,
    );
    return seconds;
  }
}

function count(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes} min ${Math.round(seconds % 60)} s` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
