import type { ExecutorContext } from '@nx/devkit';
import { readProjectContext, runExecutor, urlsOf } from '../shared/project-context';
import { migrateDownCommand } from './command';
import type { MigrateDownExecutorSchema } from './schema';

/** `nx run prisma:migrate-down [--count N]`: roll back the last applied migration(s), data first. */
export default async function migrateDownExecutor(options: MigrateDownExecutorSchema, context: ExecutorContext) {
  return runExecutor(() => migrateDownCommand(readProjectContext(context), options), urlsOf(options));
}
