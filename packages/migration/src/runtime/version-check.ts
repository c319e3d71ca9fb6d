import type { MigrationFolder } from '../engine/migrations';
import { featuresBetween } from '../versions/features';
import { targetVersionOf } from '../versions/migration-target';
import type { RuntimeLogger } from './logger';
import { withClient } from './pg-client';

/** The major version of the server at `url`, e.g. 16. */
export async function serverMajorVersion(url: string): Promise<number> {
  const { rows } = await withClient(url, (client) => client.query<{ n: number }>(`SELECT current_setting('server_version_num')::int AS n`));
  return Math.floor(rows[0].n / 10_000);
}

/**
 * What to tell the user when migrations about to run were generated for another PostgreSQL major
 * than the server's, in a way that changes a recipe (VERSION_FEATURES). A difference that changes
 * no recipe says nothing; migrations without a recorded version (hand-written) are not judged.
 */
export function versionWarnings(
  migrations: Pick<MigrationFolder, 'name' | 'sql'>[],
  serverMajor: number,
  advice: VersionAdvice = deployAdvice,
): string[] {
  const byTarget = new Map<number, Pick<MigrationFolder, 'name' | 'sql'>[]>();
  for (const migration of migrations) {
    const target = targetVersionOf(migration.sql);
    if (target !== undefined && target !== serverMajor) byTarget.set(target, [...(byTarget.get(target) ?? []), migration]);
  }
  const warnings: string[] = [];
  for (const [target, group] of [...byTarget].sort(([a], [b]) => a - b)) {
    const features = featuresBetween(target, serverMajor);
    if (!features.length) continue;
    const names = group.map((m) => m.name).join(', ');
    const setting = advice(target, serverMajor);
    if (target > serverMajor) {
      const failing = features.flatMap((f) => group.filter((m) => f.usedBy.test(m.sql)).map((m) => `${m.name} uses ${f.name}, new in PostgreSQL ${f.since}: it fails on this server`));
      warnings.push(
        [
          `${names} ${group.length > 1 ? 'were' : 'was'} generated for PostgreSQL ${target}, but the server runs PostgreSQL ${serverMajor}, which lacks: ${features.map((f) => f.name).join('; ')}.`,
          ...failing.map((line) => `  ✗ ${line}; regenerate it for PostgreSQL ${serverMajor} or upgrade the server.`),
          setting,
        ].join('\n'),
      );
    } else {
      warnings.push(
        `${names} ${group.length > 1 ? 'were' : 'was'} generated for PostgreSQL ${target}; the server runs PostgreSQL ${serverMajor}, whose recipes differ: ` +
          `${features.map((f) => `${f.name} (${f.recipes})`).join('; ')}. They run correctly here. ${setting}`,
      );
    }
  }
  return warnings;
}

/** What to do about a mismatch, given the major the migrations were generated for and the server's. */
export type VersionAdvice = (target: number, serverMajor: number) => string;

/** Deploying: the server is production's, so the setting is what should change. */
const deployAdvice: VersionAdvice = (_target, serverMajor) =>
  `Set pgVersion to ${serverMajor} in the @forge/migration plugin options in nx.json so that new migrations are generated for this server.`;

/** Proving (migrate-validate): the proof should run on the major production runs, the one the migrations were generated for. */
export const proofAdvice: VersionAdvice = (target, serverMajor) =>
  `This proof runs on PostgreSQL ${serverMajor}, so it does not prove them as they will run: prove on ${target} with --pgVersion ${target} ` +
  `(or the pgVersion option of the @forge/migration plugin in nx.json, which migrate-validate's embedded server follows).`;

/** Warns about `migrations` (those about to run) that were generated for a major that changes a recipe. */
export async function warnOnVersionMismatch(url: string, migrations: MigrationFolder[], logger: RuntimeLogger, advice?: VersionAdvice): Promise<string[]> {
  if (!migrations.some((m) => targetVersionOf(m.sql) !== undefined)) return [];
  const warnings = versionWarnings(migrations, await serverMajorVersion(url), advice);
  for (const warning of warnings) logger.warn(warning);
  return warnings;
}
