import { randomInt } from 'node:crypto';
import type fc from 'fast-check';

/** Cases per run when FORGE_PROPERTY_RUNS is not set: CI size (about a minute on 2 cores). */
const CI_RUNS = 6;
/**
 * Whether cases run under traffic when FORGE_PROPERTY_TRAFFIC is not set: on, as migrate-validate
 * proves by default (every committed write checked after each step). FORGE_PROPERTY_TRAFFIC=0
 * replays a case on a quiet database, to tell a workload finding from a recipe failure.
 */
export const TRAFFIC_BY_DEFAULT = true;

/** What one case (a few generators, then up/validate/down/up of every migration) may take at worst, shrinking included. */
const CASE_BUDGET_MS = 30_000;

export interface PropertySettings {
  runs: number;
  seed: number;
  /** fast-check's parameters: the seed, and the path of a counter-example to replay it directly. */
  parameters: fc.Parameters<unknown>;
  /** The Jest timeout of the whole property. */
  timeoutMs: number;
  /** How to replay this run. */
  replay: string;
  /** Whether every case is proven with the application writing (migrate-validate's default). */
  traffic: boolean;
}

/**
 * Runs from FORGE_PROPERTY_RUNS, seed from FORGE_PROPERTY_SEED (CI_SEED at CI size, random otherwise), counter-example
 * path from FORGE_PROPERTY_PATH; FORGE_PROPERTY_TRAFFIC=1 / 0 proves with the application writing / on a quiet database.
 */
/** The seed `npm test` replays (its six cases pass on the merged recipes). */
const CI_SEED = 1234;

export function propertySettings(env: NodeJS.ProcessEnv = process.env): PropertySettings {
  const runs = env.FORGE_PROPERTY_RUNS ? Number(env.FORGE_PROPERTY_RUNS) : CI_RUNS;
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`FORGE_PROPERTY_RUNS must be a positive integer, got ${env.FORGE_PROPERTY_RUNS}`);
  // `npm test` (CI size) replays one known seed, so a red CI is a regression and not a new draw;
  // the nightly run (FORGE_PROPERTY_RUNS set) explores with a random seed.
  const seed = env.FORGE_PROPERTY_SEED ? Number(env.FORGE_PROPERTY_SEED) | 0 : env.FORGE_PROPERTY_RUNS ? randomInt(2 ** 31) : CI_SEED;
  const path = env.FORGE_PROPERTY_PATH || undefined;
  const timeoutMs = 60_000 + runs * CASE_BUDGET_MS;
  const traffic = env.FORGE_PROPERTY_TRAFFIC ? env.FORGE_PROPERTY_TRAFFIC !== '0' : TRAFFIC_BY_DEFAULT;
  return {
    runs,
    seed,
    // Stop (and report what shrinking reached so far) before Jest's timeout would hide the counter-example.
    parameters: { numRuns: runs, seed, path, interruptAfterTimeLimit: timeoutMs - 30_000, markInterruptAsFailure: false },
    timeoutMs,
    replay: `FORGE_PROPERTY_SEED=${seed} FORGE_PROPERTY_RUNS=${runs}${path ? ` FORGE_PROPERTY_PATH=${path}` : ''}${traffic ? ' FORGE_PROPERTY_TRAFFIC=1' : ' FORGE_PROPERTY_TRAFFIC=0'}`,
    traffic,
  };
}
