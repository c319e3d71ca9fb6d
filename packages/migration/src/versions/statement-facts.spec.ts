import { Catalog } from '../analysis/catalog';
import { statementEffect } from '../analysis/effects';
import { parseMigration } from '../analysis/parse';
import { STATEMENT_FACTS, statementFactGrid } from './statement-facts';

/** The table every fact's statement works on, as its probe creates it. */
const TABLE = 'CREATE TABLE t (id int PRIMARY KEY, c int)';

describe('the statement fact table', () => {
  it.each(STATEMENT_FACTS.map((f) => [f.id, f] as const))('%s: the analysis predicts the lock, rewrite and scan measured on every major that has it', async (_id, fact) => {
    const facts = Catalog.of(await parseMigration([TABLE, fact.setup].filter(Boolean).join(';\n')));
    const [statement] = await parseMigration(fact.sql);
    const effect = statementEffect(statement, facts);
    // A rewrite reads every row too: the server counts it as a scan.
    const predicted = { lock: effect.locks.find((l) => l.table === 't')?.lock, rewrites: effect.rewritesTable, scans: effect.scansTable || effect.rewritesTable };
    for (const { from: _from, ...measured } of fact.byVersion) expect(predicted).toEqual(measured);
  });

  it('reads as a grid of majors: nothing before a statement exists, its behaviour from then on', () => {
    const row = statementFactGrid().find((r) => r.fact.id === 'set-expression')!;
    expect(row.cells.map((c) => c && c.rewrites)).toEqual([undefined, undefined, undefined, true, true]);
  });
});
