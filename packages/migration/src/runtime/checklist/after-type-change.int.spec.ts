import { modifyColumnGenerator } from '../../generators/modify-column/generator';
import { query, useEmbeddedPostgres } from '../../testing/database';
import { writeDiskWorkspace, type DiskWorkspace } from '../../testing/disk-workspace';
import { BASELINE } from '../../testing/migrations';
import { seedSampleData } from '../../testing/sample-data';
import { createSampleTree } from '../../testing/sample-tree';
import { pruneBackups } from '../backups/prune';
import { silentLogger } from '../logger';
import { migrate } from '../migrate';
import { runChecklist } from './run-checklist';

// A type change deploys as expand (data migration fills status__forge_new), check, swap. After a
// good deploy the checklist must pass: the expand's validate() describes the schema before the
// swap, and the swap's rollback needs the backup exactly as long as migrate-prune keeps it.
const pg = useEmbeddedPostgres();
let ws: DiskWorkspace;

beforeAll(async () => {
  const tree = createSampleTree();
  const map = JSON.stringify({ pending: 'PENDING', paid: 'PAID', shipped: 'SHIPPED', cancelled: 'CANCELLED' });
  await modifyColumnGenerator(tree, { targetTable: 'Order', column: 'status', type: 'OrderStatus', map });
  ws = writeDiskWorkspace(tree, 'forge-after-');
}, 60_000);
afterAll(() => ws?.remove());

describe('migrate-checklist --phase after a type change', () => {
  it('passes after a good deploy; its retention check and migrate-prune agree to the millisecond', async () => {
    const url = await pg.freshDatabase();
    const target = ws.target(url);
    expect((await migrate(target, { to: BASELINE })).error).toBeUndefined();
    await seedSampleData(url, { users: 20, orders: 50, auditLogs: 5 });
    expect((await migrate(target)).error).toBeUndefined();

    const input = { projectName: 'prisma', workspaceRoot: ws.root, layout: ws.layout, directory: target.directory, url, dataMigrations: target.dataMigrations, phase: 'after' as const };
    const report = await runChecklist(input);
    const items = Object.fromEntries(report.items.map((i) => [i.id, i]));
    const [expand, check, swap] = target.directory.migrations.slice(1).map((m) => m.name);
    expect(items['data-validated']).toMatchObject({ status: 'pass' });
    expect(items['data-validated'].detail).toBe(
      `✓ ${expand}: validate() returned true when migrate ran it; it no longer runs (column "status__forge_new" does not exist) ` +
        `because ${check}, ${swap} changed Order since: it describes the schema before them\n` +
        // The swap's own data migration restores the old values on the way down; up, it checks nothing is left.
        `✓ ${swap}: validate() returned true`,
    );
    expect(items['rollback-ready']).toMatchObject({ status: 'pass' });
    expect(report.ok).toBe(true);

    // The date the checklist gives is the one migrate-prune (24 h, --force) goes by: kept a millisecond before, dropped at it.
    const until = new RegExp(`✓ ${swap}: _forge_backup\\.(\\S+) present; migrate-prune keeps it until at least (\\S+)$`, 'm').exec(items['rollback-ready'].detail);
    expect(until).not.toBeNull();
    const prune = (at: number) => pruneBackups(url, target.directory, silentLogger, { retentionMs: 24 * 3_600_000, force: true, dryRun: true, now: new Date(at) });
    const decision = async (at: number) => (await prune(at)).decisions.find((d) => d.backup.table === until![1])!.action;
    expect(await decision(Date.parse(until![2]) - 1)).toBe('keep');
    expect(await decision(Date.parse(until![2]))).toBe('drop');
    // … and it covers the 24 hours after the swap was applied.
    const [{ finished }] = await query<{ finished: Date }>(url, 'SELECT finished_at AS finished FROM _prisma_migrations WHERE migration_name = $1', [swap]);
    expect(Date.parse(until![2])).toBeGreaterThanOrEqual(finished.getTime() + 24 * 3_600_000);
  }, 120_000);
});
