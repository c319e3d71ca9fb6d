// npm run demo: the seed's three examples through the plugin's real interface (nx g, nx run) on a
// scratch copy of the sample project (tmp/demo) and its embedded PostgreSQL, seeded with a few
// thousand rows. For each: the safety report, migrate, the data checked, the proof (migrate-validate,
// run alongside migrate on a throwaway database), rollback with the data checked again, and the
// final state. Exits non-zero when any step or data check fails.
import { createRequire } from 'node:module';
import { seed, SEED, STATUS_SHARES, withWorkspaceDatabase } from './demo/database.mjs';
import { EXAMPLES } from './demo/examples.mjs';
import { createdMigrations, detail, executorLines, formatSeconds, generatorLines, reportedMs, reportExcerpt, section, step } from './demo/output.mjs';
import { createDemoWorkspace, DemoFailure, ignoreUserDatabaseSettings, nx, startNx, stopNxDaemon } from './demo/workspace.mjs';

const require = createRequire(import.meta.url);
const { formatMs, textTable } = require('@forge/migration/dist/runtime/text-table.js');

const started = performance.now();
const quote = (arg) => (/^[\w@:.,/=-]+$/.test(arg) ? arg : `'${arg}'`);

const MIGRATE = ['run', 'prisma:migrate'];
const VALIDATE = ['run', 'prisma:migrate-validate'];
/** migrate-validate has read what is pending on the workspace database (and let go of it): migrate may start. */
const VALIDATE_READY = /^(Proving \d+ migration|No migration pending)/m;

/** Prints a finished nx command, its time and the executor's own lines; returns those lines. */
function printTarget(args, run, why) {
  step(`nx ${args.map(quote).join(' ')}${why ? ` — ${why}` : ''}`, run.ms);
  const lines = executorLines(run.output);
  detail(lines);
  return lines;
}

const runTarget = async (root, args, why) => printTarget(args, await nx(root, args), why);

/** Prints the outcome of a data check (the check itself throws when it does not hold). */
async function checkData(root, label, fn) {
  const text = await withWorkspaceDatabase(root, fn);
  console.log(`    ✓ ${label}: ${text}`);
}

async function runExample(root, number, example) {
  section(`Example ${number}: ${example.title}`);
  const generated = await nx(root, example.generate);
  step(`nx ${example.generate.map(quote).join(' ')}`, generated.ms);
  const { safety, files } = generatorLines(generated.output);
  detail([...safety, ...files]);
  const migrations = createdMigrations(files);
  if (!migrations.length) throw new DemoFailure('The generator wrote no migration.', generated.output);

  step('report.md beside each migration (excerpt)');
  detail(migrations.flatMap((dir) => reportExcerpt(root, dir)));

  const before = await withWorkspaceDatabase(root, example.snapshot);
  // The proof runs on a throwaway database of its own: once it knows what is pending here, migrate
  // and the rollback go ahead beside it (the machine's second core). Its result is shown between
  // them, the order in which a reviewer reads them.
  const validation = startNx(root, VALIDATE, VALIDATE_READY);
  await validation.ready;
  const applied = await runTarget(root, MIGRATE, 'on the seeded workspace database');
  await checkData(root, 'data checked', (client) => example.applied(client, before));
  const down = ['run', 'prisma:migrate-down', '--count', String(migrations.length)];
  const downRun = await nx(root, down);
  printTarget(VALIDATE, await validation.done, 'the CI gate, on a throwaway database (ran alongside migrate and the rollback)');
  const rolledBack = printTarget(down, downRun);
  await checkData(root, 'rollback', (client) => example.original(client, before));

  await runTarget(root, MIGRATE, 'to the final state');
  await checkData(root, 'final state', (client) => example.applied(client, before));

  return [
    example.title.replace(/`/g, ''),
    `${files.filter((line) => line.startsWith('CREATE')).length}`,
    formatMs(reportedMs(applied, '✓')),
    `pass (${migrations.length})`,
    formatMs(reportedMs(rolledBack, '↩')),
    'restored exactly',
  ];
}

async function main() {
  section('Setup');
  for (const name of ignoreUserDatabaseSettings()) console.log(`  ${name} is set but not used: the demo runs on its own embedded PostgreSQL.`);
  const root = createDemoWorkspace();
  step('Scratch workspace tmp/demo: a copy of packages/prisma, @forge/migration registered in nx.json');
  const rows = [];
  try {
    await runTarget(root, MIGRATE, 'the baseline, on the embedded PostgreSQL (nothing to install)');
    await withWorkspaceDatabase(root, seed);
    step(
      `Seeded ${SEED.tenants} tenants, ${SEED.users.toLocaleString('en-US')} users, ${SEED.auditLogs.toLocaleString('en-US')} audit log rows and ` +
        `${SEED.orders.toLocaleString('en-US')} orders (status: ${Object.keys(STATUS_SHARES).join(', ')})`,
    );
    for (const [index, example] of EXAMPLES.entries()) rows.push(await runExample(root, index + 1, example));
    section('Final state');
    // One status for the three examples (a status per example would only add 2 × 3 s to the demo).
    const status = (await runTarget(root, ['run', 'prisma:migrate-status'])).join('\n');
    if (!/ 0 pending, 0 failed/.test(status) || !/No drift/.test(status)) throw new DemoFailure('migrate-status does not show every migration applied without drift.', status);
  } finally {
    stopNxDaemon(root);
  }

  section('Summary');
  console.log(`\n${textTable(['example', 'files generated', 'migrate', 'validate', 'rollback', 'data after rollback'], rows)}`);
  console.log(`\nmigrate / rollback: the executors' own times (SQL and data migrations); validate: migrations proven.`);
  console.log(`Generated files: tmp/demo/packages/prisma. Demo finished in ${formatSeconds(performance.now() - started)}.`);
}

main().catch((error) => {
  console.error(`\n✗ ${error.message}`);
  if (error.output) console.error(error.output.trim().split('\n').slice(-60).join('\n'));
  else if (!(error instanceof DemoFailure)) console.error(error.stack);
  process.exitCode = 1;
});
