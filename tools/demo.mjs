// npm run demo: the seed's first examples, end to end, on the embedded PostgreSQL.
// Runs in a scratch copy of packages/prisma (tmp/demo); nothing to install, nothing left running.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const repoRoot = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const ws = join(repoRoot, 'tmp/demo');
const engine = require('@forge/migration/dist/engine/index.js');
const { readMigrationsDirectory } = require('@forge/migration/dist/workspace/migrations-directory.js');
const { diskView } = require('@forge/migration/dist/workspace/file-view.js');
const { locatePrismaProject, readSchemaFiles } = require('@forge/migration/dist/workspace/prisma-project.js');
const { toEngineSchema } = require('@forge/migration/dist/prisma-schema/engine-view.js');
const pg = require('pg');

const step = (text) => console.log(`\n\x1b[1m▶ ${text}\x1b[0m`);
const summary = [];

function nx(...args) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('NX_')));
  const result = spawnSync(process.execPath, [join(repoRoot, 'node_modules/nx/dist/bin/nx.js'), ...args], {
    cwd: ws,
    stdio: 'inherit',
    env: { ...env, NX_DAEMON: 'false', NX_ISOLATE_PLUGINS: 'false', NX_NO_CLOUD: 'true' },
  });
  if (result.status !== 0) throw new Error(`nx ${args.join(' ')} failed`);
}

async function sql(url, text, params) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query(text, params);
    return Array.isArray(result) ? result.at(-1).rows : result.rows;
  } finally {
    await client.end();
  }
}

const checksum = async (url, table) =>
  (await sql(url, `SELECT md5(string_agg(md5(t::text), '' ORDER BY id)) AS h, count(*)::int AS n FROM "${table}" t`))[0];

step('Scratch workspace tmp/demo with a copy of packages/prisma');
rmSync(ws, { recursive: true, force: true });
mkdirSync(join(ws, 'packages'), { recursive: true });
cpSync(join(repoRoot, 'packages/prisma'), join(ws, 'packages/prisma'), { recursive: true });
writeFileSync(join(ws, 'package.json'), JSON.stringify({ name: 'demo', private: true }));
writeFileSync(join(ws, 'nx.json'), JSON.stringify({ analytics: false, neverConnectToCloud: true, plugins: ['@forge/migration'] }));
const layout = locatePrismaProject(diskView(ws), 'packages/prisma');
const schemaBefore = readSchemaFiles(diskView(ws), layout);

step('Example 1 — nx g @forge/migration:add-column --targetTable User --name preferences --type Json --optional');
nx('g', '@forge/migration:add-column', '--targetTable', 'User', '--name', 'preferences', '--type', 'Json', '--optional');
step('Example 2 — nx g @forge/migration:add-index --targetTable AuditLog --fields tenantId,createdAt');
nx('g', '@forge/migration:add-index', '--targetTable', 'AuditLog', '--fields', 'tenantId,createdAt');
const schemaAfter = readSchemaFiles(diskView(ws), layout);

step('Embedded PostgreSQL 15 (binaries from npm, throwaway data directory)');
const db = await engine.startEmbeddedPostgres();
try {
  console.log(`  running at ${engine.maskDatabaseUrl(db.url)}`);
  const directory = readMigrationsDirectory(diskView(ws), layout.migrationsDir);
  const [baseline, ...added] = directory.migrations;
  await engine.applyMigrations(db, directory, [baseline]);
  await sql(
    db.url,
    `INSERT INTO "Tenant"(slug, name) SELECT 't' || g, 'Tenant ' || g FROM generate_series(1, 10) g;
     INSERT INTO "User"("tenantId", email, "updatedAt") SELECT 1 + g % 10, 'u' || g || '@example.com', now() FROM generate_series(1, 5000) g;
     INSERT INTO "AuditLog"("tenantId", action, "createdAt") SELECT 1 + g % 10, 'login', now() - g * interval '1 second' FROM generate_series(1, 200000) g;`,
  );
  const before = { User: await checksum(db.url, 'User'), AuditLog: await checksum(db.url, 'AuditLog') };
  console.log(`  baseline applied; seeded ${before.User.n} users and ${before.AuditLog.n} audit log rows`);

  step('Apply the two new migrations (Prisma engine, _prisma_migrations as the Prisma CLI writes it)');
  for (const migration of added) {
    const started = performance.now();
    await engine.applyMigrations(db, directory, directory.migrations.slice(0, directory.migrations.indexOf(migration) + 1));
    const ms = Math.round(performance.now() - started);
    console.log(`  ✓ ${migration.name} (${ms} ms)`);
    summary.push([migration.name, 'up', `${ms} ms`]);
  }
  const drift = await engine.diffDatabaseToSchema(db, toEngineSchema(schemaAfter));
  console.log(`  drift against the new schema.prisma: ${drift ? drift : 'none'}`);
  const [{ valid }] = await sql(db.url, `SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = '"idx_AuditLog_tenantId_createdAt"'::regclass`);
  console.log(`  index idx_AuditLog_tenantId_createdAt valid: ${valid}; User.preferences present, NULL for all ${before.User.n} rows`);

  step('Roll back (down.sql, newest first) and prove nothing was lost');
  for (const migration of [...added].reverse()) {
    const started = performance.now();
    await sql(db.url, migration.downSql);
    await sql(db.url, 'DELETE FROM _prisma_migrations WHERE migration_name = $1', [migration.name]);
    const ms = Math.round(performance.now() - started);
    console.log(`  ✓ ${migration.name} rolled back (${ms} ms)`);
    summary.push([migration.name, 'down', `${ms} ms`]);
  }
  const back = await engine.diffDatabaseToSchema(db, toEngineSchema(schemaBefore));
  const after = { User: await checksum(db.url, 'User'), AuditLog: await checksum(db.url, 'AuditLog') };
  const intact = after.User.h === before.User.h && after.AuditLog.h === before.AuditLog.h;
  console.log(`  database vs the original schema.prisma: ${back ? `DIFFERS\n${back}` : 'identical (engine diff is empty)'}`);
  console.log(`  rows: ${intact ? 'every row byte-identical (md5 per table)' : 'CHANGED'}`);
  if (back || !intact) process.exitCode = 1;
} finally {
  await db.stop();
}

step('Summary');
for (const [name, direction, time] of summary) console.log(`  ${direction.padEnd(5)} ${time.padStart(8)}  ${name}`);
console.log(`\nThe generated files are in ${join('tmp/demo', layout.migrationsDir)}.`);
