import { diffSchemas } from '../engine/operations';
import type { SchemaFile } from '../engine/schema-engine';
import { fieldAttribute, findField, insertFields, quoted, type Field } from '../prisma-schema/ast';
import { PrismaSchemaDocument } from '../prisma-schema/document';
import { toEngineSchema } from '../prisma-schema/engine-view';
import { renderDefault } from '../prisma-schema/field-types';
import { readDatamodel } from '../prisma-schema/prisma-fmt';
import { UnexpectedDiffError } from '../recipes/plan';
import { parseAddColumn, parseAlterTable, type ColumnDefinition } from '../recipes/column-clauses';
import { splitStatements } from '../sql/split-statements';

/** Which column to describe, and optionally with another `@default` (to render a value as SQL). */
export interface ColumnDefinitionRequest {
  model: string;
  field: string;
  /** A `--default`-style value; the definition's `default` is then its SQL literal. */
  withDefault?: string;
}

/**
 * The SQL Prisma would write for columns, exactly: type (with its native type), NOT NULL and
 * default, as `ADD COLUMN` shows them. Asked from Prisma's own engine by adding a copy of each
 * field under a throwaway name and diffing, so recipes never render a type or a literal themselves
 * and what they write cannot drift from what Prisma expects.
 */
export async function columnDefinitions(files: SchemaFile[], requests: ColumnDefinitionRequest[]): Promise<ColumnDefinition[]> {
  if (requests.length === 0) return [];
  const document = new PrismaSchemaDocument(files);
  const datamodel = readDatamodel(toEngineSchema(files));
  const probes = requests.map((request, i) => {
    const { path, model } = document.requireModel(request.model);
    const original = findField(model, request.field);
    if (!original) throw new Error(`columnDefinitions: ${request.model} has no field ${request.field}`);
    const probe: Field = JSON.parse(JSON.stringify(original));
    const column = `forge_probe_${i}`;
    probe.name = column;
    delete probe.comment;
    // Keep what shapes the column (type, @db.*, @default); drop what would add an index or relation.
    probe.attributes = (probe.attributes ?? []).filter((a) => a.group === 'db' || a.name === 'default');
    if (request.withDefault !== undefined) {
      const type = typeof probe.fieldType === 'string' ? probe.fieldType : '';
      probe.attributes = probe.attributes.filter((a) => a.name !== 'default');
      probe.attributes.unshift(renderDefault(request.withDefault, type, datamodel).attribute);
    }
    probe.attributes.push(fieldAttribute('map', [quoted(column)]));
    document.edit(path, () => insertFields(model, [probe]));
    return { column, request };
  });
  const sql = await diffSchemas(toEngineSchema(files), toEngineSchema(document.toFiles()));
  const clauses = splitStatements(sql).flatMap((statement) => parseAlterTable(statement)?.clauses ?? []);
  return probes.map(({ column }) => {
    const definition = clauses.map(parseAddColumn).find((d) => d?.column === column);
    if (!definition) throw new UnexpectedDiffError('a column definition', sql);
    return definition;
  });
}
