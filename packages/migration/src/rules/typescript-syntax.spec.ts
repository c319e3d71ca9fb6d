import { prepareTypeScriptSyntaxCheck, stopTypeScriptSyntaxCheck, typeScriptSyntaxError, workerAnswers } from './typescript-syntax';

const GOOD = `import type { DataMigrationContext } from '@forge/migration/runtime';
export async function up(ctx: DataMigrationContext): Promise<void> {
  const rows = await ctx.query<{ value: string | null }>("SELECT 1 AS value");
  ctx.log(String(rows.length));
}
`;
const BROKEN = GOOD.replace('ctx.log(String(rows.length));', 'await ctx.query(');

describe.each([
  ['in this thread', false],
  ['in the worker thread', true],
])('typeScriptSyntaxError %s', (_where, inWorker) => {
  beforeAll(() => {
    if (inWorker) prepareTypeScriptSyntaxCheck();
  });
  afterAll(() => stopTypeScriptSyntaxCheck());

  it('passes TypeScript that parses (type arguments included)', () => {
    const answered = workerAnswers.count;
    expect(typeScriptSyntaxError(GOOD, 'src/migrations/good.ts')).toBeUndefined();
    expect(workerAnswers.count - answered).toBe(inWorker ? 1 : 0);
  });

  it('names the file, line and column of the first syntax error', () => {
    const answered = workerAnswers.count;
    expect(typeScriptSyntaxError(BROKEN, 'src/migrations/broken.ts')).toBe('src/migrations/broken.ts:5:1 - Argument expression expected.');
    expect(workerAnswers.count - answered).toBe(inWorker ? 1 : 0);
  });
});
