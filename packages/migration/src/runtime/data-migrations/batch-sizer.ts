/**
 * A batch holds its rows' locks until it commits, so an application write to one of those rows
 * waits up to a whole batch: the batch's duration is the worst stall it can cause. The sizer keeps
 * batches near a time budget whatever a row costs on this table (triggers, indexes, a slow SET):
 * it starts small, too slow → the next batch is smaller in proportion; well under budget → it
 * doubles, never past the configured size.
 */
export const DEFAULT_MAX_BATCH_MS = 100;
/** Below this, per-batch overhead (boundary query, checkpoint, commit) dominates. */
export const MIN_ADAPTIVE_BATCH_SIZE = 50;
/** The first batch: what a row costs is unknown until one batch ran, so it starts small and doubles. */
export const FIRST_ADAPTIVE_BATCH_SIZE = 500;

export class BatchSizer {
  private current: number;

  /** `maxBatchMs` 0 keeps every batch at `configured` rows. */
  constructor(
    private readonly configured: number,
    private readonly maxBatchMs: number,
  ) {
    this.current = maxBatchMs > 0 ? Math.min(configured, FIRST_ADAPTIVE_BATCH_SIZE) : configured;
  }

  get size(): number {
    return this.current;
  }

  /** Adjusts the next batch's size to how long a batch of the current size took. */
  record(ms: number): void {
    if (this.maxBatchMs <= 0) return;
    const floor = Math.min(MIN_ADAPTIVE_BATCH_SIZE, this.configured);
    if (ms > this.maxBatchMs) {
      this.current = Math.max(floor, Math.floor((this.current * this.maxBatchMs) / ms));
    } else if (ms < this.maxBatchMs / 2) {
      this.current = Math.min(this.configured, this.current * 2);
    }
  }
}
