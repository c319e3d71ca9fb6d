// bench/backfill: backfilling one column of a 1,000,000-row table on a real PostgreSQL 15
// (embedded), three ways: the seed's template (Prisma Client findMany + per-row update in a
// $transaction), our batched runner (keyset batches + checkpoint), and one plain UPDATE (the floor).
// A concurrent writer measures how long live traffic waits on row locks meanwhile.
//   node bench/backfill.mjs        ROWS=… SEED_SLICE=… SKIP_BUILD=1 to vary
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { buildPlugin, fmt, printTable, repoRoot, secs } from './lib.mjs';

const require = createRequire(import.meta.url);
const ROWS = Number(process.env.ROWS ?? 1_000_000);
const SEED_SLICE = Number(process.env.SEED_SLICE ?? 20_000);

if (!process.env.SKIP_BUILD) buildPlugin();
const pg = require('pg');
const { startEmbeddedPostgres } = require('@forge/migration/dist/engine/embedded-postgres.js');
const { runBatchUpdate, DEFAULT_BATCH_SIZE } = require('@forge/migration/dist/runtime/data-migrations/batch-update.js');
const { registerTsLoader } = require('@forge/migration/dist/runtime/data-migrations/ts-loader.js');

const server = await startEmbeddedPostgres();
const url = server.url;
try {
  const seed = await seedTemplate();
  const ours = [];
  for (const batchSize of [DEFAULT_BATCH_SIZE, 1000, 10_000]) ours.push(await batchedRunner(batchSize));
  const floor = await singleUpdate();

  console.log(`\nbench/backfill — SET locale = 'en' on ${fmt(ROWS)} rows, embedded PostgreSQL 15 (fsync off), 2 cores, one run each\n`);
  const writerCell = (w) => (w ? `${fmt(w.max)} ms / ${fmt(w.p99)} ms (${fmt(w.count)} writes)` : '—');
  printTable(
    ['method', 'rows timed', `time for ${fmt(ROWS)} rows`, 'rows/s', 'longest lock hold', 'writer: worst / p99 wait'],
    [
      [`(1) seed template: ${seed.label}`, fmt(seed.rows), `${secs((ROWS / seed.rate) * 1000)} (extrapolated)`, fmt(seed.rate), `${fmt(seed.longestTxMs)} ms (1,000-row tx)`, '—'],
      ...ours.map((r) => [
        `(2) batched runner, batch ${fmt(r.batchSize)}${r.batchSize === DEFAULT_BATCH_SIZE ? ' (default)' : ''}`,
        fmt(r.rows),
        secs(r.ms),
        fmt(r.rate),
        `${fmt(r.longestBatchMs)} ms (${fmt(r.batches)} batches)`,
        writerCell(r.writer),
      ]),
      ['(3) single UPDATE (the floor)', fmt(floor.rows), secs(floor.ms), fmt(floor.rate), `${fmt(floor.ms)} ms (whole table)`, writerCell(floor.writer)],
    ],
  );
  const def = ours[0];
  console.log('');
  printTable(
    ['target', 'required', 'measured', 'met'],
    [
      ['runner (default) ÷ seed template, rows/s', '≥ 50×', `${(def.rate / seed.rate).toFixed(0)}×`, def.rate / seed.rate >= 50 ? 'yes' : 'NO'],
      ['runner (default) ÷ single UPDATE, rows/s', '≥ 0.5×', `${(def.rate / floor.rate).toFixed(2)}×`, def.rate / floor.rate >= 0.5 ? 'yes' : 'NO'],
      ['longest batch holding row locks (default)', '≤ 200 ms', `${fmt(def.longestBatchMs)} ms`, def.longestBatchMs <= 200 ? 'yes' : 'NO'],
    ],
  );
} finally {
  await server.stop();
}

/** A fresh 1M-row table (vacuumed, analyzed, checkpointed) so every method starts from the same state. */
async function freshTable() {
  await withClient(async (db) => {
    await db.query(`DROP TABLE IF EXISTS "Account";
      CREATE TABLE "Account" (id serial PRIMARY KEY, email text NOT NULL, balance integer NOT NULL, locale text);
      INSERT INTO "Account" (email, balance) SELECT 'user' || g || '@example.com', g % 1000 FROM generate_series(1, ${ROWS}) g;`);
    await db.query('VACUUM ANALYZE "Account"');
    await db.query('CHECKPOINT');
  });
}

async function assertMigrated(expected) {
  const n = await withClient(async (db) => Number((await db.query(`SELECT count(*) AS n FROM "Account" WHERE locale = 'en'`)).rows[0].n));
  if (n !== expected) throw new Error(`expected ${expected} migrated rows, found ${n}`);
}

/** (1) The seed's template, timed on a slice of the table and extrapolated (it would take many minutes on all of it). */
async function seedTemplate() {
  await freshTable();
  const client = await seedClient();
  let rows = 0;
  let longestTxMs = 0;
  const started = performance.now();
  while (rows < SEED_SLICE) {
    const batch = await client.findMany(1000);
    if (!batch.length) break;
    const tx = performance.now();
    await client.updateEach(batch);
    longestTxMs = Math.max(longestTxMs, performance.now() - tx);
    rows += batch.length;
  }
  const ms = performance.now() - started;
  await client.close();
  await assertMigrated(rows);
  return { label: client.label, rows, rate: rows / (ms / 1000), longestTxMs };
}

