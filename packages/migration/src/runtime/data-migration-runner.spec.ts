import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDataMigrationRunner, lazyDataMigrationRunner } from './data-migration-runner';
import { silentLogger } from './logger';

const URL = 'postgresql://nobody@127.0.0.1:1/none'; // never connected to: only the registry is read

describe('lazyDataMigrationRunner', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'forge-lazy-runner-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the registry on first use, not when created', () => {
    writeFileSync(join(dir, 'index.ts'), 'export const dataMigrations = {\n  broken: (\n};\n');
    expect(() => createDataMigrationRunner(URL, dir, silentLogger)).toThrow(/index\.ts/);
    const lazy = lazyDataMigrationRunner(URL, dir, silentLogger);
    expect(() => lazy.has('20250101000000_x')).toThrow(/index\.ts/);
  });

  it('answers like the eager runner once read', () => {
    writeFileSync(join(dir, 'index.ts'), "export const dataMigrations = {\n  '20250101000000_x': () => import('./x.js'),\n};\n");
    const lazy = lazyDataMigrationRunner(URL, dir, silentLogger);
    expect(lazy.has('20250101000000_x')).toBe(true);
    expect(lazy.has('20250101000000_y')).toBe(false);
  });
});
