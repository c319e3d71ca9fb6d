import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { embeddedDataDir } from '../../runtime/database-selection';
import { capturedOutput } from '../../testing/captured-output';
import { testPgVersion } from '../../testing/database';
import { writeDiskWorkspace, type DiskWorkspace } from '../../testing/disk-workspace';
import { createSampleTree, targetPgVersion } from '../../testing/sample-tree';
import { addColumnGenerator } from '../../generators/add-column/generator';
import migrateExecutor from '../migrate/executor';
import migrateStatusExecutor from '../migrate-status/executor';
import migrateValidateExecutor from '../migrate-validate/executor';

// The executors start the embedded server of the pgVersion they are given (the plugin passes the
// nx.json option into their options; --pgVersion overrides it). Run on the specs' major.
const major = testPgVersion();
let ws: DiskWorkspace;
const saved = process.env.DATABASE_URL;

beforeEach(() => {
  delete process.env.DATABASE_URL;
  ws = writeDiskWorkspace(createSampleTree(), 'forge-pgversion-');
});
afterEach(() => {
  for (const dir of [embeddedDataDir(ws.root, major)]) {
    rmSync(dir, { recursive: true, force: true });
    rmSync(`${dir}.credentials`, { force: true });
    rmSync(`${dir}.lock`, { recursive: true, force: true });
  }
  ws.remove();
  if (saved !== undefined) process.env.DATABASE_URL = saved;
});

const plain = (text: string) => text.replace(/\x1b\[[\d;]*m/g, '');

describe('pgVersion on the executors', () => {
  it('migrate and migrate-status use the workspace database of that major, in a data directory of its own', async () => {
    const migrated = await capturedOutput(() => migrateExecutor({ pgVersion: major }, ws.executorContext()));
    expect(migrated.result).toEqual({ success: true });
    const dataDir = embeddedDataDir(ws.root, major);
    expect(plain(migrated.output)).toContain(`Database: embedded PostgreSQL ${major} (${dataDir}, database forge_prisma)`);
    expect(readFileSync(join(dataDir, 'PG_VERSION'), 'utf8').trim()).toBe(String(major));
    const status = await capturedOutput(() => migrateStatusExecutor({ pgVersion: String(major), format: 'json' }, ws.executorContext()));
    expect(status.result).toEqual({ success: true });
    expect(plain(status.output)).toContain(`Database: embedded PostgreSQL ${major} (${dataDir}`);
  });

  it('migrate-validate proves on a throwaway server of that major', async () => {
    const { result, output } = await capturedOutput(() => migrateValidateExecutor({ pgVersion: major, all: true }, ws.executorContext()));
    expect(plain(output)).toContain(`Proving on a throwaway embedded PostgreSQL ${major}.`);
    expect(result).toEqual({ success: true });
  });

  it('migrate-validate on another major than the migrations were generated for warns once, before the proof, saying how to prove on theirs', async () => {
    const other = major === 18 ? 15 : 18;
    const tree = targetPgVersion(createSampleTree(), other);
    await addColumnGenerator(tree, { targetTable: 'User', name: 'handle', type: 'String', backfillSql: 'lower("email")' });
    ws.remove();
    ws = writeDiskWorkspace(tree, 'forge-pgversion-');
    const { result, output } = await capturedOutput(() => migrateValidateExecutor({ pgVersion: major, all: true }, ws.executorContext()));
    const text = plain(output);
    const warning = `This proof runs on PostgreSQL ${major}, so it does not prove them as they will run: prove on ${other} with --pgVersion ${other}`;
    expect(text.split(warning)).toHaveLength(2);
    expect(text).toContain(`generated for PostgreSQL ${other}`);
    expect(text.indexOf(warning)).toBeLessThan(text.indexOf('verdict'));
    // Generated for 18 and proved below it, the NOT NULL … NOT VALID step fails, as the warning said; the other way round the proof passes.
    expect(result).toEqual({ success: other < major });
  });

  it('an unsupported pgVersion is refused before any server starts', async () => {
    for (const executor of [migrateExecutor, migrateValidateExecutor] as ((o: object, c: unknown) => Promise<{ success: boolean }>)[]) {
      const { result, output } = await capturedOutput(() => executor({ pgVersion: 12 }, ws.executorContext()));
      expect(result).toEqual({ success: false });
      expect(plain(output)).toContain('Invalid pgVersion (nx.json plugin option or --pgVersion) 12: expected a PostgreSQL major version, one of 14, 15, 16, 17, 18 (default 15).');
    }
    expect(existsSync(embeddedDataDir(ws.root, major))).toBe(false);
  });
});
