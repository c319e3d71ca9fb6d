import { execSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import migrateExecutor from '../executors/migrate/executor';
import migrateDownExecutor from '../executors/migrate-down/executor';
import { capturedOutput } from '../testing/captured-output';
import { writeDiskWorkspace, type DiskWorkspace } from '../testing/disk-workspace';
import { BASELINE } from '../testing/migrations';
import { createSampleTree, SAMPLE_ROOT } from '../testing/sample-tree';
import { embeddedStateCommand } from '../workspace/embedded-state-file';
import { embeddedDataDir } from './database-selection';

// Without DATABASE_URL, migrate-validate proves what is pending on the workspace's embedded
// database. Its cache key reads what is applied there (the runtime input the plugin declares), so
// a result computed before a migrate or migrate-down is not replayed after it.
let ws: DiskWorkspace;
const saved = process.env.DATABASE_URL;

beforeAll(() => {
  delete process.env.DATABASE_URL;
  ws = writeDiskWorkspace(createSampleTree(), 'forge-state-');
});
afterAll(() => {
  const dir = embeddedDataDir(ws.root);
  for (const path of [dir, `${dir}.credentials`, `${dir}.lock`]) rmSync(path, { recursive: true, force: true });
  ws.remove();
  if (saved !== undefined) process.env.DATABASE_URL = saved;
});

/** What Nx hashes for the runtime input: the command's output, run in the workspace root. */
const cacheKeyPart = () => execSync(embeddedStateCommand(SAMPLE_ROOT), { cwd: ws.root, encoding: 'utf8' });

describe("migrate-validate's cache key and the embedded database", () => {
  it('changes with what migrate and migrate-down leave applied on it', async () => {
    // No embedded database yet hashes like one with nothing applied: both prove every migration.
    expect(cacheKeyPart()).toBe('');
    expect((await capturedOutput(() => migrateExecutor({}, ws.executorContext()))).result).toEqual({ success: true });
    const migrated = cacheKeyPart();
    expect(migrated).toMatch(new RegExp(`^${BASELINE} [0-9a-f]{64}\\n$`));
    expect((await capturedOutput(() => migrateDownExecutor({}, ws.executorContext()))).result).toEqual({ success: true });
    expect(cacheKeyPart()).toBe('');
  }, 120_000);
});
