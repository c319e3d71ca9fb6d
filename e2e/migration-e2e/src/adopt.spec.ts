import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { existingWorkspaceFiles, MODULE_VARIANTS, pushedProject } from './existing-project';
import { InstalledWorkspace } from './installed-workspace';
import { repoRoot } from './workspace';
import { cleanEnv } from './workspace-commands';

const { startEmbeddedPostgres } = require(join(repoRoot, 'packages/migration/dist/engine/embedded-postgres.js'));

const TEST_TOOLS = { typescript: '6.0.3', '@types/node': '20.19.43', tslib: '2.8.1' };
const DB = 'packages/db';

/** Every file of a folder (recursively), to prove a command left them as they were. */
function filesUnder(root: string, dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const entry of readdirSync(join(root, rel), { withFileTypes: true })) {
      const path = join(rel, entry.name);
      if (entry.isDirectory()) walk(path);
      else files[path] = readFileSync(join(root, path), 'utf8');
    }
  };
  walk(dir);
  return files;
}

function tsc(ws: InstalledWorkspace, config: string): { code: number | null; output: string } {
  const result = spawnSync(process.execPath, [join(ws.root, 'node_modules/typescript/bin/tsc'), '-p', config], { cwd: ws.root, encoding: 'utf8', env: cleanEnv() });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('adopting an existing Prisma project (Nx ts preset, npm workspaces, Prisma 6 schema, migrate dev history)', () => {
  let ws: InstalledWorkspace;
  beforeAll(() => {
    ws = InstalledWorkspace.create({ packageJson: { name: '@ws/source', workspaces: ['packages/*'], devDependencies: TEST_TOOLS }, files: existingWorkspaceFiles() });
    ws.commitAll('existing workspace');
  }, 600_000);
  afterAll(() => ws?.remove());

  it('installs the packed plugin without an engine warning; the tarball has its README and LICENSE', () => {
    expect(ws.installOutput).not.toMatch(/EBADENGINE/);
    const packed = readdirSync(join(ws.root, 'node_modules/@forge/migration'));
    expect(packed).toEqual(expect.arrayContaining(['README.md', 'LICENSE', 'dist', 'package.json']));
  });

  it('init adopts @ws/db as it is: registers the plugin, ignores .forge, changes none of its files and nothing else', () => {
    const project = filesUnder(ws.root, DB);
    const packageJson = readFileSync(join(ws.root, 'package.json'), 'utf8');
    const nxJson = JSON.parse(readFileSync(join(ws.root, 'nx.json'), 'utf8'));

    const out = ws.nxOk(['g', '@forge/migration:init']);
    expect(out).toMatch(/Adopted Prisma project @ws\/db \(packages\/db\), schema packages\/db\/prisma\/schema\.prisma; its files are unchanged\. 2 existing migration\(s\)/);
    expect(filesUnder(ws.root, DB)).toEqual(project);
    expect(readFileSync(join(ws.root, 'package.json'), 'utf8')).toBe(packageJson);
    expect(JSON.parse(readFileSync(join(ws.root, 'nx.json'), 'utf8'))).toEqual({ ...nxJson, plugins: ['@forge/migration'] });
    expect(readFileSync(join(ws.root, '.gitignore'), 'utf8')).toMatch(/^\.forge$/m);
    const targets = JSON.parse(ws.nxOk(['show', 'project', '@ws/db', '--json'])).targets;
    expect(targets['migrate-validate'].inputs).toEqual(expect.arrayContaining(['{projectRoot}/prisma/schema.prisma', '{projectRoot}/prisma/migrations/**/*']));
    ws.commitAll('init');
  });

  it('generates a change with a data migration that typechecks under module nodenext, node16, bundler and commonjs, and deploys from source', () => {
    ws.nxOk(['g', '@forge/migration:add-column', '--targetTable', 'User', '--name', 'handle', '--type', 'String', '--backfillSql', 'lower("email")']);
    expect(readFileSync(join(ws.root, DB, 'src/migrations/index.ts'), 'utf8')).toMatch(/\(\) => import\('\.\/add_column_user_handle\.js'\)/);
    for (const [file, config] of Object.entries(MODULE_VARIANTS)) writeFileSync(join(ws.root, DB, file), JSON.stringify(config, null, 2));
    for (const config of ['tsconfig.lib.json', ...Object.keys(MODULE_VARIANTS)]) {
      expect({ config, ...tsc(ws, join(DB, config)) }).toEqual({ config, code: 0, output: '' });
    }

    // The runtime loads index.ts and its './add_column_user_handle.js' from the .ts sources, in a "type": "module" package.
    const migrated = ws.nxOk(['run', '@ws/db:migrate']);
    expect(migrated).toMatch(/Database: embedded PostgreSQL/);
    expect(migrated).toMatch(/20240101000000_init +sql +applied/);
    expect(migrated).toMatch(/_add_column_user_handle +data +applied/);
    expect(ws.nxOk(['run', '@ws/db:migrate-status'])).toMatch(/5 applied, 0 pending, 0 failed[\s\S]*No drift/);
    expect(ws.nxOk(['run', '@ws/db:migrate-down', '--count', '3'])).toMatch(/Rolled back 3 migration\(s\); `nx run @ws\/db:migrate` applies them again/);
    ws.commitAll('handle');
  });

  it('deploys the same project from an image without the workspace: the project folder, the packed plugin, forge-migrate', async () => {
    const image = mkdtempSync(join(tmpdir(), 'forge-image-'));
    const server = await startEmbeddedPostgres();
    try {
      for (const dir of ['prisma', 'src/migrations']) cpSync(join(ws.root, DB, dir), join(image, 'db', dir), { recursive: true });
      writeFileSync(join(image, 'package.json'), JSON.stringify({ name: 'app', private: true }));
      const tarball = readdirSync(join(ws.root, '.pack')).find((f) => f.endsWith('.tgz'))!;
      execFileSync('npm', ['install', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', join(ws.root, '.pack', tarball)], { cwd: image, stdio: 'pipe', env: cleanEnv() });
      const forgeMigrate = (...args: string[]) =>
        spawnSync(join(image, 'node_modules/.bin/forge-migrate'), args, { cwd: image, encoding: 'utf8', env: { ...cleanEnv(), DATABASE_URL: server.url } });

      const migrated = forgeMigrate('migrate', '--project-dir', 'db');
      expect({ code: migrated.status, stderr: migrated.stderr }).toEqual({ code: 0, stderr: '' });
      expect(migrated.stdout).toMatch(/_add_column_user_handle +data +applied/);
      expect(migrated.stdout).toMatch(/Applied 5 migration\(s\); 0 were already applied\./);
      expect(forgeMigrate('status', '--project-dir', 'db').stdout).toMatch(/5 applied, 0 pending, 0 failed[\s\S]*No drift/);
    } finally {
      await server.stop();
      rmSync(image, { recursive: true, force: true });
    }
  });

  it('asks what a change needs when the migration generator runs in a terminal', () => {
    const env: NodeJS.ProcessEnv = { ...cleanEnv(), NX_DAEMON: 'false', NX_ISOLATE_PLUGINS: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', FORCE_COLOR: '0' };
    delete env.CI; // Nx (and the generator) ask nothing in CI
    const steps = [
      ['Name of the migration', 'post-title-idx\r'],
      ['Which kind of change', 'add_index'],
      ['add_index', '\r'],
      ['Which model', 'Post\r'],
      ['Fields of the index, in order, comma-separated \\(id, title, authorId\\)', 'title\r'],
      ['Unique\\?', '\r'],
    ];
    const run = spawnSync('python3', [join(__dirname, 'terminal.py'), JSON.stringify([process.execPath, join(ws.root, 'node_modules/nx/dist/bin/nx.js'), 'g', '@forge/migration:migration', '--project', '@ws/db']), JSON.stringify(steps)], {
      cwd: ws.root,
      encoding: 'utf8',
      env,
      timeout: 600_000,
    });
    expect({ code: run.status, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/CREATE packages\/db\/prisma\/migrations\/\d{14}_post_title_idx\/migration\.sql/);
    const folder = readdirSync(join(ws.root, DB, 'prisma/migrations')).find((f) => f.endsWith('_post_title_idx'))!;
    expect(readFileSync(join(ws.root, DB, 'prisma/migrations', folder, 'migration.sql'), 'utf8')).toMatch(/CREATE INDEX CONCURRENTLY IF NOT EXISTS "idx_Post_title" ON "Post"\("title"\);/);
    ws.commitAll('post title index');
  });

  it('three more Prisma projects: baselines, run-many migrate-validate --parallel=3 on separate servers, affected per project', () => {
    for (const [name, model] of [['billing', 'Invoice'], ['catalog', 'Product'], ['users', 'Account']]) {
      for (const [path, content] of Object.entries(pushedProject(name, model))) ws.write(path, content);
    }
    ws.nxOk(['g', '@forge/migration:init']); // registered already: adopts the new ones, changes nothing
    for (const name of ['billing', 'catalog', 'users']) {
      expect(ws.nxOk(['g', '@forge/migration:baseline', '--project', `@ws/${name}`])).toMatch(new RegExp(`nx run @ws/${name}:migrate-resolve --applied \\d{14}_baseline`));
    }
    const refused = ws.nx(['g', '@forge/migration:baseline', '--project', '@ws/billing']);
    expect(refused.code).not.toBe(0);
    expect(refused.output).toMatch(/already holds 1 migration\(s\)/);
    ws.commitAll('three projects with baselines');

    const projects = '--projects=@ws/billing,@ws/catalog,@ws/users';
    const all = ws.nxOk(['run-many', '-t', 'migrate-validate', '--parallel=3', projects, '--outputStyle=static']);
    expect(all.match(/every migration applies, rolls back/g)).toHaveLength(3);
    expect(all).toMatch(/Successfully ran target migrate-validate for 3 projects/);
    // validate wrote what it measured under traffic into each proven migration's report.md: committed
    // with them, as a user would, so that the next commit holds the catalog change alone.
    ws.commitAll('reports with what validate measured');

    ws.nxOk(['g', '@forge/migration:add-index', '--project', '@ws/catalog', '--targetTable', 'Product', '--fields', 'amount']);
    ws.commitAll('catalog: index');
    const affected = ws.affectedByLastCommit('migrate-validate');
    expect(affected).toMatch(/@ws\/catalog:migrate-validate/);
    expect(affected).not.toMatch(/@ws\/(billing|users|db):migrate-validate/);
  });
});
