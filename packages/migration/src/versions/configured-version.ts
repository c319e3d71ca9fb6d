import { readNxJson, type Tree } from '@nx/devkit';
import { Minimatch } from 'minimatch';
import { DEFAULT_PG_MAJOR, type PgMajor } from '../engine/postgres-releases';
import { PLUGIN_NAME } from '../generators/init/generator';
import { parsePgVersion } from './pg-version';

interface PluginEntry {
  plugin: string;
  options?: unknown;
  include?: string[];
  exclude?: string[];
}

/**
 * The PostgreSQL major a project's migrations are generated for: the `pgVersion` option of the
 * @forge/migration plugin in nx.json, the same setting its inferred targets start the embedded
 * server with (default 15). With several registrations of the plugin (include/exclude), the last
 * one that applies to the project's schema file and sets pgVersion wins, as Nx merges targets.
 */
export function configuredPgVersion(tree: Tree, schemaFile: string): PgMajor {
  const entries = (readNxJson(tree)?.plugins ?? [])
    .map((entry): PluginEntry => (typeof entry === 'string' ? { plugin: entry } : entry))
    .filter((entry) => entry.plugin === PLUGIN_NAME && appliesTo(entry, schemaFile));
  let major: PgMajor = DEFAULT_PG_MAJOR;
  for (const entry of entries) {
    const value = (entry.options as { pgVersion?: unknown } | undefined)?.pgVersion;
    major = parsePgVersion(value, `pgVersion of the ${PLUGIN_NAME} plugin in nx.json`) ?? major;
  }
  return major;
}

/** Nx's include/exclude globs of a plugin registration, matched against a workspace-relative path. */
function appliesTo(entry: PluginEntry, file: string): boolean {
  return matches(entry.include, file, true) && !matches(entry.exclude, file, false);
}

/** Patterns apply in order; a `!pattern` takes back what earlier ones matched. */
function matches(patterns: string[] | undefined, file: string, whenEmpty: boolean): boolean {
  if (!patterns?.length) return whenEmpty;
  let matched = patterns[0].startsWith('!');
  for (const pattern of patterns) {
    const negated = pattern.startsWith('!');
    if (new Minimatch(negated ? pattern.slice(1) : pattern, { dot: true }).match(file)) matched = !negated;
  }
  return matched;
}
