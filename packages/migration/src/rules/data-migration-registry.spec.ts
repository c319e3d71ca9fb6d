import { EMPTY_REGISTRY } from './data-migration';
import { registerInCanonicalIndex, registerInIndex, registerThroughAst } from './data-migration-registry';

const INDEX = 'packages/prisma/src/migrations/index.ts';
const A = `  '20250101120000_add_user_locale': () => import('./add_user_locale.js')`;
const B = `  '20250102120000_order_status': () => import('./order_status.js')`;
const registry = (body: string, declaration = 'export const dataMigrations: DataMigrationRegistry = ') => EMPTY_REGISTRY.replace('export const dataMigrations: DataMigrationRegistry = {};', `${declaration}${body};`);

describe('registerInIndex', () => {
  // ts-morph is the oracle: the text edit of a canonical registry must be byte for byte its edit.
  it.each([
    ['the empty registry init writes', EMPTY_REGISTRY],
    ['one entry', registry(`{\n${A}\n}`)],
    ['two entries', registry(`{\n${A},\n${B}\n}`)],
    ['an untyped declaration', registry(`{\n${A}\n}`, 'export const dataMigrations = ')],
  ])('edits %s as text, exactly as through the TypeScript AST', (_shape, source) => {
    const text = registerInCanonicalIndex(source, INDEX, '20250103120000_swap', 'swap');
    expect(text).toBeDefined();
    expect(text).toBe(registerThroughAst(source, INDEX, '20250103120000_swap', 'swap'));
    expect(text).toContain(`  '20250103120000_swap': () => import('./swap.js')\n};`);
  });

  it.each([
    ['a comment among the entries', registry(`{\n  // the first one\n${A}\n}`)],
    ['a trailing comma', registry(`{\n${A},\n}`)],
    ['satisfies', registry(`{\n${A}\n} satisfies DataMigrationRegistry`, 'export const dataMigrations = ')],
    ['a block comment before it', `/* export const dataMigrations = {}; */\n${EMPTY_REGISTRY}`],
    ['code after it', `${registry(`{\n${A}\n}`)}\nexport const more = 1;\n`],
    ['an entry of another shape', registry(`{\n  '20250101120000_add_user_locale': async () => import('./add_user_locale.js')\n}`)],
  ])('leaves a registry with %s to the TypeScript AST', (_shape, source) => {
    expect(registerInCanonicalIndex(source, INDEX, '20250103120000_swap', 'swap')).toBeUndefined();
    expect(registerInIndex(source, INDEX, '20250103120000_swap', 'swap')).toBe(registerThroughAst(source, INDEX, '20250103120000_swap', 'swap'));
  });

  it('refuses a folder already registered, naming its entry, on either path', () => {
    const canonical = registry(`{\n${A},\n${B}\n}`);
    const message = `20250101120000_add_user_locale already has a data migration in ${INDEX} ('20250101120000_add_user_locale': () => import('./add_user_locale.js')).`;
    expect(() => registerInCanonicalIndex(canonical, INDEX, '20250101120000_add_user_locale', 'other')).toThrow(message);
    expect(() => registerThroughAst(canonical, INDEX, '20250101120000_add_user_locale', 'other')).toThrow(message);
  });
});
