import fc from 'fast-check';
import { describeScenario, MAX_CHANGES, scenario } from './scenario';
import { CHANGE_TYPES } from '../testing/corpus-changes';

// The property only tests what the arbitrary generates: make sure that is all ten generators.
describe('the scenario arbitrary', () => {
  const sample = fc.sample(scenario(), { numRuns: 400, seed: 42 });

  it('draws every one of the ten generators, and renames of both fields and models', () => {
    const generators = new Set(sample.flatMap((s) => s.changes.map((c) => c.generator)));
    expect([...generators].sort()).toEqual([...CHANGE_TYPES]);
    const renames = sample.flatMap((s) => s.changes.filter((c) => c.generator === 'rename'));
    expect(renames.some((c) => 'field' in c.options)).toBe(true);
    expect(renames.some((c) => !('field' in c.options))).toBe(true);
  });

  it('draws lists, Bytes, Decimal, the enum with @map values and self-relations, and --map and --cast conversions', () => {
    const fields = sample.flatMap((s) => s.schema.models.flatMap((m) => m.fields));
    expect(fields.some((f) => f.list)).toBe(true);
    expect(fields.some((f) => f.enumName === 'Stage')).toBe(true);
    expect(fields.some((f) => f.type === 'Bytes')).toBe(true);
    expect(fields.some((f) => f.type === 'Decimal')).toBe(true);
    expect(sample.some((s) => s.schema.models.some((m) => m.relations.some((r) => r.references === m.name)))).toBe(true);
    const modifications = sample.flatMap((s) => s.changes.filter((c) => c.generator === 'modify-column').map((c) => c.options));
    expect(modifications.some((o) => 'map' in o)).toBe(true);
    expect(modifications.some((o) => 'cast' in o && 'reverseCast' in o)).toBe(true);
    expect(describeScenario(sample.find((s) => s.schema.models.some((m) => m.fields.some((f) => f.enumName)))!)).toContain('DRAFT @map("draft")');
  });

  it('draws one to four changes on schemas of one to three models', () => {
    const lengths = new Set(sample.map((s) => s.changes.length));
    expect(Math.min(...lengths)).toBe(1);
    expect(Math.max(...lengths)).toBe(MAX_CHANGES);
    expect(new Set(sample.map((s) => s.schema.models.length))).toEqual(new Set([1, 2, 3]));
  });

  it('prints a counter-example as the baseline schema and replayable generator calls', () => {
    const text = describeScenario({
      schema: { models: [{ name: 'Vendor', idType: 'Int', fields: [{ name: 'code', type: 'String', optional: false, unique: true }], indexes: [], relations: [] }], enums: [], taken: [] },
      changes: [
        { generator: 'add-column', options: { targetTable: 'Vendor', name: 'note', type: 'String', default: 'two words' } },
        { generator: 'remove-column', options: { targetTable: 'Vendor', column: 'code', confirmDataLoss: true } },
      ],
    });
    expect(text).toContain('model Vendor {\n  id Int @id @default(autoincrement())\n  code String @unique\n}');
    expect(text).toContain("1. nx g @forge/migration:add-column --targetTable=Vendor --name=note --type=String --default='two words'");
    expect(text).toContain('2. nx g @forge/migration:remove-column --targetTable=Vendor --column=code --confirmDataLoss');
  });
});
