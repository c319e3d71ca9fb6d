import { logger, type Tree } from '@nx/devkit';
import { classify, type Classification, type ClassifyInput } from '../../dev/classify';
import { askRenames, assertDecisionsUsed, backfillValues, conversions, renameDecisions, renameRefusal } from '../../dev/decisions';
import { readBeforeSchema, recordBeforeSchema } from '../../dev/before-schema';
import { writeUnrecognised } from '../../dev/unrecognised';
import { statsDatabase } from '../../analysis/stats-source';
import { inputError } from '../../errors';
import { toEngineSchema } from '../../prisma-schema/engine-view';
import { readDatamodel } from '../../prisma-schema/prisma-fmt';
import { snakeCaseMigrationName } from '../../prisma-schema/names';
import { resolvePrismaProject } from '../../rules/prisma-project';
import { treeView } from '../../workspace/file-view';
import { readSchemaFiles } from '../../workspace/prisma-project';
import { askInTerminal, promptsEnabled } from '../migration/ask';
import type { Ask } from '../migration/change-questions';
import { CHANGE_TYPES, loadChangeGenerator } from '../migration/change-types';
import { toList } from '../shared/options';
import type { DevGeneratorSchema } from './schema';

/**
 * `nx g @forge/migration:dev --name add_invoices` — the `prisma migrate dev` habit: compares
 * schema.prisma as edited with the schema the migrations describe, turns each difference into the
 * change one of the ten generators makes, and runs those generators, in an order that applies, on
 * the schema as it was. Their migrations are what `nx g` would have written; schema.prisma keeps
 * the user's text. What no recipe covers gets Prisma's SQL in a migration of its own, flagged.
 */
export async function devGenerator(tree: Tree, options: DevGeneratorSchema, ask: Ask | undefined = promptsEnabled() ? askInTerminal : undefined): Promise<void> {
  const name = snakeCaseMigrationName(options.name ?? '');
  if (!name) throw inputError(`Missing or invalid --name ${JSON.stringify(options.name ?? '')}: the migration's name, e.g. --name add_invoices.`);
  // A password on the command line is refused before any question is asked.
  statsDatabase(options);
  const project = resolvePrismaProject(tree, options.project);
  const edited = readSchemaFiles(treeView(tree), project);
  const before = await readBeforeSchema(tree, project, edited);

  const decisions = renameDecisions(toList(options.rename), toList(options.dropAndAdd));
  const input: ClassifyInput = {
    before: readDatamodel(toEngineSchema(before.files)),
    after: readDatamodel(toEngineSchema(edited)),
    renames: decisions,
    backfills: backfillValues(toList(options.backfill)),
    // Not split on commas: a value map and an SQL cast contain them.
    conversions: conversions(asArray(options.map), asArray(options.cast)),
    confirmDataLoss: !!options.confirmDataLoss,
  };
  // Every pair that may be a rename, before any decision: what --rename and --dropAndAdd may name.
  assertDecisionsUsed(decisions, classify({ ...input, renames: new Map() }).undecided);
  let classification = classify(input);
  if (classification.undecided.length) {
    if (!ask) throw renameRefusal(classification.undecided);
    input.renames = await askRenames(classification, decisions, ask);
    classification = classify(input);
  }
  await settleBackfills(classification, input, ask);
  await settleDataLoss(classification, input, ask);

  printPlan(classification, before.source);
  // The generators edit the schema the migrations describe, one change after the other.
  restoreSchema(tree, edited, before.files);
  const count = classification.changes.length;
  for (const [i, change] of classification.changes.entries()) {
    const generate = loadChangeGenerator(change.type);
    logger.info(`\n[${i + 1}/${count}] ${change.label} — ${CHANGE_TYPES[change.type]}`);
    await generate(tree, {
      ...change.options,
      project: project.name,
      migrationName: count > 1 ? `${name}_${i + 1}` : name,
      ...(options.lockTimeout ? { lockTimeout: options.lockTimeout } : {}),
      ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
      ...(options.databaseUrlEnv ? { databaseUrlEnv: options.databaseUrlEnv } : {}),
      ...(options.rows !== undefined ? { rows: options.rows } : {}),
    });
  }
  // Whatever the recipes did not reach: Prisma's SQL, in a migration of its own, named in its report.
  const unrecognised = await writeUnrecognised(tree, {
    project: project.name,
    edited,
    name: count ? `${name}_prisma_sql` : name,
    unsupported: classification.unsupported,
    options,
  });
  if (!count && !unrecognised) logger.info('schema.prisma matches the migrations: nothing to generate.');
  // schema.prisma as the user wrote it (the generators' formatting may differ; the schema does not).
  for (const file of edited) tree.write(file.path, file.content);
  recordBeforeSchema(tree, project, edited);
}

function asArray(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** A required field without a default on a table with rows needs the value its existing rows get. */
async function settleBackfills(classification: Classification, input: ClassifyInput, ask: Ask | undefined): Promise<void> {
  const missing = classification.changes.flatMap((c) => (c.needsBackfill ? [c.needsBackfill] : []));
  if (!missing.length) return;
  if (!ask) {
    throw inputError(
      `Nothing was generated: ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} required without a default, and the existing rows need a value.\n` +
        missing.map((f) => `  --backfill ${f}=<value>   (or ${f}=sql:<expression over the row>)`).join('\n') +
        '\nOr give the field a @default, or make it optional.',
    );
  }
  for (const field of missing) {
    const answer = String(await ask({ kind: 'text', key: field, message: `${field} is required without a default: which value do the existing rows get? (sql:<expression> for SQL)` }));
    input.backfills.set(field, answer);
  }
  Object.assign(classification, classify(input));
}

/** Removals and narrowing changes need --confirmDataLoss (or a yes in the terminal), each loss named. */
async function settleDataLoss(classification: Classification, input: ClassifyInput, ask: Ask | undefined): Promise<void> {
  const losses = classification.changes.flatMap((c) => (c.loss ? [c.loss] : []));
  if (!losses.length || input.confirmDataLoss) return;
  const list = losses.map((l) => `  - ${l}`).join('\n');
  const confirmed = ask
    ? await ask({ kind: 'confirm', key: 'confirmDataLoss', message: `The edit removes (kept in _forge_backup so that a rollback restores them):\n${list}\nGenerate it?`, initial: false })
    : false;
  if (confirmed !== true) {
    throw inputError(`Nothing was generated: the edit removes data, and was not confirmed:\n${list}\nPass --confirmDataLoss to generate it (the values are kept in _forge_backup; down.sql restores them).`);
  }
  input.confirmDataLoss = true;
  Object.assign(classification, classify(input));
}

function printPlan(classification: Classification, source: string): void {
  const lines = classification.changes.map((c, i) => `  ${i + 1}. ${c.label}  [${CHANGE_TYPES[c.type]}]`);
  for (const u of classification.unsupported) lines.push(`  • ${u}  [no recipe: Prisma's SQL in a migration of its own, flagged]`);
  logger.info(`Compared schema.prisma with the schema its migrations describe (${source === 'git' ? 'committed schema, checked against the migrations' : 'recorded by the last dev run'}).`);
  logger.info(lines.length ? `Plan:\n${lines.join('\n')}` : 'Plan: no change recognised.');
}

/** The tree's schema files as they were before the edit (files added by the edit removed). */
function restoreSchema(tree: Tree, edited: { path: string }[], before: { path: string; content: string }[]): void {
  for (const file of edited) if (!before.some((b) => b.path === file.path)) tree.delete(file.path);
  for (const file of before) tree.write(file.path, file.content);
}

export default devGenerator;
