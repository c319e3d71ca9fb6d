import type { Tree } from '@nx/devkit';
import { committedSampleWorkspace, type DevWorkspace } from '../../testing/dev-workspace';
import { HAND_EDITS, replace } from '../../testing/hand-edits';
import { createSampleTree, SAMPLE_MIGRATIONS, SAMPLE_ROOT, SAMPLE_SCHEMA, snapshotTree, splitSampleSchema } from '../../testing/sample-tree';
import type { Answer, Question } from '../migration/change-questions';
import { loadChangeGenerator, type ChangeType } from '../migration/change-types';
import { lintMigrations } from '../../analysis/lint';
import { PRISMA_SQL_TITLE } from '../../recipes/scripts';
import { devGenerator } from './generator';

/** Generated files (migrations, data migrations), timestamps blanked: two runs can straddle a second. */
function generated(files: Map<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, content] of files) {
    if (!path.startsWith(`${SAMPLE_ROOT}/`) || path === SAMPLE_SCHEMA || path.endsWith('project.json')) continue;
    out[path.replace(/\/\d{14}_/, '/<ts>_')] = content.replace(/\d{14}/g, '<ts>').replace(/@generated-at .*/, '@generated-at <time>');
  }
  return out;
}

/** Runs dev on the workspace's edited schema and writes the result to disk. */
async function runDev(ws: DevWorkspace, options: Record<string, unknown>, ask?: (q: Question) => Promise<Answer>): Promise<Tree> {
  const tree = ws.tree();
  await devGenerator(tree, { name: 'the_change', ...options }, ask);
  ws.flush(tree);
  return tree;
}

