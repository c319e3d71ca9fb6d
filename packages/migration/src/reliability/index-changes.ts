import { oneOfSteps, step, type StepArbitrary } from './change';
import { isIndexable, withModel, type ModelState } from './schema-state';

/** add-index: a plain index on one or two fields that no index covers in that order yet. */
export const addIndex: StepArbitrary = (state) =>
  oneOfSteps(
    state.models.flatMap((model) =>
      indexCandidates(model).map((fields) =>
        step('add-index', { targetTable: model.name, fields: fields.join(',') }, withModel(state, model.name, (m) => ({ ...m, indexes: [...m.indexes, fields] }))),
      ),
    ),
  );

/** remove-index: an index the schema has, named by its fields. */
export const removeIndex: StepArbitrary = (state) =>
  oneOfSteps(
    state.models.flatMap((model) =>
      model.indexes.map((fields) =>
        step(
          'remove-index',
          { targetTable: model.name, fields: fields.join(',') },
          withModel(state, model.name, (m) => ({ ...m, indexes: m.indexes.filter((index) => !sameFields(index, fields)) })),
        ),
      ),
    ),
  );

function indexCandidates(model: ModelState): string[][] {
  const indexable = model.fields.filter(isIndexable).map((f) => f.name);
  const pairs = indexable.flatMap((a) => indexable.filter((b) => b !== a).map((b) => [a, b]));
  return [...indexable.map((f) => [f]), ...pairs].filter((fields) => !model.indexes.some((index) => sameFields(index, fields)));
}

function sameFields(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((f, i) => f === b[i]);
}
