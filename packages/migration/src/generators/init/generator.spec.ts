import { readNxJson, readProjectConfiguration, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { expectRefusedUntouched } from '../../testing/refusal';
import { initGenerator } from './generator';

describe('init generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace({ formatter: 'none' } as Parameters<typeof createTreeWithEmptyWorkspace>[0]);
  });

  it('registers the plugin once and creates a Prisma project', async () => {
    await initGenerator(tree, {});
    await initGenerator(tree, {});
    expect(readNxJson(tree)!.plugins!.filter((p) => p === '@forge/migration')).toHaveLength(1);
    expect(readProjectConfiguration(tree, 'prisma').root).toBe('packages/prisma');
    expect(tree.read('packages/prisma/prisma/schema.prisma', 'utf-8')).toContain('provider = "postgresql"');
    expect(tree.read('packages/prisma/prisma.config.ts', 'utf-8')).toContain("path: 'prisma/migrations'");
    expect(tree.exists('packages/prisma/prisma/migrations/migration_lock.toml')).toBe(true);
    expect(tree.read('packages/prisma/src/migrations/index.ts', 'utf-8')).toContain('export const dataMigrations');
    expect(JSON.parse(tree.read('package.json', 'utf-8')!).devDependencies.prisma).toBe('7.10.0');
    expect(tree.read('.gitignore', 'utf-8')!.match(/^\.forge$/gm)).toHaveLength(1);
  });

  it('honours --name and --directory', async () => {
    await initGenerator(tree, { name: 'db', directory: 'libs/db', skipPackageJson: true });
    expect(readProjectConfiguration(tree, 'db').root).toBe('libs/db');
    expect(tree.read('libs/db/prisma/schema.prisma', 'utf-8')).toContain('Prisma schema of db');
    expect(JSON.parse(tree.read('package.json', 'utf-8')!).devDependencies?.prisma).toBeUndefined();
  });

  it.each([
    [{ directory: '../outside' }, /inside the workspace/],
    [{ name: 'bad name!' }, /Invalid project --name/],
  ])('rejects %j without touching the tree', (options, message) => expectRefusedUntouched(tree, () => initGenerator(tree, options), message));
});
