import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type {
  Attribute,
  AttributeArgument,
  Block,
  BlockAttribute,
  Enum,
  Field,
  Func,
  KeyValue,
  Model,
  Schema,
  Value,
} from '@mrleebo/prisma-ast';

export type { Attribute, AttributeArgument, Block, BlockAttribute, Enum, Field, Func, KeyValue, Model, Schema, Value };

type PrismaAst = typeof import('@mrleebo/prisma-ast');
let prismaAst: PrismaAst | undefined;
function ast(): PrismaAst {
  prismaAst ??= withBundledChevrotain(() => require('@mrleebo/prisma-ast') as PrismaAst);
  return prismaAst;
}

/**
 * prisma-ast's parser, chevrotain, loads lodash-es as ~600 ES modules through its package entry
 * (~0.28 s on every `nx g`). chevrotain ships the same code as one bundled file (~0.03 s): while
 * prisma-ast loads, its `require('chevrotain')` resolves to that bundle.
 */
function withBundledChevrotain<T>(load: () => T): T {
  const Module = require('node:module') as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  let bundle: string | undefined;
  try {
    const entry = require.resolve('chevrotain', { paths: [dirname(require.resolve('@mrleebo/prisma-ast'))] });
    bundle = join(dirname(entry), '../chevrotain.mjs');
    if (!existsSync(bundle)) bundle = undefined;
  } catch {
    bundle = undefined;
  }
  if (!bundle) return load();
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request: string, ...rest: unknown[]) {
    return request === 'chevrotain' ? bundle! : resolve.call(this, request, ...rest);
  };
  try {
    return load();
  } finally {
    Module._resolveFilename = resolve;
  }
}

export function parseSchema(source: string): Schema {
  return ast().getSchema(source);
}

/**
 * Prints the AST. prisma-ast puts a blank line after a `///` comment above a block, which detaches
 * the documentation from its model (Prisma then drops it): glue doc comments back to their block.
 */
export function printSchema(schema: Schema): string {
  return ast()
    .printSchema(schema)
    .replace(/^(\s*\/\/\/[^\n]*)\n\s*\n(?=\s*(model|enum|view|type)\s)/gm, '$1\n');
}

export function findModel(schema: Schema, name: string): Model | undefined {
  return schema.list.find((b): b is Model => b.type === 'model' && b.name === name);
}

export function findEnum(schema: Schema, name: string): Enum | undefined {
  return schema.list.find((b): b is Enum => b.type === 'enum' && b.name === name);
}

export function modelFields(model: Model): Field[] {
  return model.properties.filter((p): p is Field => p.type === 'field');
}

export function findField(model: Model, name: string): Field | undefined {
  return modelFields(model).find((f) => f.name === name);
}

export function blockAttributes(model: Model, name?: string): BlockAttribute[] {
  return model.properties.filter(
    (p): p is BlockAttribute => p.type === 'attribute' && (name === undefined || p.name === name),
  );
}

/** Inserts fields after the last field (before the block attributes), keeping comments in place. */
export function insertFields(model: Model, fields: Field[]): void {
  const lastField = model.properties.map((p) => p.type).lastIndexOf('field');
  model.properties.splice(lastField + 1, 0, ...fields);
}

export function appendBlockAttribute(model: Model, attribute: BlockAttribute): void {
  model.properties.push(attribute);
}

export function removeProperty(model: Model, node: Model['properties'][number]): void {
  const at = model.properties.indexOf(node);
  if (at >= 0) model.properties.splice(at, 1);
}

/** A string literal as the AST stores it (with its quotes). */
export function quoted(text: string): string {
  return JSON.stringify(text);
}

export function argument(value: AttributeArgument['value']): AttributeArgument {
  return { type: 'attributeArgument', value };
}

export function keyValue(key: string, value: Value): KeyValue {
  return { type: 'keyValue', key, value };
}

export function fieldAttribute(name: string, args?: AttributeArgument['value'][], group?: string): Attribute {
  return { type: 'attribute', kind: 'field', name, ...(group ? { group } : {}), ...(args ? { args: args.map(argument) } : {}) };
}

export function blockAttribute(name: string, args: AttributeArgument['value'][]): BlockAttribute {
  return { type: 'attribute', kind: 'object', name, args: args.map(argument) };
}

export function fieldArray(names: string[]): Value {
  return { type: 'array', args: names };
}

/** The string value of `name: "…"` / `map: "…"` arguments of an attribute, unquoted. */
export function namedArgument(attribute: Attribute | BlockAttribute, key: string): string | undefined {
  for (const arg of attribute.args ?? []) {
    const value = arg.value as KeyValue;
    if (value && typeof value === 'object' && value.type === 'keyValue' && value.key === key) {
      return typeof value.value === 'string' ? unquote(value.value) : undefined;
    }
  }
  return undefined;
}

export function unquote(text: string): string {
  return text.startsWith('"') ? (JSON.parse(text) as string) : text;
}
