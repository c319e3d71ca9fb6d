import type { Tree } from '@nx/devkit';
import { diffSchemasBothWays } from '../engine/operations';
import { toEngineSchema } from '../prisma-schema/engine-view';
import { formatSchemaFiles } from '../prisma-schema/prisma-fmt';
import { BASELINE } from './migrations';
import { SAMPLE_MIGRATIONS, SAMPLE_SCHEMA } from './sample-tree';

/**
 * Adds models to a sample tree as if they had always been there: the schema gets `edit`, and
 * Prisma's SQL for it goes into the baseline migration (and its reverse into the baseline's
 * down.sql). The round-trip harness applies the baseline, then the seed, so a seed can fill the
 * new tables before the generated migrations are proven.
 */
export async function extendSampleBaseline(tree: Tree, edit: (schema: string) => string): Promise<void> {
  const before = tree.read(SAMPLE_SCHEMA, 'utf-8')!;
  const [after] = formatSchemaFiles([{ path: SAMPLE_SCHEMA, content: edit(before) }]);
  const { up, down } = await diffSchemasBothWays(toEngineSchema([{ path: SAMPLE_SCHEMA, content: before }]), toEngineSchema([after]));
  tree.write(SAMPLE_SCHEMA, after.content);
  const migration = `${SAMPLE_MIGRATIONS}/${BASELINE}/migration.sql`;
  const downFile = `${SAMPLE_MIGRATIONS}/${BASELINE}/down.sql`;
  tree.write(migration, `${tree.read(migration, 'utf-8')}\n${up}`);
  tree.write(downFile, `${down}\n${tree.read(downFile, 'utf-8') ?? ''}`);
}
