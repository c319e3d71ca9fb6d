import { join, posix } from 'node:path';
import {
  addDependenciesToPackageJson,
  addProjectConfiguration,
  generateFiles,
  getProjects,
  logger,
  readJson,
  updateJson,
  writeJson,
  type GeneratorCallback,
  type NxJsonConfiguration,
  type Tree,
} from '@nx/devkit';
import { inputError } from '../../errors';
import { prismaProjects, type PrismaProject } from '../../rules/prisma-project';
import type { InitGeneratorSchema } from './schema';

export const PLUGIN_NAME = '@forge/migration';
const PRISMA_VERSION = '7.10.0';
const DEFAULT_NAME = 'prisma';
/** npm's package names: lowercase, an optional scope, no spaces (Nx's `ts` preset names projects `@ws/db`). */
const PROJECT_NAME = /^(@[a-z0-9][a-z0-9-_.~]*\/)?[a-z0-9][a-z0-9-_.~]*$/i;

/** What init does besides registering the plugin: take over existing Prisma projects, or create one. */
type InitPlan = { adopt: PrismaProject[] } | { create: { name: string; directory: string } };

/**
 * `nx g @forge/migration:init`: registers the plugin, ignores `.forge/`, and either adopts the
 * workspace's Prisma projects as they are (no file of theirs changes) or creates a new one.
 * Everything is decided before the first write, so a refusal leaves the workspace untouched.
 */
export async function initGenerator(tree: Tree, options: InitGeneratorSchema): Promise<GeneratorCallback | undefined> {
  const plan = planInit(tree, options);
  registerPlugin(tree);
  ignoreLocalState(tree);
  if ('adopt' in plan) {
    for (const project of plan.adopt) logger.info(adoptedMessage(tree, project));
    return undefined;
  }
  const { name, directory } = plan.create;
  addProjectConfiguration(tree, name, { root: directory, projectType: 'library', sourceRoot: `${directory}/src`, targets: {}, tags: ['type:database'] });
  generateFiles(tree, join(__dirname, 'files'), directory, { name, tmpl: '' });
  logger.info(`Created Prisma project ${name} in ${directory}. Add models with nx g @forge/migration:add-table.`);
  if (options.skipPackageJson) return undefined;
  return addDependenciesToPackageJson(tree, {}, { prisma: PRISMA_VERSION });
}

function planInit(tree: Tree, options: InitGeneratorSchema): InitPlan {
  const name = options.name?.trim();
  if (name !== undefined && !PROJECT_NAME.test(name)) {
    throw inputError(`Invalid project --name ${JSON.stringify(options.name)}: use letters, digits, "-", "_" or ".", optionally scoped (@scope/name).`);
  }
  const directory = options.directory === undefined ? undefined : workspacePath(options.directory);
  const projects = [...getProjects(tree).entries()].map(([projectName, p]) => ({ name: projectName, root: p.root }));
  const withSchema = prismaProjects(tree);
  const existing = projects.find((p) => p.name === name) ?? projects.find((p) => p.root === directory);
  if (existing) {
    if (directory !== undefined && existing.root !== directory) {
      throw inputError(`Project ${existing.name} already exists in ${existing.root}. Pick another --name, or omit --directory.`);
    }
    const prisma = withSchema.find((p) => p.name === existing.name);
    if (!prisma) {
      throw inputError(
        `Project ${existing.name} (${existing.root || '.'}) has no Prisma schema (prisma/schema.prisma, prisma/schema/, or the ` +
          "path in prisma.config.ts or package.json's prisma.schema). init adopts projects that have one and does not add " +
          'files to an existing project. Fix: add the schema and run init again, or pick another --name for a new project.',
      );
    }
    return { adopt: [prisma] };
  }
  if (name === undefined && directory === undefined && withSchema.length) return { adopt: withSchema };
  const newName = name ?? DEFAULT_NAME;
  const newDirectory = directory ?? `packages/${newName.replace(/^@[^/]+\//, '')}`;
  if (tree.exists(newDirectory) && tree.children(newDirectory).length > 0) {
    const there = withSchema.find((p) => p.root === newDirectory);
    throw inputError(
      `${newDirectory} exists and is not empty. ` +
        (there ? `It is the Prisma project ${there.name}: run init without --name/--directory to adopt it (its files stay as they are).` : 'Choose another --directory.'),
    );
  }
  return { create: { name: newName, directory: newDirectory } };
}

/** A path inside the workspace, without trailing slashes. */
function workspacePath(path: string): string {
  const normalized = posix.normalize(path.trim().replace(/\\/g, '/')).replace(/\/+$/, '');
  if (!normalized || normalized.startsWith('/') || normalized === '..' || normalized.startsWith('../')) {
    throw inputError(`--directory must be a path inside the workspace (got ${JSON.stringify(path)}).`);
  }
  return normalized === '.' ? '' : normalized;
}

function adoptedMessage(tree: Tree, project: PrismaProject): string {
  const migrations = tree.exists(project.migrationsDir) ? tree.children(project.migrationsDir).filter((f) => !tree.isFile(posix.join(project.migrationsDir, f))) : [];
  const next = migrations.length
    ? `${migrations.length} existing migration(s) in ${project.migrationsDir}.`
    : `No migrations yet: nx g @forge/migration:baseline --project ${project.name} writes the one that creates the current schema.`;
  return `Adopted Prisma project ${project.name} (${project.root || '.'}), schema ${project.schemaPath}; its files are unchanged. ${next} Targets: nx show project ${project.name}`;
}

/** `.forge/` holds the embedded database and validation records: local state, never committed. */
function ignoreLocalState(tree: Tree): void {
  const current = tree.exists('.gitignore') ? tree.read('.gitignore', 'utf-8')! : '';
  if (current.split('\n').some((line) => /^\/?\.forge\/?$/.test(line.trim()))) return;
  tree.write('.gitignore', `${current}${current && !current.endsWith('\n') ? '\n' : ''}# @forge/migration: embedded PostgreSQL and validation records\n.forge\n`);
}

/** Adds the plugin to nx.json's `plugins`, touching nothing else of the file (not even an `extends`'s values). */
function registerPlugin(tree: Tree): void {
  if (!tree.exists('nx.json')) {
    writeJson(tree, 'nx.json', { plugins: [PLUGIN_NAME] });
    return;
  }
  const plugins = readJson<NxJsonConfiguration>(tree, 'nx.json').plugins ?? [];
  if (plugins.some((p) => (typeof p === 'string' ? p : p.plugin) === PLUGIN_NAME)) return;
  updateJson<NxJsonConfiguration>(tree, 'nx.json', (nxJson) => ({ ...nxJson, plugins: [...plugins, PLUGIN_NAME] }));
}

export default initGenerator;
