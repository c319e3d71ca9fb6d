// One schema change, generated for real: our generators run on an Nx test tree holding the sample
// project, the result is written to a scratch folder on disk (data migrations are TypeScript files
// the runtime loads from there), and Prisma's own SQL for the same change comes from the engine's
// diff. `target(url)` gives the runtime target that `migrate` / `migrateDown` apply to a database.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { repoRoot } from './lib.mjs';

const require = createRequire(import.meta.url);
/** The built plugin; BENCH_DIST points at another build (e.g. a copy, while the package is being rebuilt). */
export const distDir = process.env.BENCH_DIST ? resolve(process.env.BENCH_DIST) : join(repoRoot, 'packages/migration/dist');
export const loadDist = (path) => require(join(distDir, path));

const { createTreeWithEmptyWorkspace } = require('@nx/devkit/testing');
const { addProjectConfiguration } = require('@nx/devkit');
const { diffSchemasBothWays } = loadDist('engine/operations.js');
const { toEngineSchema } = loadDist('prisma-schema/engine-view.js');
const { diskView, treeView } = loadDist('workspace/file-view.js');
const { readMigrationsDirectory } = loadDist('workspace/migrations-directory.js');
const { locatePrismaProject, readSchemaFiles } = loadDist('workspace/prisma-project.js');
const { createDataMigrationRunner } = loadDist('runtime/data-migration-runner.js');

export const BASELINE = '20250101000000_baseline';
const sampleDir = join(repoRoot, 'packages/prisma');
const sampleRoot = 'packages/prisma';

/**
 * The sample project after `change` ({ generator, options }), on disk: its generated migration
 * folders, Prisma's naive SQL ({ up, down }) and a runtime target per database. Without a change:
 * the sample project as it is (its baseline only). `dispose()` removes the scratch folder.
 */
export async function generateChange(change) {
  const { tree, naive } = change ? await generateInTree(change) : { tree: sampleTree(), naive: { up: '', down: '' } };
  const dir = mkdtempSync(join(tmpdir(), 'forge-bench-'));
  writeProject(tree, dir);
  const view = diskView(dir);
  const layout = locatePrismaProject(view, sampleRoot);
  const directory = readMigrationsDirectory(view, layout.migrationsDir);
  const lines = [];
  const logger = { info: (m) => lines.push(m), warn: (m) => lines.push(m) };
  return {
    naive,
    /** The generated migration folders, in order. */
    generated: directory.migrations.map((m) => m.name).filter((name) => name !== BASELINE),
    /** schema.prisma after the change (what migrate-validate compares the end state with). */
    schemaFiles: readSchemaFiles(view, layout),
    /** What the runtime printed, for error reports. */
    log: lines,
    target: (url) => ({
      url,
      directory,
      dataMigrations: createDataMigrationRunner(url, join(dir, layout.dataMigrationsDir), logger),
      logger,
    }),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** `change`'s generator run on an Nx test tree of the sample project: the tree, and Prisma's naive SQL for the same change ({ up, down }). */
export async function generateInTree(change) {
  const tree = sampleTree();
  const before = schemaOf(tree);
  await quietly(() => loadDist(`generators/${change.generator}/generator.js`).default(tree, structuredClone(change.options)));
  return { tree, naive: await diffSchemasBothWays(toEngineSchema(before), toEngineSchema(schemaOf(tree))) };
}

function sampleTree() {
  const tree = createTreeWithEmptyWorkspace();
  for (const file of listFiles(sampleDir)) {
    const rel = relative(sampleDir, file);
    if (rel !== 'project.json') tree.write(`${sampleRoot}/${rel}`, readFileSync(file));
  }
  addProjectConfiguration(tree, 'prisma', {
    root: sampleRoot,
    projectType: 'library',
    targets: {},
  });
  return tree;
}

function listFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? (name === 'node_modules' ? [] : listFiles(path)) : [path];
  });
}

/** The tree's sample project, written under `dir` at the same relative path. */
function writeProject(tree, dir) {
  const walk = (path) => {
    for (const child of tree.children(path)) {
      const full = `${path}/${child}`;
      if (!tree.isFile(full)) walk(full);
      else {
        mkdirSync(dirname(join(dir, full)), { recursive: true });
        writeFileSync(join(dir, full), tree.read(full));
      }
    }
  };
  walk(sampleRoot);
}

const schemaOf = (tree) => readSchemaFiles(treeView(tree), locatePrismaProject(treeView(tree), sampleRoot));

/** The generators print BEFORE/AFTER and the SQL; a benchmark prints tables. */
async function quietly(fn) {
  const info = console.info;
  console.info = () => undefined;
  try {
    return await fn();
  } finally {
    console.info = info;
  }
}
