import { modifyColumnGenerator } from "../generators/modify-column/generator";
import { migrate } from "../runtime/migrate";
import { migrateDown } from "../runtime/migrate-down";
import { connect } from "../runtime/pg-client";
import { query, useEmbeddedPostgres } from "../testing/database";
import { writeDiskWorkspace } from "../testing/disk-workspace";
import { BASELINE } from "../testing/migrations";
import { createSampleTree, ORDER_STATUS_MAP } from "../testing/sample-tree";

/**
 * Measured on 1,000,000 rows (bench/rollback-blockers.mjs): the String → enum rollback stalled the
 * application's writes for 1 s. Its batched passes leave a dead row per row updated, autovacuum
 * starts on the table, and the next ACCESS EXCLUSIVE statement of the change (there: the check
 * migration's DROP CONSTRAINT) queues behind the autovacuum's SHARE UPDATE EXCLUSIVE, every write
 * queuing behind it, until PostgreSQL cancels the autovacuum after deadlock_timeout (1 s).
 *
 * Here autovacuum is made to behave as it does on a big table, on a small one: it visits the
 * table a second after enough rows changed, and works slowly (it would otherwise finish before
 * anyone notices). A writer times single-row updates through the whole change, up and rollback.
 */
const pg = useEmbeddedPostgres();
const ROWS = 20_000;
const STALL_LIMIT_MS = 400; // the stall measured is deadlock_timeout (1 s); a slow CI write is far below

beforeAll(async () => {
  await query(pg.serverUrl, `ALTER SYSTEM SET autovacuum_naptime = '1s'`);
  await query(pg.serverUrl, `SELECT pg_reload_conf()`);
});

describe("modify-column String → enum under autovacuum", () => {
  it("no statement of the change, up or rollback, makes a write wait behind an autovacuum", async () => {
    const tree = createSampleTree();
    await modifyColumnGenerator(tree, {
      targetTable: "Order",
      column: "status",
      type: "OrderStatus",
      map: ORDER_STATUS_MAP,
    });
    const ws = writeDiskWorkspace(tree);
    try {
      const url = await pg.freshDatabase();
      expect(
        (await migrate(ws.target(url), { to: BASELINE })).error,
      ).toBeUndefined();
      await query(
        url,
        `INSERT INTO "Tenant"(slug, name) VALUES ('t', 'T');
         INSERT INTO "User"("tenantId", email, "updatedAt") VALUES (1, 'u@example.com', now());
         INSERT INTO "Order"("tenantId", "userId", status, "totalCents")
           SELECT 1, 1, (ARRAY['pending','paid','shipped','cancelled'])[1 + g % 4], g FROM generate_series(1, ${ROWS}) g;
         -- Eager and slow: due after 10,000 changed rows (the batched passes change 20,000; the writer far fewer), one page per 100 ms.
         ALTER TABLE "Order" SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 10000,
           autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 10000,
           autovacuum_vacuum_cost_delay = 100, autovacuum_vacuum_cost_limit = 1);`,
      );
      await query(url, `VACUUM ANALYZE "Order"`);
      const watch = await watchWrites(url, ROWS);
      const up = await migrate(ws.target(url));
      const rollbackFrom = Date.now();
      const down = await migrateDown(ws.target(url), 3);
      const seen = await watch.stop();
      expect(up.error).toBeUndefined();
      expect(down.error).toBeUndefined();
      // The measurement is live: the writer wrote all along, and autovacuum did come to the table.
      expect(seen.writes.length).toBeGreaterThan(100);
      expect(seen.autovacuumSeen).toBe(true);
      const worst = (from: number, to = Infinity) =>
        Math.max(
          0,
          ...seen.writes
            .filter((w) => w.at >= from && w.at < to)
            .map((w) => w.ms),
        );
      const verdict = (ms: number) =>
        ms <= STALL_LIMIT_MS ? "no stall" : `a write waited ${ms} ms`;
      expect({
        up: verdict(worst(0, rollbackFrom)),
        rollback: verdict(worst(rollbackFrom)),
        blockers: seen.blockers.filter((b) => /autovacuum/.test(b)),
      }).toEqual({
        up: "no stall",
        rollback: "no stall",
        blockers: [],
      });
    } finally {
      ws.remove();
    }
  }, 180_000);
});

/**
 * The application: single-row updates of random orders, 5 ms apart, each timed (at: when it
 * started); and whether an autovacuum worker was seen on "Order" meanwhile.
 */
async function watchWrites(url: string, rows: number) {
  const writer = await connect(url);
  const sampler = await connect(url);
  const writes: { at: number; ms: number }[] = [];
  const writerPid = (
    await writer.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")
  ).rows[0].pid;
  let autovacuumSeen = false;
  let stopping = false;
  const writing = (async () => {
    while (!stopping) {
      const at = Date.now();
      await writer.query(
        `UPDATE "Order" SET "createdAt" = now() WHERE id = $1`,
        [1 + Math.floor(Math.random() * rows)],
      );
      writes.push({ at, ms: Date.now() - at });
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  // What the writer waits on, when it waits: the blocking statement, and what that one waits on.
  const blockers = new Set<string>();
  const sampling = (async () => {
    while (!stopping) {
      const { rows: seen } = await sampler.query<{
        autovacuum: boolean;
        blocker: string | null;
      }>(
        `SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE backend_type = 'autovacuum worker' AND query LIKE '%Order%') AS autovacuum,
                (SELECT string_agg(left(regexp_replace(b.query, '\\s+', ' ', 'g'), 160) || coalesce(' (itself behind ' || (
                          SELECT string_agg(coalesce(nullif(bb.backend_type, 'client backend'), 'a session') || ': ' || left(bb.query, 60), ', ')
                            FROM unnest(pg_blocking_pids(b.pid)) bbp(pid) JOIN pg_stat_activity bb ON bb.pid = bbp.pid) || ')', ''), '; ')
                   FROM pg_stat_activity w, unnest(pg_blocking_pids(w.pid)) bp(pid), pg_stat_activity b
                  WHERE w.pid = $1 AND b.pid = bp.pid) AS blocker`,
        [writerPid],
      );
      autovacuumSeen ||= seen[0].autovacuum;
      if (seen[0].blocker) blockers.add(seen[0].blocker);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return {
    async stop() {
      stopping = true;
      await Promise.all([writing, sampling]);
      await writer.end();
      await sampler.end();
      return { writes, autovacuumSeen, blockers: [...blockers] };
    },
  };
}
