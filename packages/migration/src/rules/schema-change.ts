import { posix } from 'node:path';
import type { Tree } from '@nx/devkit';
import { loadSqlParser } from '../analysis/parse';
import { diffSchemasBothWays } from '../engine/operations';
import type { PgMajor } from '../engine/postgres-releases';
import { loadSchemaEngineRuntime, type SchemaFile } from '../engine/schema-engine';
import { PrismaSchemaDocument } from '../prisma-schema/document';
import { toEngineSchema } from '../prisma-schema/engine-view';
import { readDatamodel, type Datamodel } from '../prisma-schema/prisma-fmt';
import { configuredPgVersion } from '../versions/configured-version';
import { treeView } from '../workspace/file-view';
import { readSchemaFiles } from '../workspace/prisma-project';
import { resolvePrismaProject, type PrismaProject } from './prisma-project';

export interface SchemaState {
  files: SchemaFile[];
  datamodel: Datamodel;
}

/** A proposed schema edit with Prisma's own ("naive") SQL for it, before any recipe rewrites it. */
export interface SchemaChange<Summary> {
  project: PrismaProject;
  before: SchemaState;
  after: SchemaState;
  /** What the edit did, as returned by the edit function (added columns, index name, …). */
  summary: Summary;
  /** Prisma's diff, schema before → after and back. */
  naive: { up: string; down: string };
  /**
   * Prisma's SQL creating the schema before the change in an empty database: which constraint is
   * a foreign key to which table, which table an index is on (the analysis's schema facts).
   */
  beforeSql: string;
  /** Schema files whose content changed. */
  changedFiles: SchemaFile[];
  /** When the change was planned: its migration folders' timestamps and its backup names derive from it. */
  now: Date;
  /** The PostgreSQL major the migrations are generated for (nx.json plugin option pgVersion, default 15). */
  pgVersion: PgMajor;
}

export interface EditContext {
  document: PrismaSchemaDocument;
  datamodel: Datamodel;
}

/**
 * Reads the project's schema from the tree, applies `edit` to its AST, formats and validates the
 * result with Prisma, and asks Prisma's engine for the SQL both ways. Writes nothing.
 */
export async function planSchemaChange<Summary>(
  tree: Tree,
  projectName: string | undefined,
  edit: (context: EditContext) => Summary,
): Promise<SchemaChange<Summary>> {
  const now = new Date();
  // Compile the engine's WebAssembly in the background while the schema is parsed and edited.
  const engineReady = loadSchemaEngineRuntime();
  engineReady.catch(() => undefined);
  const project = resolvePrismaProject(tree, projectName);
  const pgVersion = configuredPgVersion(tree, tree.isFile(project.schemaPath) ? project.schemaPath : posix.join(project.schemaPath, 'schema.prisma'));
  const files = readSchemaFiles(treeView(tree), project);
  const before: SchemaState = { files, datamodel: readDatamodel(toEngineSchema(files)) };
  const document = new PrismaSchemaDocument(files);
  await loadSqlParser(); // user SQL (casts, backfills, dbgenerated defaults) is checked while editing
  const summary = edit({ document, datamodel: before.datamodel });
  const afterFiles = document.toFiles();
  const after: SchemaState = { files: afterFiles, datamodel: readDatamodel(toEngineSchema(afterFiles)) };
  await engineReady;
  const { up, down, created } = await diffSchemasBothWays(toEngineSchema(before.files), toEngineSchema(after.files), { created: true });
  const changedFiles = afterFiles.filter((f, i) => f.content !== files[i].content);
  return { project, before, after, summary, naive: { up, down }, beforeSql: created ?? '', changedFiles, now, pgVersion };
}
