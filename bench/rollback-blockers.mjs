// bench/rollback-blockers: which statement of a change's rollback makes live writes wait, measured
// (not guessed). A copy of the filled sample database gets the change (`migrate`), then
// `migrateDown` runs while the bench writer writes to the table and a sampler on its own
// connection asks pg_stat_activity every 2 ms for the writer's blockers (pg_blocking_pids): the
// blocking session's running statement and how long the writer has waited on it.
//
//   node bench/rollback-blockers.mjs --rows 300000 --change enum|sku|bigint
//   SKIP_BUILD=1 skips the build.
import { parseArgs } from "node:util";
import { buildPlugin, fmt } from "./lib.mjs";

const { values } = parseArgs({
  options: {
    rows: { type: "string", default: "300000" },
    change: { type: "string", default: "enum" },
  },
});
if (!process.env.SKIP_BUILD && !process.env.BENCH_DIST) buildPlugin();
const ROWS = Number(values.rows);

const CHANGES = {
  enum: {
    table: "Order",
    generator: "modify-column",
    options: {
      targetTable: "Order",
      column: "status",
      type: "OrderStatus",
      map: {
        pending: "PENDING",
        paid: "PAID",
        shipped: "SHIPPED",
        cancelled: "CANCELLED",
      },
    },
  },
  sku: {
    table: "Product",
    generator: "modify-column",
    options: { targetTable: "Product", column: "sku", dbType: "VarChar(64)" },
  },
  bigint: {
    table: "Order",
    generator: "modify-column",
    options: { targetTable: "Order", column: "totalCents", type: "BigInt" },
  },
};
const c = CHANGES[values.change];
if (!c)
  throw new Error(`--change must be one of ${Object.keys(CHANGES).join(", ")}`);

const { generateChange, loadDist } = await import("./lib-changes.mjs");
const { startSampleDatabases, withClient } =
  await import("./lib-sample-database.mjs");
const { startWriter } = await import("./lib-writer.mjs");
const { migrate } = loadDist("runtime/migrate.js");
const { migrateDown } = loadDist("runtime/migrate-down.js");

const BLOCKERS = `
  SELECT extract(epoch FROM clock_timestamp() - w.query_start) * 1000 AS waited_ms, b.query AS blocker,
         coalesce(b.wait_event_type, b.state) AS state,
         (SELECT string_agg(coalesce(nullif(bb.backend_type, 'client backend'), bb.application_name) || ': ' || left(bb.query, 120), '; ')
            FROM unnest(pg_blocking_pids(b.pid)) AS bbp(pid) JOIN pg_stat_activity bb ON bb.pid = bbp.pid) AS blocked_by
    FROM pg_stat_activity w
    CROSS JOIN LATERAL unnest(pg_blocking_pids(w.pid)) AS bp(pid)
    JOIN pg_stat_activity b ON b.pid = bp.pid
   WHERE w.application_name = 'bench writer' AND w.wait_event_type = 'Lock'`;

console.error(`filling the sample tables with ${fmt(ROWS)} rows each …`);
const databases = await startSampleDatabases(ROWS);
const change = await generateChange(c);
try {
  const url = await databases.copy();
  const target = change.target(url);
  const up = await migrate(target);
  if (up.error) throw up.error;
  const writer = startWriter(url, c.table, { rows: ROWS, sleepMs: 5 });
  await writer.ready;
  const waits = new Map();
  let stopping = false;
  const sampler = withClient(url, async (db) => {
    while (!stopping) {
      for (const row of (await db.query(BLOCKERS)).rows) {
        const key = `${row.state}: ${row.blocker.replace(/\s+/g, " ").slice(0, 240)}${row.blocked_by ? `\n      itself waiting on ${row.blocked_by.replace(/\s+/g, " ")}` : ""}`;
        waits.set(key, Math.max(waits.get(key) ?? 0, Number(row.waited_ms)));
      }
      await new Promise((r) => setTimeout(r, 2));
    }
  });
  const started = Date.now();
  const down = await migrateDown(target, change.generated.length);
  const ms = Date.now() - started;
  stopping = true;
  await sampler;
  const writes = await writer.stop();
  if (down.error) console.log(`rollback FAILED: ${down.error.message}`);
  console.log(
    `rollback ${fmt(ms)} ms; writer worst ${fmt(writes.max)} ms, p99 ${fmt(writes.p99)} ms`,
  );
  console.log("statements the writer waited on (longest wait seen):");
  for (const [statement, waited] of [...waits].sort((a, b) => b[1] - a[1]))
    console.log(`  ${fmt(waited)} ms  ${statement}`);
  await databases.drop(url);
} finally {
  change.dispose();
  await databases.stop();
}
