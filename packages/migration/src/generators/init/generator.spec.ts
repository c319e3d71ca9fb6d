import { readNxJson, readProjectConfiguration, writeJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { resolvePrismaProject } from '../../rules/prisma-project';
import { expectRefusedUntouched } from '../../testing/refusal';
import { snapshotTree } from '../../testing/sample-tree';
import { initGenerator } from './generator';

const SCHEMA_6 = `datasource db {
  provider  = "postgresql"
  url       = env("DATABASE_URL")
  directUrl = env("DIRECT_URL")
}

model User {
  id    Int    @id @default(autoincrement())
  email String @unique
}
`;

function emptyWorkspace(): Tree {
  return createTreeWithEmptyWorkspace({ formatter: 'none' } as Parameters<typeof createTreeWithEmptyWorkspace>[0]);
}

/** A workspace as Nx's `ts` preset makes it: npm workspaces, projects known by their package.json (scoped names). */
function tsPresetWorkspace(): Tree {
  const tree = emptyWorkspace();
  writeJson(tree, 'package.json', { name: '@ws/source', private: true, workspaces: ['packages/*'], devDependencies: { nx: '23.2.1' } });
  return tree;
}

function addPackage(tree: Tree, dir: string, packageJson: Record<string, unknown>, files: Record<string, string>): void {
  writeJson(tree, `${dir}/package.json`, packageJson);
  for (const [path, content] of Object.entries(files)) tree.write(`${dir}/${path}`, content);
}

/** Every file outside nx.json and .gitignore, to prove adoption changed none. */
function filesBesidesNxJsonAndGitignore(tree: Tree): Map<string, string> {
  const files = snapshotTree(tree);
  files.delete('nx.json');
  files.delete('.gitignore');
  return files;
}

describe('init generator', () => {
  describe('a new project', () => {
    let tree: Tree;
    beforeEach(() => {
      tree = emptyWorkspace();
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

    it('takes a scoped --name; its directory drops the scope', async () => {
      await initGenerator(tree, { name: '@acme/billing-db', skipPackageJson: true });
      expect(readProjectConfiguration(tree, '@acme/billing-db').root).toBe('packages/billing-db');
    });

    it.each([
      [{ directory: '../outside' }, /inside the workspace/],
      [{ directory: '/abs/path' }, /inside the workspace/],
      [{ name: 'bad name!' }, /Invalid project --name/],
    ])('rejects %j without touching the tree', (options, message) => expectRefusedUntouched(tree, () => initGenerator(tree, options), message));

    it('refuses a non-empty directory without touching the tree (not even nx.json)', async () => {
      tree.write('libs/db/README.md', '# db\n');
      await expectRefusedUntouched(tree, () => initGenerator(tree, { name: 'db', directory: 'libs/db' }), /libs\/db exists and is not empty\. Choose another --directory/);
    });
  });

  describe('an existing Prisma project', () => {
    it('adopts a scoped project with a Prisma 6 schema and migrations, changing none of its files, package.json or the rest of nx.json', async () => {
      const tree = tsPresetWorkspace();
      addPackage(tree, 'packages/db', { name: '@ws/db', version: '0.0.1' }, {
        'prisma/schema.prisma': SCHEMA_6,
        'prisma/migrations/20240101000000_init/migration.sql': 'CREATE TABLE "User" ("id" SERIAL PRIMARY KEY, "email" TEXT NOT NULL);\n',
        'prisma/migrations/migration_lock.toml': 'provider = "postgresql"\n',
      });
      writeJson(tree, 'nx.json', { ...readNxJson(tree), namedInputs: { default: ['{projectRoot}/**/*'] }, plugins: [{ plugin: '@nx/js/typescript', options: {} }] });
      const nxBefore = readNxJson(tree)!;
      const before = filesBesidesNxJsonAndGitignore(tree);

      await initGenerator(tree, {});

      expect(filesBesidesNxJsonAndGitignore(tree)).toEqual(before);
      const nxAfter = readNxJson(tree)!;
      expect(nxAfter).toEqual({ ...nxBefore, plugins: [...nxBefore.plugins!, '@forge/migration'] });
      expect(tree.read('.gitignore', 'utf-8')).toMatch(/^\.forge$/m);
      expect(tree.exists('packages/prisma')).toBe(false);
      expect(resolvePrismaProject(tree).name).toBe('@ws/db'); // generators find it without --project
    });

    it.each([
      ['--name @ws/db', { name: '@ws/db' }],
      ['--directory packages/db', { directory: 'packages/db/' }],
    ])('adopts it when named with %s', async (_label, options) => {
      const tree = tsPresetWorkspace();
      addPackage(tree, 'packages/db', { name: '@ws/db' }, { 'prisma/schema.prisma': SCHEMA_6 });
      const before = filesBesidesNxJsonAndGitignore(tree);
      await initGenerator(tree, options);
      expect(filesBesidesNxJsonAndGitignore(tree)).toEqual(before);
      expect(readNxJson(tree)!.plugins).toContain('@forge/migration');
    });

    it.each([
      ['a multi-file prisma/schema/ folder', {}, { 'prisma/schema/schema.prisma': SCHEMA_6, 'prisma/schema/audit.prisma': 'model Audit {\n  id Int @id\n}\n' }, 'packages/db/prisma/schema'],
      [
        'the schema prisma.config.ts points at',
        {},
        { 'prisma.config.ts': "import { defineConfig } from 'prisma/config';\nexport default defineConfig({ schema: 'database/main.prisma' });\n", 'database/main.prisma': SCHEMA_6 },
        'packages/db/database/main.prisma',
      ],
      ["package.json's prisma.schema (Prisma 6)", { prisma: { schema: 'db/schema.prisma' } }, { 'db/schema.prisma': SCHEMA_6 }, 'packages/db/db/schema.prisma'],
    ])('finds %s', async (_label, extraPackageJson, files, schemaPath) => {
      const tree = tsPresetWorkspace();
      addPackage(tree, 'packages/db', { name: '@ws/db', ...extraPackageJson }, files);
      const before = filesBesidesNxJsonAndGitignore(tree);
      await initGenerator(tree, {});
      expect(filesBesidesNxJsonAndGitignore(tree)).toEqual(before);
      expect(resolvePrismaProject(tree, '@ws/db').schemaPath).toBe(schemaPath);
    });

    it('adopts every Prisma project of the workspace; generators then need --project', async () => {
      const tree = tsPresetWorkspace();
      for (const name of ['billing', 'catalog', 'users']) addPackage(tree, `packages/${name}`, { name: `@ws/${name}` }, { 'prisma/schema.prisma': SCHEMA_6 });
      addPackage(tree, 'packages/ui', { name: '@ws/ui' }, { 'src/index.ts': 'export {};\n' });
      await initGenerator(tree, {});
      expect(() => resolvePrismaProject(tree)).toThrow(/Projects with a Prisma schema: @ws\/billing, @ws\/catalog, @ws\/users; pass one with --project/);
      expect(resolvePrismaProject(tree, '@ws/catalog').root).toBe('packages/catalog');
    });

    it('refuses, untouched, a --name whose default directory is an existing Prisma project, and says how to adopt it', async () => {
      const tree = tsPresetWorkspace();
      addPackage(tree, 'packages/db', { name: '@ws/db' }, { 'prisma/schema.prisma': SCHEMA_6 });
      await expectRefusedUntouched(tree, () => initGenerator(tree, { name: 'db' }), /packages\/db exists and is not empty\. It is the Prisma project @ws\/db: run init without --name\/--directory to adopt it/);
    });

    it('refuses, untouched, an existing project without a schema', async () => {
      const tree = tsPresetWorkspace();
      addPackage(tree, 'packages/ui', { name: '@ws/ui' }, { 'src/index.ts': 'export {};\n' });
      await expectRefusedUntouched(tree, () => initGenerator(tree, { name: '@ws/ui' }), /Project @ws\/ui \(packages\/ui\) has no Prisma schema .* Fix: add the schema and run init again, or pick another --name/);
    });

    it('refuses, untouched, --name and --directory that name two different places', async () => {
      const tree = tsPresetWorkspace();
      addPackage(tree, 'packages/db', { name: '@ws/db' }, { 'prisma/schema.prisma': SCHEMA_6 });
      await expectRefusedUntouched(tree, () => initGenerator(tree, { name: '@ws/db', directory: 'libs/db' }), /Project @ws\/db already exists in packages\/db/);
    });
  });
});
