import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tree } from '@nx/devkit';
import { flushChanges, FsTree } from 'nx/src/generators/tree';
import { createDataMigrationRunner } from '../runtime/data-migration-runner';
import { migrate } from '../runtime/migrate';
import type { ProjectTarget } from '../runtime/project-target';
import { newSharedTraffic, type TrafficOptions } from '../runtime/validate/traffic/traffic-session';
import { validateMigrations, type ValidateOptions, type ValidationReport } from '../runtime/validate/validate';
import { diskView } from '../workspace/file-view';
import { readMigrationsDirectory } from '../workspace/migrations-directory';
import { locatePrismaProject, readSchemaFiles } from '../workspace/prisma-project';
import { BASELINE, collectingLogger } from './migrations';
import { SAMPLE_ROOT, snapshotTree } from './sample-tree';

export interface RoundTripOptions {
  /** Fills the database, at the state before the generated migrations, with rows of your own. */
  seed?: (url: string) => Promise<void>;
  /** Rows the validator generates into touched tables that are still empty (default 100). */
  seedRows?: number;
  /**
   * Application writes during every step, as migrate-validate does by default. Unset: on in the
   * nightly run (FORGE_TEST_SIZE=nightly) or with FORGE_TRAFFIC=1, quiet in `npm test` (the
   * workload costs each round trip seconds; `npm test` proves traffic through the property test
   * and the traffic specs). `true` turns it on, `false` off, whatever the environment.
   */
  traffic?: ValidateOptions['traffic'];
}

export interface RoundTrip {
  report: ValidationReport;
  /** The database, left in the state after the generated migrations (validation re-applies them). */
  url: string;
  target: ProjectTarget;
  /** Everything the runtime and the validator printed. */
  log: string[];
  /** Keys of the rows of `table` the workload wrote (inserted, updated or deleted): the seed's other rows are as seeded. */
  workloadKeys: (table: string) => Set<string>;
  /** `rows` (by key) without the rows of `table` the workload wrote: validate checked those write by write. */
  untouched: <T>(table: string, rows: Map<string, T>) => Map<string, T>;
}

/**
 * Proves what generators wrote into a test tree, the way `migrate-validate` does: the tree's
 * Prisma project is written to a temporary directory (data migrations are loaded from there),
 * the baseline is applied to `url` and seeded, then every generated migration goes up, through
 * validate(), down (schema and rows compared with before), and up again.
 */
export async function proveGeneratedMigrations(tree: Tree, url: string, options: RoundTripOptions = {}): Promise<RoundTrip> {
  const dir = mkdtempSync(join(tmpdir(), 'forge-roundtrip-'));
  try {
    const disk = new FsTree(dir, false);
    for (const [path, content] of snapshotTree(tree)) if (path.startsWith(`${SAMPLE_ROOT}/`)) disk.write(path, content);
    flushChanges(dir, disk.listChanges());
    const view = diskView(dir);
    const layout = locatePrismaProject(view, SAMPLE_ROOT);
    const directory = readMigrationsDirectory(view, layout.migrationsDir);
    const logger = collectingLogger();
    const target: ProjectTarget = {
      url,
      directory,
      dataMigrations: createDataMigrationRunner(url, join(dir, layout.dataMigrationsDir), logger),
      logger,
      retryDelayMs: 50,
    };
    const baseline = await migrate(target, { to: BASELINE });
    if (baseline.error) throw baseline.error;
    await options.seed?.(url);
    const toProve = directory.migrations.map((m) => m.name).filter((name) => name !== BASELINE);
    const shared = newSharedTraffic();
    const on = options.traffic === true || (options.traffic === undefined && defaultTraffic());
    const traffic = on ? ROUND_TRIP_TRAFFIC : (options.traffic ?? false);
    const report = await validateMigrations(target, toProve, readSchemaFiles(view, layout), { seedRows: options.seedRows, traffic, sharedTraffic: shared });
    const workloadKeys = (table: string) => new Set(shared.log.writtenKeys(table));
    const untouched = <T>(table: string, rows: Map<string, T>) => {
      const written = workloadKeys(table);
      return new Map([...rows].filter(([key]) => !written.has(key)));
    };
    return { report, url, target, log: logger.lines, workloadKeys, untouched };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The workload of the round-trip specs: a shorter warm-up before each step than migrate-validate's
 * (the suite proves hundreds of steps), and a stall limit that a busy 2-core CI machine cannot trip
 * by itself: these specs prove that nothing is lost; stalls are proven by the traffic specs and
 * bench/writer-stall, on a known load.
 */
export const ROUND_TRIP_TRAFFIC: TrafficOptions = { warmupMs: 100, maxStallMs: 5_000 };

/**
 * Whether a round trip that does not choose runs under traffic: FORGE_TRAFFIC=1 / 0 decides; else on
 * in the nightly run and off in `npm test`, where it would take the suite past its 15 minutes.
 */
export function defaultTraffic(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.FORGE_TRAFFIC) return env.FORGE_TRAFFIC !== '0';
  return env.FORGE_TEST_SIZE === 'nightly';
}
