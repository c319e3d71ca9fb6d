import fc from 'fast-check';
import { describeChange, type Change, type StepArbitrary } from './change';
import { addColumn, modifyColumn, removeColumn, renameField } from './column-changes';
import { addIndex, removeIndex } from './index-changes';
import { addRelation, removeRelation } from './relation-changes';
import { renderSchema } from './render-schema';
import { startingSchema } from './schema-arbitrary';
import type { SchemaState } from './schema-state';
import { addTable, removeTable, renameModel } from './table-changes';

/** Every change kind the ten generators make; each offers only changes valid for the current state. */
const CHANGE_KINDS: StepArbitrary[] = [
  addColumn,
  removeColumn,
  modifyColumn,
  addIndex,
  removeIndex,
  addTable,
  removeTable,
  addRelation,
  removeRelation,
  renameField,
  renameModel,
];

export const MAX_CHANGES = 4;

/** A starting schema and the generator calls to run on it, in order. */
export interface Scenario {
  schema: SchemaState;
  changes: Change[];
}

/** A readable counter-example: the starting schema.prisma, then the generator calls. */
export function describeScenario({ schema, changes }: Scenario): string {
  return `schema.prisma (baseline):\n${renderSchema(schema)}\nthen:\n${changes.map((c, i) => `  ${i + 1}. ${describeChange(c)}`).join('\n')}`;
}

/** A random starting schema followed by one to four changes, each valid where it runs. */
export function scenario(): fc.Arbitrary<Scenario> {
  return startingSchema().chain((schema) =>
    fc
      .integer({ min: 1, max: MAX_CHANGES })
      .chain((length) => changesFrom(schema, length))
      .map((changes) => printable({ schema, changes })),
  );
}

function changesFrom(state: SchemaState, length: number): fc.Arbitrary<Change[]> {
  const kinds = CHANGE_KINDS.map((kind) => kind(state)).filter((arbitrary) => arbitrary !== undefined);
  if (length === 0 || kinds.length === 0) return fc.constant([]);
  return fc.oneof(...kinds).chain(({ change, next }) => changesFrom(next, length - 1).map((rest) => [change, ...rest]));
}

/** fast-check prints a counter-example with its toString method: make it the replayable description. */
function printable(value: Scenario): Scenario {
  return Object.assign(value, { [fc.toStringMethod]: () => describeScenario(value) });
}
