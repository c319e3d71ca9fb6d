import { query, useEmbeddedPostgres } from '../../../testing/database';
import { withClient } from '../../pg-client';
import { planWorkload } from './workload-plan';
import { startWriter, type WriterSink } from './writer';
import { WriteLog } from './write-log';

/**
 * The workload reaches what it must: a race on any column of a row the seed made is only found if
 * the application writes that column of such rows.
 */

const pg = useEmbeddedPostgres();

it('copies into every column of the rows the seed made, on a table of six writable columns', async () => {
  const url = await pg.freshDatabase();
  await query(
    url,
    `CREATE TABLE "Order" (id serial PRIMARY KEY, "tenantId" int NOT NULL, "userId" int NOT NULL, status text NOT NULL DEFAULT 'pending',
       "totalCents" int NOT NULL DEFAULT 0, note text, "createdAt" timestamptz NOT NULL DEFAULT now());
     INSERT INTO "Order" ("tenantId", "userId", status, "totalCents", note) SELECT i % 3, i % 5, 'paid', i, i::text FROM generate_series(1, 20) AS i;`,
  );
  const [plan] = await withClient(url, (db) => planWorkload(db, ['Order']));
  const log = new WriteLog();
  const sink: WriterSink = { log, samples: [], errors: new Map(), step: () => 'up' };
  const writer = await startWriter(url, plan, sink, { next: 0 }, { sleepMs: 0 });
  while (log.writes.length < 400) await new Promise((resolve) => setTimeout(resolve, 20));
  await writer.stop();

  const seeded = new Set(plan.keys);
  const copiedIntoSeedRows = new Set<string>();
  for (const w of log.writes) {
    if (w.kind !== 'update' || !seeded.has(w.key)) continue;
    for (const column of Object.keys(w.row ?? {})) if (column !== 'id') copiedIntoSeedRows.add(column);
  }
  expect([...copiedIntoSeedRows].sort()).toEqual(['createdAt', 'note', 'status', 'tenantId', 'totalCents', 'userId']);
}, 60_000);
