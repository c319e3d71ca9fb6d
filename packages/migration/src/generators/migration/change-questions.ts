import { inputError } from '../../errors';
import { SCALAR_TYPES } from '../../prisma-schema/field-types';
import type { Datamodel, DatamodelModel } from '../../prisma-schema/prisma-fmt';
import type { ChangeType } from './change-types';

export interface Choice {
  value: string;
  label?: string;
}

/** One question of the interview, as data: the asker shows it, the tests answer it. */
export type Question =
  | { kind: 'text'; key: string; message: string; optional?: boolean; validate?: (value: string) => string | undefined }
  | { kind: 'select'; key: string; message: string; choices: Choice[] }
  | { kind: 'confirm'; key: string; message: string; initial: boolean };

export type Answer = string | boolean;
export type Answers = Record<string, Answer>;
export type Ask = (question: Question) => Promise<Answer>;

/** A question, asked only when the answers so far call for it. */
interface Step {
  question: Question;
  when?: (answers: Answers) => boolean;
}

interface Interview {
  steps: Step[];
  /** The answers as the change type's generator options (what `--changes` holds). */
  changes(answers: Answers): Record<string, unknown>;
}

/**
 * Asks what the change type needs (the column to add and its type, the fields of an index, …),
 * offering the model's own fields and the schema's models and enums as choices, and returns it
 * as the `changes` object the non-interactive path takes.
 */
export async function askForChanges(type: ChangeType, table: string, datamodel: Datamodel, ask: Ask): Promise<Record<string, unknown>> {
  const interview = INTERVIEWS[type](table, datamodel);
  const answers: Answers = {};
  for (const step of interview.steps) {
    if (step.when && !step.when(answers)) continue;
    answers[step.question.key] = await ask(step.question);
  }
  return interview.changes(answers);
}

const INTERVIEWS: Record<ChangeType, (table: string, datamodel: Datamodel) => Interview> = {
  add_column: (_table, datamodel) => ({
    steps: [
      { question: { kind: 'text', key: 'name', message: 'Name of the new column (field)?', validate: identifier } },
      { question: { kind: 'select', key: 'type', message: 'Its type?', choices: typeChoices(datamodel) } },
      { question: { kind: 'confirm', key: 'optional', message: 'May it be empty (NULL)?', initial: true } },
      { question: { kind: 'text', key: 'default', message: 'Default for new rows (leave empty for none)?', optional: true } },
      {
        question: { kind: 'text', key: 'backfillValue', message: 'Required without a default: which value do the existing rows get?' },
        when: (a) => a.optional === false && !a.default,
      },
    ],
    changes: (a) => compact({ name: a.name, type: a.type, optional: a.optional || undefined, default: a.default || undefined, backfillValue: a.backfillValue || undefined }),
  }),
  remove_column: (table, datamodel) => ({
    steps: [
      { question: { kind: 'select', key: 'column', message: 'Which column do you want to remove?', choices: fieldChoices(model(datamodel, table), (f) => f.kind !== 'object' && !f.isId) } },
      confirmDataLoss(`Its values leave ${table} (kept in _forge_backup so that a rollback restores them). Generate it?`),
    ],
    changes: (a) => ({ column: a.column, confirmDataLoss: checkedConfirmation(a) }),
  }),
  modify_column: (table, datamodel) => ({
    steps: [
      { question: { kind: 'select', key: 'column', message: 'Which column do you want to change?', choices: fieldChoices(model(datamodel, table), (f) => f.kind !== 'object' && !f.isId) } },
      {
        question: {
          kind: 'select',
          key: 'change',
          message: 'What changes?',
          choices: [
            { value: 'type', label: 'its type' },
            { value: 'optional', label: 'it may be empty (NULL)' },
            { value: 'required', label: 'it becomes required (NOT NULL)' },
            { value: 'default', label: 'its default' },
          ],
        },
      },
      { question: { kind: 'select', key: 'type', message: 'The new type?', choices: typeChoices(datamodel) }, when: (a) => a.change === 'type' },
      {
        question: { kind: 'text', key: 'backfillValue', message: 'Value for the rows where it is NULL now (leave empty if there are none)?', optional: true },
        when: (a) => a.change === 'required',
      },
      { question: { kind: 'text', key: 'default', message: 'The new default?' }, when: (a) => a.change === 'default' },
    ],
    changes: (a) =>
      compact({
        column: a.column,
        type: a.change === 'type' ? a.type : undefined,
        optional: a.change === 'optional' || undefined,
        required: a.change === 'required' || undefined,
        backfillValue: a.backfillValue || undefined,
        default: a.change === 'default' ? a.default : undefined,
      }),
  }),
  add_index: (table, datamodel) => {
    const columns = model(datamodel, table).fields.filter((f) => f.kind !== 'object').map((f) => f.name);
    return {
      steps: [
        {
          question: {
            kind: 'text',
            key: 'fields',
            message: `Fields of the index, in order, comma-separated (${columns.join(', ')})?`,
            validate: (value) => {
              const unknown = list(value).filter((f) => !columns.includes(f));
              return !list(value).length ? 'Name at least one field.' : unknown.length ? `Not a field of ${table}: ${unknown.join(', ')}.` : undefined;
            },
          },
        },
        { question: { kind: 'confirm', key: 'unique', message: 'Unique?', initial: false } },
      ],
      changes: (a) => compact({ fields: list(String(a.fields)), unique: a.unique || undefined }),
    };
  },
  remove_index: (table, datamodel) => {
    const indexes = datamodel.indexes.filter((i) => i.model === table && i.type !== 'id');
    if (!indexes.length) throw inputError(`${table} has no index or unique to remove.`);
    const choices = indexes.map((i) => ({ value: i.fields.map((f) => f.name).join(','), label: `${i.type === 'unique' ? 'unique' : 'index'} on ${i.fields.map((f) => f.name).join(', ')}` }));
    return {
      steps: [{ question: { kind: 'select', key: 'fields', message: 'Which index?', choices } }],
      changes: (a) => ({ fields: list(String(a.fields)) }),
    };
  },
  add_table: () => ({
    steps: [
      {
        question: {
          kind: 'text',
          key: 'fields',
          message: 'Its fields as name:Type, comma-separated (Type? may be empty), e.g. code:String, amount:Int, note:String?',
          validate: (value) => (tableFields(value).every((f) => f.name && f.type) && list(value).length ? undefined : 'Write each field as name:Type, e.g. code:String.'),
        },
      },
    ],
    changes: (a) => ({ fields: tableFields(String(a.fields)) }),
  }),
  remove_table: (table) => ({
    steps: [confirmDataLoss(`${table} and its rows leave the schema (moved to _forge_backup so that a rollback restores them). Generate it?`)],
    changes: (a) => ({ confirmDataLoss: checkedConfirmation(a) }),
  }),
  add_relation: (_table, datamodel) => ({
    steps: [
      { question: { kind: 'text', key: 'field', message: 'Name of the relation field (e.g. author)?', validate: identifier } },
      { question: { kind: 'select', key: 'references', message: 'Which model does it reference?', choices: datamodel.models.map((m) => ({ value: m.name })) } },
      { question: { kind: 'confirm', key: 'optional', message: 'May it be empty (no related row)?', initial: false } },
    ],
    changes: (a) => compact({ field: a.field, references: a.references, optional: a.optional || undefined }),
  }),
  remove_relation: (table, datamodel) => ({
    steps: [{ question: { kind: 'select', key: 'field', message: 'Which relation?', choices: fieldChoices(model(datamodel, table), (f) => f.kind === 'object' && !!f.relationFromFields?.length) } }],
    changes: (a) => ({ field: a.field }),
  }),
  rename: (table, datamodel) => ({
    steps: [
      {
        question: {
          kind: 'select',
          key: 'field',
          message: 'Rename what?',
          choices: [{ value: '', label: `the model ${table} itself` }, ...fieldChoices(model(datamodel, table), () => true)],
        },
      },
      { question: { kind: 'text', key: 'to', message: 'The new name?', validate: identifier } },
    ],
    changes: (a) => compact({ field: a.field || undefined, to: a.to }),
  }),
};

