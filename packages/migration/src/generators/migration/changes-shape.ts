import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inputError } from '../../errors';
import { clipped, didYouMean } from '../../suggest';
import { assertItemKeys, COLUMN_KEYS, INDEX_KEYS, RELATION_KEYS } from '../shared/json-input';
import { CHANGE_TYPES, tableOption, type ChangeType } from './change-types';

interface PropertySchema {
  /** A JSON option: a JSON string on the command line, the value itself in `changes`. */
  'x-forge-json'?: string;
  type?: string | string[];
  oneOf?: { type?: string }[];
  description?: string;
  enum?: unknown[];
}

interface GeneratorSchema {
  properties: Record<string, PropertySchema>;
  required?: string[];
}

/** What the items of each JSON array property take. */
const ITEM_KEYS: Record<string, readonly string[]> = { columns: COLUMN_KEYS, fields: COLUMN_KEYS, relations: RELATION_KEYS, indexes: INDEX_KEYS };

/** Options `migration` itself sets; they are not part of `changes`. */
const OWN_OPTIONS = new Set(['project', 'migrationName', 'databaseUrl', 'databaseUrlEnv', 'rows']);

/** The generator's schema.json: the one description of what `changes` may hold. */
function generatorSchema(type: ChangeType): GeneratorSchema {
  return JSON.parse(readFileSync(join(__dirname, '..', CHANGE_TYPES[type], 'schema.json'), 'utf8')) as GeneratorSchema;
}

/** Keys `changes` may hold for a change type (the generator's options minus table and the shared ones). */
function changeProperties(type: ChangeType): [string, PropertySchema][] {
  const table = tableOption(type);
  return Object.entries(generatorSchema(type).properties).filter(([key]) => key !== table && !OWN_OPTIONS.has(key));
}

/** `{"fields": string|array (required) — …, …}`: the expected shape, for error messages. */
export function expectedShape(type: ChangeType): string {
  const required = new Set(generatorSchema(type).required ?? []);
  const lines = changeProperties(type).map(
    ([key, p]) => `  "${key}": ${typesOf(p).join(' | ')}${required.has(key) ? ' (required)' : ''}${p.description ? ` — ${p.description}` : ''}`,
  );
  return `{\n${lines.join(',\n')}\n}`;
}

/**
 * Checks `changes` against the generator's schema: an object, no unknown keys, required keys
 * present, JSON types that fit. The error shows the expected shape.
 */
export function checkChanges(type: ChangeType, changes: unknown): Record<string, unknown> {
  const shape = () => `Expected --changes for ${type}:\n${expectedShape(type)}`;
  if (!changes || typeof changes !== 'object' || Array.isArray(changes)) {
    throw inputError(`--changes must be a JSON object. ${shape()}`);
  }
  const properties = new Map(changeProperties(type));
  const given = changes as Record<string, unknown>;
  for (const [key, value] of Object.entries(given)) {
    const property = properties.get(key);
    if (!property) {
      throw inputError(`--changes has an unknown key ${clipped(key, 40)} for ${type}. ${didYouMean(key, [...properties.keys()])}${shape()}`);
    }
    const types = typesOf(property);
    if (value !== null && !types.includes(jsonType(value)) && !(types.includes('string') && ['number', 'boolean'].includes(jsonType(value)))) {
      throw inputError(`--changes."${key}" must be ${types.join(' or ')}, got ${jsonType(value)}. ${shape()}`);
    }
    const itemKeys = ITEM_KEYS[key];
    if (property['x-forge-json'] === 'array' && itemKeys && Array.isArray(value) && value.every((item) => item && typeof item === 'object')) {
      assertItemKeys(`changes."${key}"`, value as object[], itemKeys);
    }
    if (property.enum && !property.enum.includes(value)) {
      throw inputError(`--changes."${key}" must be one of ${property.enum.map((v) => JSON.stringify(v)).join(', ')}. ${shape()}`);
    }
  }
  const missing = (generatorSchema(type).required ?? []).filter((key) => key !== tableOption(type) && !(key in given));
  if (missing.length) throw inputError(`--changes lacks ${missing.map((k) => `"${k}"`).join(', ')} for ${type}. ${shape()}`);
  return given;
}

function typesOf(property: PropertySchema): string[] {
  if (property['x-forge-json']) return [property['x-forge-json'], 'string'];
  const types = property.type ?? property.oneOf?.map((o) => o.type ?? 'any') ?? ['any'];
  return (Array.isArray(types) ? types : [types]).map((t) => (t === 'integer' ? 'number' : t));
}

function jsonType(value: unknown): string {
  return Array.isArray(value) ? 'array' : typeof value;
}
