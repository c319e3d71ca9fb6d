import { join } from 'node:path';
import {
  addDependenciesToPackageJson,
  addProjectConfiguration,
  generateFiles,
  getProjects,
  logger,
  readNxJson,
  updateNxJson,
  type GeneratorCallback,
  type Tree,
} from '@nx/devkit';
import { inputError } from '../../errors';
import { assertPrismaName } from '../../prisma-schema/names';
import type { InitGeneratorSchema } from './schema';

export const PLUGIN_NAME = '@forge/migration';
const PRISMA_VERSION = '7.10.0';

/** `nx g @forge/migration:init`: registers the plugin and creates a Prisma project when there is none. */
export async function initGenerator(tree: Tree, options: InitGeneratorSchema): Promise<GeneratorCallback | undefined> {
  const name = options.name ?? 'prisma';
  if (!/^[a-z0-9][a-z0-9-_.]*$/i.test(name)) {
    throw inputError(`Invalid project --name ${JSON.stringify(name)}: use letters, digits, "-", "_" or ".".`);
  }
  const directory = (options.directory ?? `packages/${name}`).replace(/\/+$/, '');
  if (directory.startsWith('/') || directory.split('/').includes('..')) {
    throw inputError(`--directory must be a path inside the workspace (got ${JSON.stringify(directory)}).`);
  }
  registerPlugin(tree);
  ignoreLocalState(tree);
  const existing = getProjects(tree).get(name);
  if (existing) {
    if (existing.root !== directory && options.directory) {
      throw inputError(`Project ${name} already exists in ${existing.root}. Pick another --name, or omit --directory.`);
    }
    logger.info(`Project ${name} already exists (${existing.root}); the plugin is registered.`);
    return undefined;
  }
  if (tree.exists(directory) && tree.children(directory).length > 0) {
    throw inputError(`${directory} exists and is not empty. Choose another --directory.`);
  }
  assertPrismaName('project', name.replace(/[-.]/g, '_'));
  addProjectConfiguration(tree, name, { root: directory, projectType: 'library', sourceRoot: `${directory}/src`, targets: {}, tags: ['type:database'] });
  generateFiles(tree, join(__dirname, 'files'), directory, { name, tmpl: '' });
  logger.info(`Created Prisma project ${name} in ${directory}. Add models with nx g @forge/migration:add-table.`);
  if (options.skipPackageJson) return undefined;
  return addDependenciesToPackageJson(tree, {}, { prisma: PRISMA_VERSION });
}

/** `.forge/` holds the embedded database and validation records: local state, never committed. */
function ignoreLocalState(tree: Tree): void {
  const current = tree.exists('.gitignore') ? tree.read('.gitignore', 'utf-8')! : '';
  if (current.split('\n').some((line) => /^\/?\.forge\/?$/.test(line.trim()))) return;
  tree.write('.gitignore', `${current}${current && !current.endsWith('\n') ? '\n' : ''}# @forge/migration: embedded PostgreSQL and validation records\n.forge\n`);
}

function registerPlugin(tree: Tree): void {
  const nxJson = readNxJson(tree) ?? {};
  const plugins = nxJson.plugins ?? [];
  const registered = plugins.some((p) => (typeof p === 'string' ? p : p.plugin) === PLUGIN_NAME);
  if (registered) return;
  updateNxJson(tree, { ...nxJson, plugins: [...plugins, PLUGIN_NAME] });
}

export default initGenerator;
