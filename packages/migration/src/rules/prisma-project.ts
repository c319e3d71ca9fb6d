import { getProjects, type Tree } from '@nx/devkit';
import { inputError } from '../errors';
import { treeView } from '../workspace/file-view';
import { locatePrismaProject, type PrismaProjectLayout } from '../workspace/prisma-project';

export interface PrismaProject extends PrismaProjectLayout {
  name: string;
}

export const DEFAULT_PROJECT = 'prisma';

/** The Nx project that holds the Prisma schema (default: the project named `prisma`). */
export function resolvePrismaProject(tree: Tree, projectName = DEFAULT_PROJECT): PrismaProject {
  const projects = getProjects(tree);
  const project = projects.get(projectName);
  if (!project) {
    const withSchema = [...projects.entries()]
      .filter(([, p]) => tree.exists(`${p.root}/prisma/schema.prisma`) || tree.exists(`${p.root}/prisma/schema`))
      .map(([name]) => name);
    throw inputError(
      `No Nx project named ${JSON.stringify(projectName)}. ` +
        (withSchema.length
          ? `Projects with a Prisma schema: ${withSchema.join(', ')}; pass one with --project.`
          : 'Create one with `nx g @forge/migration:init`.'),
    );
  }
  return { name: projectName, ...locatePrismaProject(treeView(tree), project.root) };
}
