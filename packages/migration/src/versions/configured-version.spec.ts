import { readNxJson, updateNxJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import type { PluginConfiguration } from 'nx/src/config/nx-json';
import { configuredPgVersion } from './configured-version';

const SCHEMA = 'packages/billing/prisma/schema.prisma';

function treeWithPlugins(plugins: PluginConfiguration[]): Tree {
  const tree = createTreeWithEmptyWorkspace({ formatter: 'none' } as Parameters<typeof createTreeWithEmptyWorkspace>[0]);
  updateNxJson(tree, { ...readNxJson(tree), plugins });
  return tree;
}

describe('configuredPgVersion', () => {
  it('is 15 unless the plugin options in nx.json say otherwise', () => {
    expect(configuredPgVersion(treeWithPlugins([]), SCHEMA)).toBe(15);
    expect(configuredPgVersion(treeWithPlugins(['@forge/migration']), SCHEMA)).toBe(15);
    expect(configuredPgVersion(treeWithPlugins([{ plugin: '@forge/migration', options: { targetPrefix: 'db' } }]), SCHEMA)).toBe(15);
  });

  it('reads pgVersion from the plugin options, as a number or a string', () => {
    expect(configuredPgVersion(treeWithPlugins([{ plugin: '@forge/migration', options: { pgVersion: 18 } }]), SCHEMA)).toBe(18);
    expect(configuredPgVersion(treeWithPlugins([{ plugin: '@forge/migration', options: { pgVersion: '16' } }]), SCHEMA)).toBe(16);
    expect(configuredPgVersion(treeWithPlugins([{ plugin: '@nx/js', options: { pgVersion: 18 } }]), SCHEMA)).toBe(15);
  });

  it('takes the registration whose include/exclude applies to the project, the last one winning as in Nx', () => {
    const tree = treeWithPlugins([
      { plugin: '@forge/migration', options: { pgVersion: 14 }, include: ['packages/legacy/**'] },
      { plugin: '@forge/migration', options: { pgVersion: 17 }, exclude: ['packages/legacy/**'] },
      { plugin: '@forge/migration', options: { pgVersion: 18 }, include: ['packages/**', '!packages/billing/**', '!packages/legacy/**'] },
    ]);
    expect(configuredPgVersion(tree, SCHEMA)).toBe(17);
    expect(configuredPgVersion(tree, 'packages/legacy/prisma/schema.prisma')).toBe(14);
    expect(configuredPgVersion(tree, 'packages/shop/prisma/schema.prisma')).toBe(18);
  });

  it('refuses an unsupported version, naming the setting', () => {
    const tree = treeWithPlugins([{ plugin: '@forge/migration', options: { pgVersion: 12 } }]);
    expect(() => configuredPgVersion(tree, SCHEMA)).toThrow(
      'Invalid pgVersion of the @forge/migration plugin in nx.json 12: expected a PostgreSQL major version, one of 14, 15, 16, 17, 18 (default 15).',
    );
  });
});
