import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCanonicalRegistry } from './canonical-registry';
import { loadDataMigrations } from './registry';

const HEADER = "// Data migrations.\nimport type { DataMigrationRegistry } from '@forge/migration/runtime';\n\n";
const MODULE = 'export async function up() {}\nexport async function down() {}\nexport async function validate() { return true; }\n';

describe('loadDataMigrations with the registry the generators write', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'forge-registry-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('knows the folders from the text, and loads a module only when asked', async () => {
    const index = `${HEADER}export const dataMigrations: DataMigrationRegistry = {\n  '20250101120000_a': () => import('./a.js'),\n  '20250102120000_missing': () => import('./missing.js')\n};\n`;
    expect(parseCanonicalRegistry(index)?.entries.map((e) => e.folder)).toEqual(['20250101120000_a', '20250102120000_missing']);
    writeFileSync(join(dir, 'index.ts'), index);
    writeFileSync(join(dir, 'a.ts'), MODULE);
    const loaders = loadDataMigrations(dir);
    expect([...loaders.keys()]).toEqual(['20250101120000_a', '20250102120000_missing']);
    const a = await loaders.get('20250101120000_a')!();
    expect(await a.validate({} as never)).toBe(true);
    await expect(loaders.get('20250102120000_missing')!()).rejects.toThrow(/missing/);
  });

  it('reads the empty registry init writes as no data migration', () => {
    writeFileSync(join(dir, 'index.ts'), `${HEADER}export const dataMigrations: DataMigrationRegistry = {};\n`);
    expect(loadDataMigrations(dir).size).toBe(0);
  });
});