function confirmDataLoss(message: string): Step {
  return { question: { kind: 'confirm', key: 'confirmDataLoss', message, initial: false } };
}

function checkedConfirmation(answers: Answers): true {
  if (answers.confirmDataLoss !== true) throw inputError('Nothing was generated: the change removes data and was not confirmed.');
  return true;
}

function model(datamodel: Datamodel, table: string): DatamodelModel {
  const found = datamodel.models.find((m) => m.name === table);
  if (!found) throw inputError(`No model ${table} in the schema. Models: ${datamodel.models.map((m) => m.name).join(', ') || 'none'}.`);
  return found;
}

function fieldChoices(owner: DatamodelModel, keep: (field: DatamodelModel['fields'][number]) => boolean): Choice[] {
  const choices = owner.fields.filter(keep).map((f) => ({ value: f.name, label: `${f.name} ${f.type}${f.isList ? '[]' : f.isRequired ? '' : '?'}` }));
  if (!choices.length) throw inputError(`${owner.name} has no field this change applies to.`);
  return choices;
}

function typeChoices(datamodel: Datamodel): Choice[] {
  return [...SCALAR_TYPES.map((t) => ({ value: t as string })), ...datamodel.enums.map((e) => ({ value: e.name, label: `${e.name} (enum)` }))];
}

function identifier(value: string): string | undefined {
  return /^[A-Za-z][A-Za-z0-9_]*$/.test(value.trim()) ? undefined : 'Start with a letter; use letters, digits and _.';
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** `code:String, note:String?` → add-table's fields. */
function tableFields(value: string): { name: string; type: string; optional?: true }[] {
  return list(value).map((item) => {
    const [name = '', type = ''] = item.split(':').map((s) => s.trim());
    return type.endsWith('?') ? { name, type: type.slice(0, -1), optional: true } : { name, type };
  });
}

/** Without the keys whose value is undefined: the generator then applies its own defaults. */
function compact(values: Record<string, Answer | string[] | undefined>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
}
