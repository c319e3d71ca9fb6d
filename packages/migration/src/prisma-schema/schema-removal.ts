import { blockAttributes, type Block, type BlockAttribute, type Field, type Model, type Schema } from './ast';
import { attributeFieldList } from './attribute-fields';

/**
 * Removing blocks and fields from the AST together with their `///` documentation: a doc comment
 * left behind would attach itself to whatever follows it.
 */

/** Removes a field and the `///` doc comment lines right above it. */
export function removeFieldWithDocs(model: Model, field: Field): void {
  removeWithDocs(model.properties, field);
}

/** Removes a top-level block (model, enum) and the `///` doc comment lines right above it. */
export function removeBlockWithDocs(schema: Schema, block: Block): void {
  const at = removeWithDocs(schema.list, block);
  // The blank line that separated the block from the previous one would double up with the next.
  if (at > 0 && schema.list[at - 1]?.type === 'break' && schema.list[at]?.type === 'break') schema.list.splice(at, 1);
}

function removeWithDocs<T extends { type: string }>(list: T[], node: T): number {
  let at = list.indexOf(node);
  if (at < 0) return -1;
  let from = at;
  while (from > 0 && isDocComment(list[from - 1])) from--;
  list.splice(from, at - from + 1);
  at = from;
  return at;
}

function isDocComment(node: { type: string }): boolean {
  return node.type === 'comment' && /^\s*\/\/\//.test((node as { text?: string }).text ?? '');
}

/** Block attributes (`@@index`, `@@unique`, `@@id`, `@@fulltext`) whose field list names any of `fields`. */
export function blockAttributesUsing(model: Model, fields: string[]): BlockAttribute[] {
  return blockAttributes(model).filter(
    (attribute) => ['index', 'unique', 'id', 'fulltext'].includes(attribute.name) && listedFields(attribute).some((f) => fields.includes(f)),
  );
}

/** The field names of `@@index([a, b(sort: Desc)])` or `@@unique(fields: [a, b])`. */
export function listedFields(attribute: BlockAttribute): string[] {
  return attributeFieldList(attribute) ?? [];
}

/** `@@index([a, b], map: "x")` as text for messages. */
export function describeBlockAttribute(attribute: BlockAttribute): string {
  return `@@${attribute.name}([${listedFields(attribute).join(', ')}])`;
}