/**
 * A real Prisma Client 7.10.0 (generated offline, loaded with our ts-loader, on @prisma/adapter-pg);
 * if it cannot be installed, the same round trips through pg, and the table says so.
 */
async function seedClient() {
  const prisma = await prismaClient().catch((error) => {
    console.warn(`Prisma Client unavailable (${error.message.split('\n')[0]}); emulating its round trips with pg.`);
    return undefined;
  });
  if (prisma) {
    return {
      label: `Prisma Client findMany({ take: 1000 }) + update per row in $transaction — ${fmt(SEED_SLICE)}-row slice`,
      findMany: (take) => prisma.account.findMany({ where: { locale: null }, take }),
      updateEach: (batch) => prisma.$transaction(batch.map((r) => prisma.account.update({ where: { id: r.id }, data: { locale: 'en' } }))),
      close: () => prisma.$disconnect(),
    };
  }
  const db = new pg.Client(pgConfig());
  await db.connect();
  return {
    label: `EMULATED with pg (same round trips as Prisma: SELECT … LIMIT 1000, then BEGIN, one UPDATE … RETURNING per row, COMMIT) — ${fmt(SEED_SLICE)}-row slice`,
    findMany: async (take) => (await db.query(`SELECT id, email, balance, locale FROM "Account" WHERE locale IS NULL LIMIT $1`, [take])).rows,
    updateEach: async (batch) => {
      await db.query('BEGIN');
      for (const r of batch) await db.query(`UPDATE "Account" SET locale = $1 WHERE id = $2 RETURNING id, email, balance, locale`, ['en', r.id]);
      await db.query('COMMIT');
    },
    close: () => db.end(),
  };
}

async function prismaClient() {
  const dir = join(repoRoot, 'tmp/bench-backfill');
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, 'node_modules/@prisma/client/package.json'))) {
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'bench-backfill', private: true }));
    // Scratch install: the workspace itself does not depend on @prisma/client.
    run('npm', ['install', '--no-save', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--legacy-peer-deps', '@prisma/client@7.10.0'], dir);
  }
  writeFileSync(
    join(dir, 'schema.prisma'),
    `generator client {\n  provider     = "prisma-client"\n  output       = "./generated"\n  moduleFormat = "cjs"\n}\n\n` +
      `datasource db {\n  provider = "postgresql"\n}\n\n` +
      `model Account {\n  id      Int     @id @default(autoincrement())\n  email   String\n  balance Int\n  locale  String?\n}\n`,
  );
  run(process.execPath, [join(repoRoot, 'node_modules/prisma/build/index.js'), 'generate', '--schema', 'schema.prisma'], dir, {
    PRISMA_SCHEMA_ENGINE_BINARY: '/bin/false',
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
  });
  registerTsLoader(); // the generated client is TypeScript
  const { PrismaClient } = require(join(dir, 'generated/client.ts'));
  const { PrismaPg } = require('@prisma/adapter-pg');
  return new PrismaClient({ adapter: new PrismaPg(pgConfig()) });
}

/** (2) Our runner, on a fresh table, with a concurrent writer. */
async function batchedRunner(batchSize) {
  await freshTable();
  const writer = startWriter();
  const started = performance.now();
  const result = await withClient((db) =>
    runBatchUpdate(db, { table: 'Account', set: `locale = 'en'`, where: 'locale IS NULL', batchSize }, { jobName: `bench:${batchSize}:${Date.now()}` }),
  );
  const ms = performance.now() - started;
  const writes = await writer.stop();
  await assertMigrated(ROWS);
  return { batchSize, rows: result.rows, ms, rate: result.rows / (ms / 1000), longestBatchMs: result.longestBatchMs, batches: result.batches, writer: writes };
}

/** (3) One UPDATE: the least work PostgreSQL can do, holding every row lock until it commits. */
async function singleUpdate() {
  await freshTable();
  const writer = startWriter();
  const started = performance.now();
  const rows = await withClient(async (db) => (await db.query(`UPDATE "Account" SET locale = 'en' WHERE locale IS NULL`)).rowCount);
  const ms = performance.now() - started;
  const writes = await writer.stop();
  await assertMigrated(ROWS);
  return { rows, ms, rate: rows / (ms / 1000), writer: writes };
}

/** Live traffic: single-row UPDATEs of random accounts, one every ~2 ms; reports how long they waited. */
function startWriter() {
  let stopping = false;
  const latencies = [];
  const done = withClient(async (db) => {
    while (!stopping) {
      const id = 1 + Math.floor(Math.random() * ROWS);
      const t = performance.now();
      await db.query('UPDATE "Account" SET balance = balance + 1 WHERE id = $1', [id]);
      latencies.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 2));
    }
  });
  return {
    async stop() {
      stopping = true;
      await done;
      const sorted = [...latencies].sort((a, b) => a - b);
      return { count: sorted.length, max: sorted.at(-1) ?? 0, p99: sorted[Math.floor(sorted.length * 0.99)] ?? 0 };
    },
  };
}

function pgConfig() {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password), database: 'postgres' };
}

async function withClient(fn) {
  const db = new pg.Client(pgConfig());
  await db.connect();
  try {
    return await fn(db);
  } finally {
    await db.end();
  }
}

function run(command, args, cwd, env = {}) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
}
