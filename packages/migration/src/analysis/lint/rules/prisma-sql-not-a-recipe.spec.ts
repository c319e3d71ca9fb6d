import { PRISMA_SQL_TITLE, transactionalScript } from '../../../recipes/scripts';
import { lintMigrations } from '../lint';
import { prismaSqlNotARecipe } from './prisma-sql-not-a-recipe';

const BASE = { name: '20250101000000_base', up: 'CREATE TABLE "Order" ("id" SERIAL NOT NULL, "userId" INTEGER NOT NULL, CONSTRAINT "Order_pkey" PRIMARY KEY ("id"));\nCREATE INDEX "Order_userId_idx" ON "Order"("userId");\n', down: null };

describe('prisma-sql-not-a-recipe', () => {
  it("flags the migration dev wrote as Prisma's SQL, once, on its first statement past SET", async () => {
    const up = transactionalScript(PRISMA_SQL_TITLE, ['ALTER INDEX "Order_userId_idx" RENAME TO "idx_order_user";'], '5s');
    const report = await lintMigrations([BASE, { name: '20250102000000_x_prisma_sql', up, down: null }], { rules: [prismaSqlNotARecipe] });
    expect(report.findings.map((f) => [f.migration, f.rule, f.severity, f.line])).toEqual([['20250102000000_x_prisma_sql', 'prisma-sql-not-a-recipe', 'warning', 5]]);
  });

  it('leaves the same SQL alone under another title', async () => {
    const up = transactionalScript('Rename an index', ['ALTER INDEX "Order_userId_idx" RENAME TO "idx_order_user";'], '5s');
    const report = await lintMigrations([BASE, { name: '20250102000000_x', up, down: null }], { rules: [prismaSqlNotARecipe] });
    expect(report.findings).toEqual([]);
  });
});
