import { logger, type ExecutorContext } from '@nx/devkit';
import { ForgeInputError } from '../../errors';
import type { RuntimeLogger } from '../../runtime/logger';
import { commandOptions, failureMessage, readProject, type ProjectContext } from './project';

export { PG_VERSION_OPTION, urlsOf, withProjectTarget, type DatabaseOptions, type ProjectContext } from './project';

export const nxLogger: RuntimeLogger = { info: (m) => logger.info(m), warn: (m) => logger.warn(m) };

/** The Prisma project an executor runs for, read from disk. */
export function readProjectContext(context: ExecutorContext): ProjectContext {
  const projectName = context.projectName;
  const project = projectName ? context.projectsConfigurations?.projects[projectName] : undefined;
  if (!projectName || !project) throw new ForgeInputError('This executor must run for a project (nx run <project>:<target>).');
  return readProject({
    workspaceRoot: context.root,
    projectRoot: project.root,
    projectName,
    logger: nxLogger,
    command: (target, options) => `nx run ${projectName}:${target}${commandOptions(options)}`,
  });
}

/**
 * Runs an executor body: input errors print as one clear message, anything else with its message;
 * secrets (database passwords) are masked in both. Never throws: Nx gets { success }.
 */
export async function runExecutor(body: () => Promise<boolean>, secretsFrom: (string | undefined)[] = []): Promise<{ success: boolean }> {
  try {
    return { success: await body() };
  } catch (error) {
    logger.error(failureMessage(error, secretsFrom));
    return { success: false };
  }
}
