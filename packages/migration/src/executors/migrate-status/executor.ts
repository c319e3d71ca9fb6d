import type { ExecutorContext } from '@nx/devkit';
import { readProjectContext, runExecutor, urlsOf } from '../shared/project-context';
import { migrateStatusCommand } from './command';
import type { MigrateStatusExecutorSchema } from './schema';

export { renderStatus } from './command';

/** `nx run prisma:migrate-status`: exits non-zero on a failed migration or drift, for pipelines. */
export default async function migrateStatusExecutor(options: MigrateStatusExecutorSchema, context: ExecutorContext) {
  return runExecutor(() => migrateStatusCommand(readProjectContext(context), options), urlsOf(options));
}
