import type { Tree } from '@nx/devkit';
import { diffSchemasBothWays } from '../engine/operations';
import { toEngineSchema } from '../prisma-schema/engine-view';
import { formatSchemaFiles } from '../prisma-schema/prisma-fmt';
import { BASELINE } from '../testing/migrations';
import { createSampleTree, SAMPLE_MIGRATIONS, SAMPLE_SCHEMA } from '../testing/sample-tree';
import { renderSchema } from './render-schema';
import type { SchemaState } from './schema-state';

/**
 * An Nx tree whose `prisma` project holds `schema` instead of the sample's models, with Prisma's
 * SQL for it (and its reverse) as the baseline migration the round-trip harness applies first.
 */
export async function scenarioTree(schema: SchemaState): Promise<Tree> {
  const tree = createSampleTree();
  const [file] = formatSchemaFiles([{ path: SAMPLE_SCHEMA, content: renderSchema(schema) }]);
  const empty = renderSchema({ models: [], enums: [], taken: [] });
  const { up, down } = await diffSchemasBothWays(toEngineSchema([{ path: SAMPLE_SCHEMA, content: empty }]), toEngineSchema([file]));
  tree.write(SAMPLE_SCHEMA, file.content);
  tree.write(`${SAMPLE_MIGRATIONS}/${BASELINE}/migration.sql`, up);
  tree.write(`${SAMPLE_MIGRATIONS}/${BASELINE}/down.sql`, down);
  return tree;
}
