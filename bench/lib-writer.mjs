// Live traffic on one table of the sample schema while a migration runs: single-row INSERTs and
// UPDATEs in turns on their own connection, a short sleep between, each one timed. It runs in a
// worker thread, so the migration's own work in the main thread (loading and compiling data
// migrations, the engine) never shows up as a writer stall: what is measured is the database.
import { createRequire } from 'node:module';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

/**
 * What the writer does per table: INSERT a row the application could write before and after the
 * change (columns with defaults are left out), UPDATE a column no benchmarked change touches.
 */
const WRITES = {
  User: {
    insert: [`INSERT INTO "User" ("tenantId", email, "updatedAt") VALUES (1 + $1::int % 100, 'writer-' || $1 || '-' || $2 || '@example.com', now())`, 'n', 'run'],
    update: [`UPDATE "User" SET role = 'member' WHERE id = $1`, 'id'],
  },
  Product: {
    insert: [`INSERT INTO "Product" (sku, title, "priceCents") VALUES ('W' || $1 || '-' || $2, 'written live', 100)`, 'n', 'run'],
    update: [`UPDATE "Product" SET active = NOT active WHERE id = $1`, 'id'],
  },
  Order: {
    insert: [`INSERT INTO "Order" ("tenantId", "userId", "totalCents") VALUES (1 + $1::int % 100, $2, 100)`, 'n', 'id'],
    update: [`UPDATE "Order" SET "createdAt" = now() WHERE id = $1`, 'id'],
  },
  AuditLog: {
    insert: [`INSERT INTO "AuditLog" ("tenantId", action) VALUES (1 + $1::int % 100, 'written live')`, 'n'],
    update: [`UPDATE "AuditLog" SET action = 'updated live' WHERE id = $1`, 'id'],
  },
};

/**
 * Starts writing to `table` (ids 1..rows exist). `stop()` resolves to
 * { count, errors, firstError, max, p99, worst: { ms, kind, at }, samples: [{ ms, at }] } (at: Date.now() when it started).
 */
export function startWriter(url, table, { rows, sleepMs = 5, insertOnly = false }) {
  if (!WRITES[table]) throw new Error(`no writer for table ${table}`);
  const worker = new Worker(new URL(import.meta.url), {
    workerData: { url, table, rows, sleepMs, insertOnly },
  });
  const messages = { ready: undefined, stats: undefined };
  const waitFor = (type) =>
    new Promise((resolve, reject) => {
      messages[type] = resolve;
      worker.once('error', reject);
    });
  worker.on('message', (message) => messages[message.type]?.(message));
  const ready = waitFor('ready');
  const result = waitFor('stats');
  return {
    /** Resolves once the writer is connected and writing. */
    ready,
    async stop() {
      worker.postMessage('stop');
      const stats = await result;
      await worker.terminate();
      return stats;
    },
  };
}

async function writeUntilStopped({ url, table, rows, sleepMs, insertOnly }) {
  const pg = createRequire(import.meta.url)('pg');
  const db = new pg.Client({
    connectionString: url,
    application_name: 'bench writer',
  });
  await db.connect();
  parentPort.postMessage({ type: 'ready' });
  let stopping = false;
  parentPort.on('message', () => (stopping = true));
  const samples = [];
  const errors = [];
  const run = `${process.pid}-${Date.now()}`;
  const value = {
    id: () => 1 + Math.floor(Math.random() * rows),
    run: () => run,
  };
  for (let n = 1; !stopping; n++) {
    // insertOnly: rows that were there stay as they were (a rollback's data check compares them).
    const kind = insertOnly || n % 2 ? 'insert' : 'update';
    const [sql, ...args] = WRITES[table][kind];
    const params = args.map((a) => (a === 'n' ? n : value[a]()));
    const at = Date.now();
    const started = performance.now();
    try {
      await db.query(sql, params);
    } catch (error) {
      errors.push(`${kind}: ${error.message}`);
    }
    samples.push({ ms: performance.now() - started, kind, at });
    await new Promise((r) => setTimeout(r, sleepMs));
  }
  await db.end();
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  const worst = samples.reduce((w, s) => (s.ms > (w?.ms ?? -1) ? s : w), undefined);
  parentPort.postMessage({
    type: 'stats',
    count: samples.length,
    errors: errors.length,
    firstError: errors[0],
    max: sorted.at(-1) ?? 0,
    p99: sorted[Math.floor(sorted.length * 0.99)] ?? 0,
    worst,
    // Every statement's start and time, so a caller can cut the run into phases (up, rollback).
    samples: samples.map(({ ms, at }) => ({ ms, at })),
  });
}

/** Worst and p99 of the writer's statements that ran during [from, to) (Date.now() times). */
export function windowStats(samples, from, to) {
  const sorted = samples
    .filter((s) => s.at < to && s.at + s.ms > from)
    .map((s) => s.ms)
    .sort((a, b) => a - b);
  return { count: sorted.length, max: sorted.at(-1) ?? 0, p99: sorted[Math.floor(sorted.length * 0.99)] ?? 0 };
}

if (!isMainThread && workerData?.table) await writeUntilStopped(workerData);
