import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import type { Tree } from '@nx/devkit';
import ts from 'typescript';
import { SAMPLE_ROOT, createSampleTree, snapshotTree } from '../testing/sample-tree';
import { EMPTY_REGISTRY, writeDataMigration, type DataMigrationFile } from './data-migration';

const FOLDER = '20250101120000_add_user_locale';
const INDEX = `${SAMPLE_ROOT}/src/migrations/index.ts`;

const parsed = new Map<string, ts.SourceFile | undefined>();

/** A compiler host that parses each file once per test file: the standard library dominates a program's cost. */
function cachingHost(): ts.CompilerHost {
  const host = ts.createCompilerHost({});
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, ...rest) => {
    const key = `${fileName}\0${JSON.stringify(languageVersion)}`;
    if (!parsed.has(key)) parsed.set(key, getSourceFile(fileName, languageVersion, ...rest));
    return parsed.get(key);
  };
  return host;
}

/** How Nx's `ts` preset and the other common setups compile a library (module / moduleResolution). */
const MODULE_SETTINGS: Record<string, ts.CompilerOptions> = {
  bundler: { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler },
  nodenext: { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext },
  node16: { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 },
  commonjs: { module: ts.ModuleKind.CommonJS },
};

/**
 * Type-checks sets of files (strict), each in its own folder, against the real runtime types that
 * '@forge/migration/runtime' exports. One program for all sets: the standard library is parsed once.
 */
