import { incomingRelations, type FieldState, type Literal, type ModelState, type SchemaState } from './schema-state';

const HEADER = `generator client {
  provider = "prisma-client"
  output   = "../src/generated/prisma"
}

datasource db {
  provider = "postgresql"
}
`;

/** The Prisma schema of a tracked state (unformatted: prisma-fmt aligns it). */
export function renderSchema(state: SchemaState): string {
  return [HEADER, ...state.models.map((model) => renderModel(state, model)), ...state.enums.map(renderEnum)].join('\n');
}

function renderEnum(e: SchemaState['enums'][number]): string {
  return `enum ${e.name} {\n${e.values.map((v) => `  ${v.name}${v.map ? ` @map(${JSON.stringify(v.map)})` : ''}`).join('\n')}\n}\n`;
}

function renderModel(state: SchemaState, model: ModelState): string {
  const lines = [
    `  id ${model.idType} @id @default(autoincrement())`,
    ...model.fields.map(renderField),
    ...model.relations.map((r) => `  ${r.field} ${r.references}? @relation(${r.name ? `${JSON.stringify(r.name)}, ` : ''}fields: [${r.fkField}], references: [id])`),
    ...incomingRelations(state, model.name).map(({ model: from, relation }) => `  ${relation.backField} ${from.name}[]${relation.name ? ` @relation(${JSON.stringify(relation.name)})` : ''}`),
    ...model.indexes.map((fields) => `  @@index([${fields.join(', ')}])`),
  ];
  return `model ${model.name} {\n${lines.join('\n')}\n}\n`;
}

function renderField(field: FieldState): string {
  const attributes = [field.default !== undefined ? `@default(${prismaDefault(field, field.default)})` : '', field.unique ? '@unique' : ''].filter(Boolean);
  const type = `${field.enumName ?? field.type}${field.list ? '[]' : field.optional ? '?' : ''}`;
  return [`  ${field.name}`, type, ...attributes].join(' ');
}

/** A generator-style default (`draft`, `now()`) as Prisma writes it in the schema (`"draft"`, `now()`). */
function prismaDefault(field: FieldState, value: Literal): string {
  if (typeof value === 'string' && field.type === 'String' && !field.enumName) return JSON.stringify(value);
  return String(value);
}