describe('dev: schema.prisma edited by hand → the migrations the generators write', () => {
  let ws: DevWorkspace;
  beforeEach(() => (ws = committedSampleWorkspace()));
  afterEach(() => ws.remove());

  it.each(HAND_EDITS.map((e) => [e.type, e] as const))('%s: the same migrations, down.sql, data migration and report as its generator', async (type, handEdit) => {
    const edited = ws.edit(handEdit.edit);
    await runDev(ws, handEdit.dev ?? {});

    const direct = createSampleTree();
    await loadChangeGenerator(type)(direct, { ...handEdit.generator, migrationName: 'the_change' });

    const viaDev = generated(ws.files());
    expect(viaDev).toEqual(generated(snapshotTree(direct)));
    expect(Object.keys(viaDev).filter((p) => p.endsWith('/migration.sql')).length).toBeGreaterThan(1); // baseline + the change
    // schema.prisma stays as the user wrote it.
    expect(ws.files().get(SAMPLE_SCHEMA)).toBe(edited);
  });

  const FIELD_EDITS: [string, (s: string) => string, ChangeType, Record<string, unknown>, Record<string, unknown>][] = [
    ['optional → required, backfilled', (s) => replace(s, '  name      String?\n', '  name      String\n'), 'modify_column', { column: 'name', required: true, backfillValue: 'unknown' }, { backfill: 'User.name=unknown' }],
    ['a new default', (s) => replace(s, '@default("member")', '@default("viewer")'), 'modify_column', { column: 'role', default: 'viewer' }, {}],
    ['@unique on an existing field', (s) => replace(s, '  name      String?\n', '  name      String?    @unique\n'), 'add_index', { fields: 'name', unique: true, name: 'User_name_key' }, {}],
  ];
  it.each(FIELD_EDITS)('User field, %s: what the matching generator writes', async (_label, edit, type, generatorOptions, devOptions) => {
    ws.edit(edit);
    await runDev(ws, devOptions);
    const direct = createSampleTree();
    await loadChangeGenerator(type)(direct, { targetTable: 'User', ...generatorOptions, migrationName: 'the_change' });
    expect(generated(ws.files())).toEqual(generated(snapshotTree(direct)));
  });

  it("String → a new enum (the seed's Order.status): --map gives the value map, and dev writes what modify-column writes", async () => {
    const map = { pending: 'PENDING', paid: 'PAID', shipped: 'SHIPPED', cancelled: 'CANCELLED' };
    ws.edit((s) => `${replace(s, '  status     String      @default("pending")\n', '  status     OrderStatus @default(PENDING)\n')}\nenum OrderStatus {\n  PENDING\n  PAID\n  SHIPPED\n  CANCELLED\n}\n`);
    await runDev(ws, { map: `Order.status=${JSON.stringify(map)}` });
    const direct = createSampleTree();
    await loadChangeGenerator('modify_column')(direct, { targetTable: 'Order', column: 'status', type: 'OrderStatus', map, default: 'PENDING', migrationName: 'the_change' });
    expect(generated(ws.files())).toEqual(generated(snapshotTree(direct)));
  });

  it('a renamed model: refused without a decision, then --rename Product=Item writes what rename writes', async () => {
    ws.edit((s) => replace(replace(s, 'model Product {', 'model Item {'), '  product    Product @relation(fields: [productId], references: [id])', '  product    Item    @relation(fields: [productId], references: [id])'));
    await expect(runDev(ws, {})).rejects.toThrow(/Product disappeared and Item appeared: rename \(--rename Product=Item\) or drop \+ add \(--dropAndAdd Product\)\?/);
    await runDev(ws, { rename: 'Product=Item' });
    const direct = createSampleTree();
    await loadChangeGenerator('rename')(direct, { targetTable: 'Product', to: 'Item', migrationName: 'the_change' });
    expect(generated(ws.files())).toEqual(generated(snapshotTree(direct)));
  });

  it('a multi-file schema (prisma/schema/): the edited file is read from git as committed, the others stay', async () => {
    const split = (tree: Tree) => splitSampleSchema(tree, 'audit.prisma', '/// Append-only record');
    const multi = committedSampleWorkspace(split);
    try {
      const part = `${SAMPLE_ROOT}/prisma/schema/audit.prisma`;
      const edited = multi.edit(HAND_EDITS.find((e) => e.type === 'add_index')!.edit, part);
      await runDev(multi, {});
      const direct = createSampleTree();
      split(direct);
      await loadChangeGenerator('add_index')(direct, { ...HAND_EDITS.find((e) => e.type === 'add_index')!.generator, migrationName: 'the_change' });
      const strip = (files: Record<string, string>) => Object.fromEntries(Object.entries(files).filter(([p]) => !p.endsWith('.prisma')));
      expect(strip(generated(multi.files()))).toEqual(strip(generated(snapshotTree(direct))));
      expect(multi.files().get(part)).toBe(edited);
    } finally {
      multi.remove();
    }
  });

  it('refuses an ambiguous rename without --rename in a non-interactive run, listing the pairs and the flags; writes nothing', async () => {
    ws.edit((s) => replace(s, '  note       String?\n', '  comment    String?\n'));
    const before = ws.files();
    await expect(runDev(ws, {})).rejects.toThrow(
      /cannot tell a rename from a drop \+ add\.\n {2}Order\.note disappeared and comment appeared: rename \(--rename Order\.note=comment\) or drop \+ add \(--dropAndAdd Order\.note\)\?/,
    );
    expect(ws.files()).toEqual(before);
  });

  it('refuses a --databaseUrl carrying a password before asking anything, naming --databaseUrlEnv; writes nothing', async () => {
    ws.edit((s) => replace(s, '  note       String?\n', '  comment    String?\n'));
    const before = ws.files();
    const asked: Question[] = [];
    const error = await runDev(ws, { databaseUrl: 'postgresql://app:s3cret-pw@db.internal:5432/app' }, async (question) => {
      asked.push(question);
      return 'comment';
    }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(/^--databaseUrl carries a password \(postgresql:\/\/app:\*\*\*\*@db\.internal:5432\/app\).*--databaseUrlEnv STAGING_DATABASE_URL/s);
    expect(error?.message).not.toContain('s3cret-pw');
    expect(asked).toEqual([]);
    expect(ws.files()).toEqual(before);
  });

  it('asks "rename or drop + add?" in a terminal; the answer writes what the flag writes', async () => {
    ws.edit((s) => replace(s, '  note       String?\n', '  comment    String?\n'));
    const asked: Question[] = [];
    await runDev(ws, {}, async (question) => {
      asked.push(question);
      expect(question.kind === 'select' && question.choices.map((c) => c.value)).toEqual(['comment', '']);
      return 'comment';
    });
    expect(asked.map((q) => q.message)).toEqual(['Order.note is gone and comment appeared: rename or drop + add?']);
    const interactive = generated(ws.files());

    const flags = committedSampleWorkspace();
    try {
      flags.edit((s) => replace(s, '  note       String?\n', '  comment    String?\n'));
      await runDev(flags, { rename: 'Order.note=comment' });
      expect(generated(flags.files())).toEqual(interactive);
    } finally {
      flags.remove();
    }
    // A rename is expand (the new column beside the old one) + contract.
    expect(Object.keys(interactive).some((p) => p.includes('/<ts>_the_change_expand/migration.sql') && interactive[p].includes('ADD COLUMN "comment" TEXT'))).toBe(true);
  });

  it('--dropAndAdd decides a drop + add (the loss still confirmed); a --rename naming no candidate pair is refused, listing the pairs', async () => {
    ws.edit((s) => replace(s, '  note       String?\n', '  comment    String?\n'));
    await expect(runDev(ws, { rename: 'Order.notes=comment' })).rejects.toThrow(/--rename Order\.notes=comment names no field or model that disappeared.*Candidates: Order\.note=comment\./s);
    await runDev(ws, { dropAndAdd: 'Order.note', confirmDataLoss: true });
    const sql = Object.entries(generated(ws.files())).filter(([p]) => p.endsWith('/migration.sql')).map(([, c]) => c).join('\n');
    expect(sql).toContain('ADD COLUMN     "comment" TEXT');
    expect(sql).toContain('DROP COLUMN "note"');
  });

  it('names each loss and refuses without --confirmDataLoss; a required field without default asks for --backfill', async () => {
    ws.edit((s) => replace(replace(s, '  note       String?\n', ''), '  role      String     @default("member")\n', '  role      String     @default("member")\n  locale    String\n'));
    const before = ws.files();
    await expect(runDev(ws, { dropAndAdd: [] })).rejects.toThrow(/User\.locale is required without a default.*\n {2}--backfill User\.locale=<value>/s);
    await expect(runDev(ws, { backfill: 'User.locale=en' })).rejects.toThrow(/removes data, and was not confirmed:\n {2}- column Order\.note and its values\nPass --confirmDataLoss/);
    expect(ws.files()).toEqual(before);
    await runDev(ws, { backfill: 'User.locale=en', confirmDataLoss: true });
    const names = Object.keys(generated(ws.files())).filter((p) => p.endsWith('/migration.sql')).map((p) => p.split('/').at(-2));
    // Expand before contract: the new column (and its backfill) before the removal.
    expect(names[0]).toMatch(/baseline/);
    expect(names.slice(1).join(' ')).toMatch(/the_change_1.*the_change_2/);
    const sql = (name: string) => Object.entries(generated(ws.files())).find(([p]) => p.includes(`${name}`) && p.endsWith('/migration.sql'))?.[1] ?? '';
    expect(sql('the_change_1')).toContain('"locale"');
    expect(Object.entries(generated(ws.files())).filter(([p]) => p.endsWith('/migration.sql')).at(-1)?.[1]).toContain('DROP COLUMN "note"');
  });

  it("prints the plan first; what no recipe covers becomes Prisma's SQL in its own migration, flagged in report.md and by migrate-lint", async () => {
    // A changed referential action: no generator makes it.
    ws.edit((s) => replace(s, '  user       User        @relation(fields: [userId], references: [id])\n', '  user       User        @relation(fields: [userId], references: [id], onDelete: Cascade)\n'));
    const printed: string[] = [];
    const spy = jest.spyOn(console, 'info').mockImplementation((m) => void printed.push(String(m)));
    try {
      await runDev(ws, {});
    } finally {
      spy.mockRestore();
    }
    expect(printed.join('\n')).toMatch(/Plan:\n {2}• relation Order\.user changed \(User\(userId→id\) onDelete default onUpdate default → User\(userId→id\) onDelete Cascade onUpdate default\) {2}\[no recipe: Prisma's SQL in a migration of its own, flagged\]/);
    const files = generated(ws.files());
    const folder = Object.keys(files).find((p) => p.endsWith('_the_change/migration.sql'))!;
    expect(files[folder]).toContain(`-- ${PRISMA_SQL_TITLE}\n`);
    expect(files[folder]).toMatch(/DROP CONSTRAINT "Order_userId_fkey";[\s\S]*ON DELETE CASCADE/);
    expect(files[folder.replace('migration.sql', 'report.md')]).toContain('Not a recipe: relation Order.user changed');
    const history = [...ws.files()].filter(([p]) => p.endsWith('/migration.sql')).sort();
    const lint = await lintMigrations(history.map(([p, up]) => ({ name: p.split('/').at(-2)!, up, down: null })));
    expect(lint.findings.filter((f) => f.rule === 'prisma-sql-not-a-recipe').map((f) => f.migration)).toEqual([expect.stringMatching(/^\d{14}_the_change$/)]);
  });

  it('edited again before a commit: the schema dev recorded on its last run is the before, so only the new edit is migrated', async () => {
    ws.edit(HAND_EDITS.find((e) => e.type === 'add_column')!.edit);
    await runDev(ws, {});
    const first = Object.keys(generated(ws.files())).filter((p) => p.endsWith('/migration.sql'));
    ws.edit(HAND_EDITS.find((e) => e.type === 'add_index')!.edit);
    await runDev(ws, { name: 'second' });
    const added = Object.keys(generated(ws.files())).filter((p) => p.endsWith('/migration.sql') && !first.includes(p));
    expect(added).toEqual([`${SAMPLE_MIGRATIONS}/<ts>_second/migration.sql`]);
    expect(generated(ws.files())[added[0]]).toContain('CREATE INDEX CONCURRENTLY IF NOT EXISTS "AuditLog_tenantId_createdAt_idx"');
  });

  it('understands the history every generator writes: after all ten (and a String → enum) are committed, dev finds nothing to do', async () => {
    const tree = ws.tree();
    // AuditLog's relation goes before AuditLog itself.
    const edits = [...HAND_EDITS.filter((e) => e.type !== 'remove_table'), ...HAND_EDITS.filter((e) => e.type === 'remove_table')];
    for (const edit of edits) await loadChangeGenerator(edit.type)(tree, { ...edit.generator, migrationName: edit.type });
    const map = { pending: 'PENDING', paid: 'PAID', shipped: 'SHIPPED', cancelled: 'CANCELLED' };
    await loadChangeGenerator('modify_column')(tree, { targetTable: 'Order', column: 'status', type: 'OrderStatus', map, migrationName: 'status_enum' });
    ws.flush(tree);
    ws.commit('every change type');
    const again = ws.tree();
    await devGenerator(again, { name: 'nothing' });
    expect(again.listChanges().filter((c) => c.path.startsWith(SAMPLE_MIGRATIONS)).map((c) => c.path)).toEqual([]);
  });

  it('with nothing edited, writes nothing', async () => {
    const before = ws.files();
    const tree = await runDev(ws, {});
    expect(tree.listChanges().filter((c) => c.type !== 'UPDATE' || c.content?.toString() !== before.get(c.path))).toEqual([]);
  });

  it('refuses when the committed schema is not what the migrations build, naming the difference', async () => {
    // A migration written by hand after the commit: the commit no longer describes the folder.
    const tree = ws.tree();
    tree.write(`${SAMPLE_MIGRATIONS}/20990101000000_by_hand/migration.sql`, 'ALTER TABLE "User" ADD COLUMN "nickname" TEXT;\n');
    await expect(devGenerator(tree, { name: 'x' })).rejects.toThrow(/only in the migrations: column User\.nickname text\n.*Fix: commit schema\.prisma together with the migrations/s);
  });
});
