import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CreateNodesResultV2 } from '@nx/devkit';
import { globWithWorkspaceContext } from 'nx/src/utils/workspace-context';
import { createNodesV2, type ForgeMigrationPluginOptions } from './create-nodes';

const SCHEMA = 'datasource db {\n  provider = "postgresql"\n}\n\nmodel User {\n  id Int @id\n}\n';

/** Runs the plugin as Nx does: its glob over a real workspace directory, then its function on the matches. */
type InferredTargets = Record<string, { inputs?: unknown[]; options?: unknown }>;

async function inferredProjects(root: string, options: ForgeMigrationPluginOptions = {}): Promise<Record<string, InferredTargets>> {
  const [glob, createNodes] = createNodesV2;
  const files = await globWithWorkspaceContext(root, [glob]);
  const results: CreateNodesResultV2 = await createNodes(files, options, { workspaceRoot: root, nxJsonConfiguration: {} });
  const projects: Record<string, InferredTargets> = {};
  for (const [, result] of results) {
    for (const [projectRoot, project] of Object.entries(result.projects ?? {})) {
      if (projects[projectRoot]) throw new Error(`${projectRoot} was inferred twice`);
      projects[projectRoot] = project.targets as InferredTargets;
    }
  }
  return projects;
}

describe('createNodesV2: targets on every project with a Prisma schema, wherever Prisma finds it', () => {
  let root: string;
  const write = (path: string, content: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  };

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'forge-nodes-'));
    write('nx.json', '{}');
    write('package.json', JSON.stringify({ name: '@ws/source', private: true, workspaces: ['packages/*'] }));
    write('packages/db/package.json', JSON.stringify({ name: '@ws/db' }));
    write('packages/db/prisma/schema.prisma', SCHEMA);
    write('packages/db/prisma/migrations/20240101000000_init/migration.sql', 'SELECT 1;\n');
    write('packages/db/prisma.config.ts', "export default { schema: 'prisma/schema.prisma' };\n");
    write('packages/multi/project.json', JSON.stringify({ name: 'multi' }));
    write('packages/multi/prisma/schema/main.prisma', SCHEMA);
    write('packages/multi/prisma/schema/audit.prisma', 'model Audit {\n  id Int @id\n}\n');
    write('packages/configured/package.json', JSON.stringify({ name: '@ws/configured' }));
    write('packages/configured/prisma.config.ts', "export default { schema: 'database/main.prisma', migrations: { path: 'database/migrations' } };\n");
    write('packages/configured/database/main.prisma', SCHEMA);
    write('packages/legacy/package.json', JSON.stringify({ name: '@ws/legacy', prisma: { schema: 'db/schema.prisma' } }));
    write('packages/legacy/db/schema.prisma', SCHEMA);
    write('packages/ui/package.json', JSON.stringify({ name: '@ws/ui' }));
    write('tools/prisma/schema.prisma', SCHEMA); // not a project: no project.json or package.json
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('infers the targets once per project, and on no folder that is not a Prisma project', async () => {
    const projects = await inferredProjects(root);
    expect(Object.keys(projects).sort()).toEqual(['packages/configured', 'packages/db', 'packages/legacy', 'packages/multi']);
    for (const targets of Object.values(projects)) expect(Object.keys(targets)).toContain('migrate-validate');
  });

  it('makes the schema and migrations where they are the cache inputs', async () => {
    const projects = await inferredProjects(root);
    const inputs = (project: string) => projects[project]['migrate-validate'].inputs!.filter((i) => typeof i === 'string');
    expect(inputs('packages/db')).toEqual(['{projectRoot}/prisma/schema.prisma', '{projectRoot}/prisma/migrations/**/*', '!{projectRoot}/prisma/migrations/**/report.md', '{projectRoot}/prisma.config.ts', '{projectRoot}/src/migrations/**/*']);
    expect(inputs('packages/multi')).toEqual(expect.arrayContaining(['{projectRoot}/prisma/schema/**/*', '{projectRoot}/prisma/schema/migrations/**/*']));
    expect(inputs('packages/configured')).toEqual(expect.arrayContaining(['{projectRoot}/database/main.prisma', '{projectRoot}/database/migrations/**/*']));
    expect(inputs('packages/legacy')).toEqual(expect.arrayContaining(['{projectRoot}/db/schema.prisma', '{projectRoot}/db/migrations/**/*']));
  });

  it('keys migrate-validate on the database it reads: DATABASE_URL, the shadow and embedded settings, and every variable the datasource or prisma.config.ts names', async () => {
    write('packages/db/prisma.config.ts', "export default { schema: 'prisma/schema.prisma', datasource: { url: env('APP_DIRECT_URL'), shadowDatabaseUrl: process.env.APP_SHADOW } };\n");
    write('packages/legacy/db/schema.prisma', SCHEMA.replace('provider = "postgresql"', 'provider = "postgresql"\n  url = env("POOLED_URL")\n  directUrl = env("DIRECT_URL")'));
    const projects = await inferredProjects(root);
    const envInputs = (project: string) => projects[project]['migrate-validate'].inputs!.filter((i) => typeof i === 'object' && i !== null && 'env' in i);
    expect(envInputs('packages/db')).toEqual(['APP_DIRECT_URL', 'APP_SHADOW', 'DATABASE_URL', 'FORGE_EMBEDDED_PG_DIR', 'SHADOW_DATABASE_URL'].map((env) => ({ env })));
    expect(envInputs('packages/legacy')).toEqual(['DATABASE_URL', 'DIRECT_URL', 'FORGE_EMBEDDED_PG_DIR', 'POOLED_URL', 'SHADOW_DATABASE_URL'].map((env) => ({ env })));
    // The plugin's version (a runtime input) and the data migrations stay inputs too.
    const all = projects['packages/db']['migrate-validate'].inputs!;
    expect(all).toEqual(expect.arrayContaining([{ runtime: expect.stringContaining("require('@forge/migration/package.json').version") }, '{projectRoot}/src/migrations/**/*']));
  });

  it('passes the plugin option pgVersion to every target that starts a server; lint starts none', async () => {
    const targets = (await inferredProjects(root, { pgVersion: 18 }))['packages/db'];
    const withServer = ['migrate', 'migrate-down', 'migrate-resolve', 'migrate-validate', 'migrate-status', 'migrate-checklist', 'migrate-prune'];
    expect(Object.fromEntries(withServer.map((name) => [name, targets[name].options]))).toEqual(Object.fromEntries(withServer.map((name) => [name, { pgVersion: 18 }])));
    expect(targets['migrate-lint'].options).toEqual({});
  });

  it('leaves the options empty without it (the executors default to 15)', async () => {
    const { 'migrate-dev': _dev, ...executors } = (await inferredProjects(root))['packages/db'];
    expect(Object.values(executors).map((t) => t.options)).toEqual(Object.values(executors).map(() => ({})));
  });

  it('infers migrate-dev, which runs the dev generator on the project (nx run db:migrate-dev --name x)', async () => {
    const dev = (await inferredProjects(root, { pgVersion: 18 }))['packages/db']['migrate-dev'];
    expect(dev).toMatchObject({ executor: 'nx:run-commands', options: { command: 'nx g @forge/migration:dev --project={projectName}' } });
  });
});
