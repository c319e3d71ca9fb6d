import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyCluster, pristineCluster } from './pristine-cluster';

/** What initdb leaves that the pristine cluster relies on. */
function fakeInitdb(dataDir: string): void {
  mkdirSync(join(dataDir, 'global'), { recursive: true });
  writeFileSync(join(dataDir, 'global', 'pg_control'), 'control');
  writeFileSync(join(dataDir, 'PG_VERSION'), '15\n');
}

describe('pristineCluster', () => {
  let root: string;
  let initdb: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'forge-pristine-spec-'));
    // A binary of its own: the pristine cluster is keyed by the initdb it came from.
    initdb = join(root, `initdb-${process.pid}-${Date.now()}`);
    writeFileSync(initdb, `#!/bin/sh\n# ${Math.random()}\n`);
  });
  afterEach(async () => {
    const mine = await pristineCluster(initdb, undefined, () => mkdtempSync(join(root, 'b-')), async (dir) => fakeInitdb(dir));
    rmSync(mine.dir, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  });

  it('runs initdb once per build; later runs get the same cluster and password', async () => {
    let runs = 0;
    const build = async (dir: string) => {
      runs++;
      fakeInitdb(dir);
    };
    const first = await pristineCluster(initdb, undefined, () => mkdtempSync(join(root, 'b-')), build);
    const second = await pristineCluster(initdb, undefined, () => mkdtempSync(join(root, 'b-')), build);
    expect(runs).toBe(1);
    expect(second).toEqual(first);
    expect(first.password).toMatch(/^[0-9a-f]{24}$/);
    expect(readdirSync(root).filter((e) => e.startsWith('b-'))).toEqual([]); // the staging directory is gone
  });

  it('publishes nothing when initdb fails, and the next run builds it', async () => {
    const failing = pristineCluster(initdb, undefined, () => mkdtempSync(join(root, 'b-')), async (dir) => {
      writeFileSync(join(dir, 'PG_VERSION'), '15\n'); // half-way
      throw new Error('initdb exited with code 1');
    });
    await expect(failing).rejects.toThrow('initdb exited with code 1');
    let runs = 0;
    await pristineCluster(initdb, undefined, () => mkdtempSync(join(root, 'b-')), async (dir) => {
      runs++;
      fakeInitdb(dir);
    });
    expect(runs).toBe(1);
  });

  it('copies the cluster without its password file, mode 0700', async () => {
    const pristine = await pristineCluster(initdb, undefined, () => mkdtempSync(join(root, 'b-')), async (dir) => fakeInitdb(dir));
    const copy = mkdtempSync(join(root, 'copy-'));
    await copyCluster(pristine.dir, copy, undefined);
    expect(readdirSync(copy).sort()).toEqual(['PG_VERSION', 'global']);
    expect(existsSync(join(copy, 'global', 'pg_control'))).toBe(true);
    expect(statSync(copy).mode & 0o777).toBe(0o700);
  });
});