function typeErrors(sets: Record<string, Record<string, string | null>>, moduleSetting: ts.CompilerOptions = MODULE_SETTINGS.bundler): Record<string, string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'forge-typecheck-'));
  try {
    const roots = Object.entries(sets).flatMap(([set, files]) =>
      Object.entries(files).map(([name, content]) => {
        mkdirSync(join(dir, set), { recursive: true });
        writeFileSync(join(dir, set, name), content ?? '');
        return join(dir, set, name);
      }),
    );
    const program = ts.createProgram({ rootNames: roots.filter((file) => file.endsWith('.ts')), host: cachingHost(), options: {
      // Nx's `ts` preset (tsconfig.base.json) checks these besides strict.
      strict: true,
      noUnusedLocals: true,
      noImplicitReturns: true,
      noImplicitOverride: true,
      noFallthroughCasesInSwitch: true,
      isolatedModules: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      ...moduleSetting,
      types: [],
      paths: { '@forge/migration/runtime': [join(__dirname, '../runtime/data-migrations/types.ts')] },
    } });
    const errors: Record<string, string[]> = Object.fromEntries(Object.keys(sets).map((set) => [set, []]));
    for (const d of ts.getPreEmitDiagnostics(program)) {
      const set = d.file ? relative(dir, d.file.fileName).split(sep)[0] : '';
      (errors[set] ?? (errors[set] = [])).push(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    }
    return errors;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function options(overrides: Partial<DataMigrationFile> = {}): DataMigrationFile {
  return {
    projectRoot: SAMPLE_ROOT,
    migrationFolder: FOLDER,
    name: 'add_user_locale',
    model: 'User',
    description: 'Backfill User.locale with "en" for existing rows',
    estimatedDuration: '~4 s per 1M rows',
    generatedAt: new Date('2025-01-01T12:00:00.000Z'),
    body: {
      up: `await ctx.batchUpdate({ table: 'User', set: \`"locale" = 'en'\`, where: '"locale" IS NULL' });`,
      down: `await ctx.batchUpdate({ table: 'User', set: '"locale" = NULL', where: '"locale" IS NOT NULL' });`,
      validate: `const missing = await ctx.count('User', '"locale" IS NULL');\nreturn missing === 0;`,
    },
    ...overrides,
  };
}

describe('writeDataMigration', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createSampleTree();
  });

  it('writes the file with the seed header and the three functions, and registers it', () => {
    expect(writeDataMigration(tree, options())).toEqual({ file: `${SAMPLE_ROOT}/src/migrations/add_user_locale.ts`, indexFile: INDEX });

    const file = tree.read(`${SAMPLE_ROOT}/src/migrations/add_user_locale.ts`, 'utf-8')!;
    expect(file.split('\n').slice(0, 11).join('\n')).toBe(`/**
 * @prompt-id forge-v4.1:generator:migration:add_user_locale:001
 * @generated-at 2025-01-01T12:00:00.000Z
 * @model User
 *
 * Migration: ${FOLDER}
 * Description: Backfill User.locale with "en" for existing rows
 * Reversible: Yes
 * Estimated Duration: ~4 s per 1M rows
 */
import type { DataMigrationContext } from '@forge/migration/runtime';`);
    expect(file).toContain(
      `export async function up(ctx: DataMigrationContext): Promise<void> {\n  await ctx.batchUpdate({ table: 'User', set: \`"locale" = 'en'\`, where: '"locale" IS NULL' });\n}`,
    );
    expect(file).toContain(
      `export async function validate(ctx: DataMigrationContext): Promise<boolean> {\n  const missing = await ctx.count('User', '"locale" IS NULL');\n  return missing === 0;\n}`,
    );
    expect(file).not.toContain('&#34;'); // <%- %>, not HTML-escaped

    const index = tree.read(INDEX, 'utf-8')!;
    expect(index).toContain(`import type { DataMigrationRegistry } from '@forge/migration/runtime';`);
    expect(index).toMatch(/export const dataMigrations: DataMigrationRegistry = \{\n {2}'20250101120000_add_user_locale': \(\) => import\('\.\/add_user_locale\.js'\),?\n\};/);
  });

  it('writes TypeScript that type-checks (strict) against the runtime types', () => {
    writeDataMigration(tree, options());
    const index = tree.read(INDEX, 'utf-8');
    const file = tree.read(`${SAMPLE_ROOT}/src/migrations/add_user_locale.ts`, 'utf-8')!;
    // The "broken" set proves the check is real: without validate() a module is not a DataMigrationModule.
    const errors = typeErrors({
      good: { 'index.ts': index, 'add_user_locale.ts': file },
      broken: { 'index.ts': index, 'add_user_locale.ts': file.replace('export async function validate', 'async function validate') },
    });
    expect(errors.good).toEqual([]);
    expect(errors.broken.join('\n')).toContain("Property 'validate' is missing");
  });

  it.each([
    ['nodenext in an ES module package (Nx ts preset)', 'nodenext', 'module'],
    ['node16 in an ES module package', 'node16', 'module'],
    ['bundler', 'bundler', undefined],
    ['commonjs', 'commonjs', undefined],
  ])('writes a registry that type-checks under module %s', (_label, setting, packageType) => {
    writeDataMigration(tree, options());
    const files = {
      'package.json': JSON.stringify({ name: 'db', ...(packageType ? { type: packageType } : {}) }),
      'index.ts': tree.read(INDEX, 'utf-8'),
      'add_user_locale.ts': tree.read(`${SAMPLE_ROOT}/src/migrations/add_user_locale.ts`, 'utf-8'),
    };
    expect(typeErrors({ project: files }, { ...MODULE_SETTINGS[setting], ignoreDeprecations: '6.0' }).project).toEqual([]);
  });

  it('appends to an existing registry, keeping its comments and entries', () => {
    writeDataMigration(tree, options());
    tree.write(INDEX, tree.read(INDEX, 'utf-8')!.replace(`  '${FOLDER}'`, `  // the first one\n  '${FOLDER}'`));
    writeDataMigration(tree, options({ migrationFolder: '20250102120000_order_status', name: 'order_status', model: 'Order' }));
    const index = tree.read(INDEX, 'utf-8')!;
    expect(index).toContain(`  // the first one\n  '${FOLDER}': () => import('./add_user_locale.js'),\n  '20250102120000_order_status': () => import('./order_status.js')`);
  });

  it('names a second data migration of the same name after its folder (the same change made twice)', () => {
    writeDataMigration(tree, options());
    const later = writeDataMigration(tree, options({ migrationFolder: '20250102120000_add_user_locale' }));
    expect(later.file).toBe(`${SAMPLE_ROOT}/src/migrations/add_user_locale_20250102120000.ts`);
    expect(tree.read(later.file, 'utf-8')).toContain(' * Migration: 20250102120000_add_user_locale\n');
    expect(tree.read(INDEX, 'utf-8')).toContain(`'${FOLDER}': () => import('./add_user_locale.js'),\n  '20250102120000_add_user_locale': () => import('./add_user_locale_20250102120000.js')`);
  });

  it('creates index.ts when the project has none', () => {
    tree.delete(INDEX);
    writeDataMigration(tree, options());
    expect(tree.read(INDEX, 'utf-8')).toBe(EMPTY_REGISTRY.replace('= {};', `= {\n  '${FOLDER}': () => import('./add_user_locale.js')\n};`));
  });

  it('keeps the header a valid comment whatever the description says', () => {
    writeDataMigration(tree, options({ description: 'Maps */ safely\nsecond line' }));
    const file = tree.read(`${SAMPLE_ROOT}/src/migrations/add_user_locale.ts`, 'utf-8')!;
    expect(file).toContain(' * Description: Maps *\\/ safely\n *   second line\n');
  });

  it.each([
    ['a second data migration for the same SQL migration', () => {
      writeDataMigration(tree, options());
      return options({ name: 'other_name' });
    }, `${FOLDER} already has a data migration in ${INDEX} ('${FOLDER}': () => import('./add_user_locale.js')).`],
    ['an existing file', () => {
      tree.write(`${SAMPLE_ROOT}/src/migrations/add_user_locale.ts`, '// mine');
      return options();
    }, `${SAMPLE_ROOT}/src/migrations/add_user_locale.ts already exists.`],
    ['a name that is not snake_case', () => options({ name: 'AddLocale' }), 'Invalid data migration name "AddLocale"'],
    ['the name index', () => options({ name: 'index' }), 'not "index"'],
    ['a folder without timestamp', () => options({ migrationFolder: 'add_user_locale' }), 'Invalid migration folder "add_user_locale"'],
    ['an empty body', () => options({ body: { up: 'await 1;', down: '  ', validate: 'return true;' } }), 'The data migration needs a body for down(ctx).'],
    ['a body that does not parse', () => options({ body: { up: 'await ctx.query(', down: 'return;', validate: 'return true;' } }), 'The generated data migration does not parse: packages/prisma/src/migrations/add_user_locale.ts:'],
    ['a registry without an object literal', () => {
      tree.write(INDEX, 'export const dataMigrations = load();\n');
      return options();
    }, `${INDEX} must export the registry as an object literal`],
  ])('refuses %s and leaves the tree untouched', (_what, arrange, message) => {
    const input = arrange();
    const before = snapshotTree(tree);
    const changes = tree.listChanges().length;
    expect(() => writeDataMigration(tree, input)).toThrow(message);
    expect(snapshotTree(tree)).toEqual(before);
    expect(tree.listChanges().length).toBe(changes);
  });
});
