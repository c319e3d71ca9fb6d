import fc from 'fast-check';
import { renderValidation } from '../executors/migrate-validate/executor';
import { query, useEmbeddedPostgres } from '../testing/database';
import { proveGeneratedMigrations } from '../testing/round-trip';
import { newMigrationFolders } from '../testing/sample-tree';
import { propertySettings } from './property-settings';
import { runChange } from './run-change';
import { scenario, type Scenario } from './scenario';
import { scenarioTree } from './scenario-tree';

const pg = useEmbeddedPostgres();
const settings = propertySettings();

/**
 * The generators' promise, checked on schemas nobody wrote by hand: whatever valid sequence of
 * changes is asked for, every migration written goes up, passes validate(), comes down to exactly
 * the schema and rows it started from, goes up again, and the end state matches schema.prisma —
 * with an application writing to the tables all along, every committed write checked (as
 * migrate-validate does). Schemas draw lists, Bytes, Decimal and an enum with @map values;
 * changes draw --map and --cast conversions. CI runs a few cases; `npm run test:property:nightly` runs 200.
 */
describe('generated migrations, property-based', () => {
  it(
    `round-trip up → down → no diff for random schemas and change sequences (${settings.runs} cases${settings.traffic ? ', under traffic' : ''})`,
    async () => {
      // console.info is muted in tests; the seed must show even when the run passes.
      console.log(`Property seed ${settings.seed}: replay with ${settings.replay}`);
      await fc.assert(fc.asyncProperty(scenario(), proveScenario), settings.parameters);
    },
    settings.timeoutMs,
  );
});

async function proveScenario({ schema, changes }: Scenario): Promise<void> {
  const tree = await scenarioTree(schema);
  for (const change of changes) await runChange(tree, change);
  const folders = newMigrationFolders(tree);
  // Every change here touches the database (no --mapOnly): each must have written a migration.
  if (folders.length < changes.length) throw new Error(`${changes.length} changes wrote only ${folders.length} migration folder(s): ${folders.join(', ')}`);
  const url = await pg.freshDatabase();
  try {
    const { report } = await proveGeneratedMigrations(tree, url, { traffic: settings.traffic });
    if (!report.ok) throw new Error(`Round trip failed:\n${renderValidation(report)}`);
  } finally {
    await dropDatabase(url);
  }
}

/** 200 cases would otherwise leave 200 databases on the embedded server. */
async function dropDatabase(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  await query(pg.serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}
