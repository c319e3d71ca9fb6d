import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScratchWorkspace } from './workspace';

// pgVersion through real Nx: the nx.json plugin option reaches the executors through the inferred
// targets, and --pgVersion overrides it. An unsupported value makes that visible without
// installing or starting anything.
describe('pgVersion through real Nx', () => {
  let ws: ScratchWorkspace;
  beforeAll(() => {
    ws = ScratchWorkspace.create('pg-version');
    const nxJson = JSON.parse(readFileSync(join(ws.root, 'nx.json'), 'utf8'));
    writeFileSync(join(ws.root, 'nx.json'), JSON.stringify({ ...nxJson, plugins: [{ plugin: '@forge/migration', options: { pgVersion: 12 } }] }, null, 2));
  });
  afterAll(() => ws.remove());

  it('the plugin option flows into the targets that start a server, not into lint', () => {
    const project = JSON.parse(ws.nxOk(['show', 'project', 'prisma', '--json']));
    expect(project.targets['migrate-validate'].options).toEqual({ pgVersion: 12 });
    expect(project.targets.migrate.options).toEqual({ pgVersion: 12 });
    expect(project.targets['migrate-lint'].options).toEqual({});
  });

  it('reaches the executor, which refuses it by name; --pgVersion overrides it', () => {
    const refused = ws.nx(['run', 'prisma:migrate-status']);
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain('Invalid pgVersion (nx.json plugin option or --pgVersion) 12: expected a PostgreSQL major version, one of 14, 15, 16, 17, 18 (default 15).');
    const overridden = ws.nxOk(['run', 'prisma:migrate-status', '--pgVersion', '15']);
    expect(overridden).toMatch(/Database: embedded PostgreSQL 15 \(/);
  });

  it('generators refuse it too, before writing anything', () => {
    const migrations = join(ws.root, 'packages/prisma/prisma/migrations');
    const before = readdirSync(migrations);
    const refused = ws.nx(['g', '@forge/migration:add-index', '--targetTable', 'AuditLog', '--fields', 'action']);
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain('Invalid pgVersion of the @forge/migration plugin in nx.json 12');
    expect(readdirSync(migrations)).toEqual(before);
  });
});
