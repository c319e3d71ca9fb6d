import { withClient } from '../../pg-client';
import type { SeedHint } from '../../seed';
import { acceptFilledNulls, checkCommittedWrites, type Moment } from './invariants';
import { latencyStats, samplesDuring, samplesWithin, type LatencySample } from './latency';
import { startWriter, type RunningWriter, type WriterSink } from './writer';
import { planWorkload } from './workload-plan';
import { WriteLog } from './write-log';

export interface TrafficOptions {
  /** A step may stall the workload this much beyond its own latency just before the step (default 1000). */
  maxStallMs?: number;
  /** Pause between two statements of one writer (default 5 ms). */
  sleepMs?: number;
  /** How long the workload runs before each step, to measure its own latency (default 200 ms). */
  warmupMs?: number;
}

/** The workload's latency during one step of the proof. */
export interface StepTraffic {
  step: string;
  ms: number;
  /** Statements that ran during the step (committed or refused). */
  statements: number;
  worstMs: number;
  p99Ms: number;
  /** The workload's worst latency just before the step. */
  baselineMs: number;
  /** worstMs − baselineMs: what the step added. */
  stallMs: number;
}

/** What the sessions of one validation run share. */
export interface SharedTraffic {
  log: WriteLog;
  /** The next workload row number (INSERT values must not repeat across sessions). */
  counter: { next: number };
}

export function newSharedTraffic(): SharedTraffic {
  return { log: new WriteLog(), counter: { next: 0 } };
}

/** Sub-steps of a step, back to back from its start (migrate's SQL migration, then its data migration). */
export type SubSteps = { name: string; ms: number }[];

/**
 * Application traffic around the steps of a proof: before each step the workload is planned from
 * the schema as it is (what the application of that moment writes), runs a moment undisturbed,
 * then keeps writing while the step runs, and stops after it so the committed writes can be
 * checked against a database that no longer moves.
 */
export class TrafficSession {
  readonly steps: StepTraffic[] = [];
  readonly errors = new Map<string, number>();
  /** false once a migration stopped on a value at a type's edge, as it must: the proof goes on without them. */
  edgeValues = true;
  private readonly samples: LatencySample[] = [];
  private current = '';

  /**
   * `shared`: the log and row numbering of the whole validation run. Rows written while an earlier
   * migration was proven are data the next one meets, and must survive it too.
   */
  constructor(
    private readonly url: string,
    private readonly tables: string[],
    private readonly hints: SeedHint[],
    readonly options: TrafficOptions = {},
    private readonly shared: SharedTraffic = newSharedTraffic(),
  ) {}

  get log(): WriteLog {
    return this.shared.log;
  }

  get maxStallMs(): number {
    return this.options.maxStallMs ?? 1000;
  }

  /** Runs `fn` as step `step` under traffic; `split` names its sub-steps from its result. */
  async run<T>(step: string, fn: () => Promise<T>, split?: (value: T) => SubSteps): Promise<T> {
    const plans = await withClient(this.url, (db) => planWorkload(db, this.tables, this.hints));
    for (const plan of plans) plan.keys = plan.keys.filter((key) => !this.log.hasEdgeValues(plan.table, key));
    const sink: WriterSink = { log: this.log, samples: this.samples, errors: this.errors, step: () => this.current };
    this.current = `before ${step}`;
    const writers: RunningWriter[] = [];
    let windows: { name: string; from: number; to: number; baseline: number }[] = [];
    try {
      for (const plan of plans) writers.push(await startWriter(this.url, plan, sink, this.shared.counter, { sleepMs: this.options.sleepMs, edgeValues: this.edgeValues }));
      const warmup = Date.now();
      await new Promise((resolve) => setTimeout(resolve, this.options.warmupMs ?? 200));
      this.current = step;
      const start = Date.now();
      const value = await fn();
      const end = Date.now();
      const parts = split?.(value).filter((p) => p.ms > 0) ?? [];
      let from = start;
      windows = parts.length > 1 ? parts.map((p) => ({ name: `${step}: ${p.name}`, from, to: (from += p.ms), baseline: warmup })) : [{ name: step, from: start, to: end, baseline: warmup }];
      windows[windows.length - 1].to = end;
      return value;
    } finally {
      this.current = `after ${step}`;
      // A write still waiting for the step's lock finishes now: its time counts for the step.
      await Promise.all(writers.map((w) => w.stop()));
      const start = windows[0]?.from;
      for (const w of windows) this.steps.push(this.measure(w.name, w.from, w.to, latencyStats(samplesWithin(this.samples, w.baseline, start)).worstMs));
    }
  }

  /** Problems with the committed writes, the database being at rest (no writer runs between steps). */
  check(moment: Moment): Promise<string[]> {
    return withClient(this.url, (db) => checkCommittedWrites(db, this.log, moment));
  }

  /** The migration is proven and stays applied: what it filled is what later proofs expect. */
  settle(): Promise<void> {
    return withClient(this.url, (db) => acceptFilledNulls(db, this.log));
  }

  /** Steps that stalled the workload more than maxStallMs beyond its own latency. */
  stalls(): string[] {
    return this.steps
      .filter((s) => s.stallMs > this.maxStallMs)
      .map((s) => `${s.step} stalled the application's writes for ${Math.round(s.worstMs)} ms (${Math.round(s.baselineMs)} ms just before it), over --maxStallMs=${this.maxStallMs}`);
  }

  private measure(step: string, from: number, to: number, baselineMs: number): StepTraffic {
    const stats = latencyStats(samplesDuring(this.samples, from, to));
    return { step, ms: to - from, statements: stats.count, worstMs: stats.worstMs, p99Ms: stats.p99Ms, baselineMs, stallMs: Math.max(0, stats.worstMs - baselineMs) };
  }
}
