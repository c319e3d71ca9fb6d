import { diffSchemas } from '../engine/operations';
import { toEngineSchema } from '../prisma-schema/engine-view';
import { CHANGE_CASES, generateChange } from '../testing/change-corpus';
import { analyzeChange } from './analyze';
import { IMPACT_TABLE, impactOf } from './impact';
import { schemaFactsFromSql } from './schema-facts';
import { rowsStats, UNKNOWN_STATS } from './stats-source';

describe('the impact of a migration: the size row read against what the recipe blocks', () => {
  it.each([
    [5_000, false, '< 10K', 'direct migration', false],
    [50_000, false, '10K – 100K', 'online migration', false],
    [2_000_000, false, '> 1M', 'online migration', false],
    [null, false, null, 'online migration', false],
    [5_000, true, '< 10K', 'direct migration', false],
    [50_000, true, '10K – 100K', 'migration window', true],
    [500_000, true, '100K – 1M', 'maintenance window', true],
    [2_000_000, true, '> 1M', 'maintenance window', true],
    [null, true, null, 'maintenance window', true],
  ])('%p rows, blocking %p: row %p, %s, window %p', (rows, blocking, row, approach, needsWindow) => {
    const impact = impactOf(rows, blocking);
    expect(impact).toMatchObject({ approach, needsWindow, blocking });
    expect(impact.row?.rows ?? null).toBe(row);
  });

  it('an unknown size is no row of the table (not "> 1M")', () => {
    expect(impactOf(null, false).row).toBeNull();
    expect(IMPACT_TABLE.map((r) => r.rows)).toEqual(['< 10K', '10K – 100K', '100K – 1M', '> 1M']);
  });

  it('every recipe of the corpus is online: none of its migrations asks for a window, at 2M rows or at an unknown size', async () => {
    const windows: string[] = [];
    for (const change of CHANGE_CASES) {
      const generated = await generateChange(change);
      const schema = await schemaFactsFromSql(await diffSchemas(null, toEngineSchema(generated.before)));
      const migrations = generated.generated.map((m) => ({ name: m.name, sql: m.up, downSql: m.down }));
      for (const stats of [rowsStats(2_000_000), UNKNOWN_STATS]) {
        const analysis = await analyzeChange({ migrations, schema, stats });
        for (const m of analysis.migrations) if (m.impact.needsWindow) windows.push(`${change.id} ${m.name} (${stats.source}): ${m.impact.approach}, ${m.impactReason}`);
        if (analysis.impact.needsWindow) windows.push(`${change.id} (${stats.source}): the whole change asks for a ${analysis.impact.approach}`);
      }
    }
    expect(windows).toEqual([]);
  }, 120_000);
});
