// bench/validate-traffic: what the workload adds to migrate-validate. For each change, its
// generated migrations are proven twice on copies of the sample database (--rows rows in its big
// tables; migrate-validate seeds empty tables with 100): once quiet (--traffic=false), once with
// the application writing (the default), and the two times are compared.
//
//   NX_DAEMON=false npx nx run migration:build && node bench/validate-traffic.mjs [--rows 200]
import { fmt, markdownTable, sampleDatabaseBenchRows, secs, writeResults } from './lib.mjs';

process.argv.push(...(process.argv.includes('--rows') ? [] : ['--rows', '200']));
const ROWS = sampleDatabaseBenchRows();

const { generateChange, loadDist } = await import('./lib-changes.mjs');
const { startSampleDatabases } = await import('./lib-sample-database.mjs');
const { validateMigrations } = loadDist('runtime/validate/validate.js');

const CASES = [
  { change: 'add-column User.nickname, optional', generator: 'add-column', options: { targetTable: 'User', name: 'nickname', type: 'String', optional: true } },
  { change: 'add-index AuditLog(tenantId, createdAt)', generator: 'add-index', options: { targetTable: 'AuditLog', fields: 'tenantId,createdAt' } },
  { change: 'add-column User.age, required, backfill 18', generator: 'add-column', options: { targetTable: 'User', name: 'age', type: 'Int', backfillValue: 18 } },
  { change: 'modify-column Order.totalCents Int → BigInt', generator: 'modify-column', options: { targetTable: 'Order', column: 'totalCents', type: 'BigInt' } },
  { change: 'remove-column User.name', generator: 'remove-column', options: { targetTable: 'User', column: 'name', confirmDataLoss: true } },
];

console.error(`filling the sample tables with ${fmt(ROWS)} rows each …`);
const databases = await startSampleDatabases(ROWS);
const results = [];
try {
  for (const c of CASES) {
    const change = await generateChange(c);
    try {
      const run = async (traffic) => {
        const url = await databases.copy();
        try {
          const started = performance.now();
          const report = await validateMigrations(change.target(url), change.generated, change.schemaFiles, { traffic });
          const writes = report.migrations.reduce((n, m) => n + (m.traffic?.writes ?? 0), 0);
          return { ms: performance.now() - started, verdict: report.migrations.every((m) => m.verdict === 'pass') ? 'pass' : 'FAIL', writes };
        } finally {
          await databases.drop(url);
        }
      };
      console.error(`${c.change} …`);
      results.push({ ...c, migrations: change.generated.length, quiet: await run(false), traffic: await run(true) });
    } finally {
      change.dispose();
    }
  }
} finally {
  await databases.stop();
}

const rows = results.map((r) => [
  r.change,
  r.migrations,
  `${secs(r.quiet.ms)} (${r.quiet.verdict})`,
  `${secs(r.traffic.ms)} (${r.traffic.verdict}, ${fmt(r.traffic.writes)} writes)`,
  `+${secs(r.traffic.ms - r.quiet.ms)} (+${secs((r.traffic.ms - r.quiet.ms) / r.migrations)} per migration)`,
]);
const title = `bench/validate-traffic — ${fmt(ROWS)} rows per big table, embedded PostgreSQL 15 (fsync off), 2 cores: one run each`;
const table = markdownTable(['change', 'migrations', 'validate, quiet', 'validate, under traffic', 'added'], rows);
console.log(`\n${title}\n\n${table}`);
writeResults(
  'validate-traffic',
  [
    `## migrate-validate under traffic: the added time\n\n${title}.`,
    'The same migrations proven quiet (`--traffic=false`) and with the workload on (the default): a session per touched table writing through up, down and up again, 200 ms of writes before each step, every committed write checked after it, each script traced in pg_locks. A verdict FAIL under traffic is the workload finding a defect the quiet proof misses.',
    table,
  ].join('\n\n'),
);
