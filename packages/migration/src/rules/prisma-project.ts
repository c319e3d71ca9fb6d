import { getProjects, type Tree } from '@nx/devkit';
import { inputError } from '../errors';
import { treeView } from '../workspace/file-view';
import { findPrismaProject, locatePrismaProject, type PrismaProjectLayout } from '../workspace/prisma-project';

export interface PrismaProject extends PrismaProjectLayout {
  name: string;
}

export const DEFAULT_PROJECT = 'prisma';

/**
 * The Nx project that holds the Prisma schema: the one named `projectName`; when that is the
 * default (`prisma`) and no project has that name, the workspace's only project with a schema.
 */
export function resolvePrismaProject(tree: Tree, projectName = DEFAULT_PROJECT): PrismaProject {
  const project = getProjects(tree).get(projectName);
  if (project) return { name: projectName, ...locatePrismaProject(treeView(tree), project.root) };
  const withSchema = prismaProjects(tree);
  if (projectName === DEFAULT_PROJECT && withSchema.length === 1) return withSchema[0];
  throw inputError(
    `No Nx project named ${JSON.stringify(projectName)}. ` +
      (withSchema.length
        ? `Projects with a Prisma schema: ${withSchema.map((p) => p.name).join(', ')}; pass one with --project.`
        : 'Create one with `nx g @forge/migration:init`.'),
  );
}

/** Every Nx project that has a Prisma schema (wherever prisma.config.ts or package.json puts it), by name. */
export function prismaProjects(tree: Tree): PrismaProject[] {
  const view = treeView(tree);
  return [...getProjects(tree).entries()]
    .flatMap(([name, project]) => {
      const layout = findPrismaProject(view, project.root);
      return layout ? [{ name, ...layout }] : [];
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}
