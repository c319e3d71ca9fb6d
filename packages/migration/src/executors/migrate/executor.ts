import type { ExecutorContext } from '@nx/devkit';
import { readProjectContext, runExecutor, urlsOf } from '../shared/project-context';
import { migrateCommand } from './command';
import type { MigrateExecutorSchema } from './schema';

/** `nx run prisma:migrate`: apply pending SQL migrations and their data migrations, in order. */
export default async function migrateExecutor(options: MigrateExecutorSchema, context: ExecutorContext) {
  return runExecutor(() => migrateCommand(readProjectContext(context), options), urlsOf(options));
}
