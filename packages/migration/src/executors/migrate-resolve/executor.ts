import type { ExecutorContext } from '@nx/devkit';
import { readProjectContext, runExecutor } from '../shared/project-context';
import { migrateResolveCommand } from './command';
import type { MigrateResolveExecutorSchema } from './schema';

/** `nx run prisma:migrate-resolve --rolledBack <name> | --applied <name>`: the way out of a failed migration. */
export default async function migrateResolveExecutor(options: MigrateResolveExecutorSchema, context: ExecutorContext) {
  return runExecutor(() => migrateResolveCommand(readProjectContext(context), options), [options.databaseUrl]);
}
