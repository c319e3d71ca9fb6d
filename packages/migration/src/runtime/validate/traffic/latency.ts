/** One timed workload statement. */
export interface LatencySample {
  /** Date.now() when it was sent. */
  at: number;
  ms: number;
}

export interface LatencyStats {
  count: number;
  worstMs: number;
  p99Ms: number;
}

export function latencyStats(samples: readonly LatencySample[]): LatencyStats {
  if (!samples.length) return { count: 0, worstMs: 0, p99Ms: 0 };
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  return { count: sorted.length, worstMs: sorted[sorted.length - 1], p99Ms: sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] };
}

/** The samples that ran during [from, to): a write sent just before a step that waits for the step's lock counts for the step. */
export function samplesDuring(samples: readonly LatencySample[], from: number, to: number): LatencySample[] {
  return samples.filter((s) => s.at < to && s.at + s.ms > from);
}

/** The samples that ran entirely within [from, to): the workload's own latency before a step. */
export function samplesWithin(samples: readonly LatencySample[], from: number, to: number): LatencySample[] {
  return samples.filter((s) => s.at >= from && s.at + s.ms <= to);
}
