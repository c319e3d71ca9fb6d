import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CreateNodesContextV2, CreateNodesResult } from '@nx/devkit';
import { createNodesV2, type ForgeMigrationPluginOptions } from './create-nodes';

const SCHEMA = 'packages/db/prisma/schema.prisma';
let workspaceRoot: string;

beforeAll(() => {
  workspaceRoot = mkdtempSync(join(tmpdir(), 'forge-nodes-'));
  mkdirSync(join(workspaceRoot, 'packages/db/prisma'), { recursive: true });
  writeFileSync(join(workspaceRoot, 'packages/db/project.json'), '{"name":"db"}');
  writeFileSync(join(workspaceRoot, SCHEMA), 'datasource db {\n  provider = "postgresql"\n}\n');
});
afterAll(() => rmSync(workspaceRoot, { recursive: true, force: true }));

async function inferredTargets(options?: ForgeMigrationPluginOptions) {
  const context: CreateNodesContextV2 = { workspaceRoot, nxJsonConfiguration: {} };
  const [[, result]] = (await createNodesV2[1]([SCHEMA], options, context)) as [string, CreateNodesResult][];
  return result.projects!['packages/db'].targets!;
}

describe('inferred targets and pgVersion', () => {
  it('pass the plugin option pgVersion to every target that starts a server; lint starts none', async () => {
    const targets = await inferredTargets({ pgVersion: 18 });
    const withServer = ['migrate', 'migrate-down', 'migrate-validate', 'migrate-status', 'migrate-checklist', 'migrate-prune'];
    expect(Object.fromEntries(withServer.map((name) => [name, targets[name].options]))).toEqual(Object.fromEntries(withServer.map((name) => [name, { pgVersion: 18 }])));
    expect(targets['migrate-lint'].options).toEqual({});
  });

  it('leave the options empty without it (the executors default to 15)', async () => {
    const targets = await inferredTargets();
    expect(Object.values(targets).map((t) => t.options)).toEqual(Object.values(targets).map(() => ({})));
  });
});
