import type { SchemaFile } from '../engine/schema-engine';
import { useBaselineWasmCompiler } from '../engine/wasm-startup';

/**
 * Prisma's schema formatter and validator (prisma-fmt compiled to WebAssembly), the same module
 * that `@prisma/internals`' `formatSchema` and `getDMMF` wrap. Calling it directly keeps the
 * generators fast: importing `@prisma/internals` alone costs ~0.4 s on every `nx g`.
 */
type PrismaFmt = typeof import('@prisma/prisma-schema-wasm');

let prismaFmt: PrismaFmt | undefined;
function fmt(): PrismaFmt {
  useBaselineWasmCompiler();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  prismaFmt ??= require('@prisma/prisma-schema-wasm') as PrismaFmt;
  return prismaFmt;
}

/** A schema Prisma rejects, with Prisma's own message (file, line, what is wrong). */
export class PrismaSchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PrismaSchemaError';
  }
}

const FORMAT_PARAMS = JSON.stringify({
  textDocument: { uri: 'file:/dev/null' },
  options: { tabSize: 2, insertSpaces: true },
});

/** `prisma format` for every file of a (multi-file) schema. */
export function formatSchemaFiles(files: SchemaFile[]): SchemaFile[] {
  const formatted = JSON.parse(fmt().format(JSON.stringify(files.map((f) => [f.path, f.content])), FORMAT_PARAMS)) as [
    string,
    string,
  ][];
  const byPath = new Map(formatted);
  return files.map((f) => ({ path: f.path, content: byPath.get(f.path) ?? f.content }));
}

/**
 * Validates the schema and returns Prisma's datamodel (the `datamodel` part of the DMMF: models with
 * their database names, fields, enums, indexes). Throws PrismaSchemaError with Prisma's message.
 */
export function readDatamodel(files: SchemaFile[]): Datamodel {
  const params = JSON.stringify({ prismaSchema: files.map((f) => [f.path, f.content]), noColor: true });
  let json = datamodels.get(params);
  if (json === undefined) {
    try {
      json = fmt().get_datamodel(params);
    } catch (error) {
      throw new PrismaSchemaError(prismaErrorMessage(error));
    }
    if (datamodels.size >= DATAMODEL_CACHE_SIZE) datamodels.delete(datamodels.keys().next().value!);
    datamodels.set(params, json);
  }
  return JSON.parse(json) as Datamodel; // a fresh object each call: callers may change theirs
}

/**
 * Prisma's datamodel (as JSON) of the last few schemas read: a generator reads the same schema
 * several times (planning, then each column definition it asks the engine for), and each read
 * validates the whole schema in WebAssembly.
 */
const datamodels = new Map<string, string>();
const DATAMODEL_CACHE_SIZE = 8;

function prismaErrorMessage(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  try {
    const parsed = JSON.parse(raw.replace(/^Error:\s*/, '')) as { message?: string };
    return (parsed.message ?? raw).trim();
  } catch {
    return raw.trim();
  }
}

/** The subset of Prisma's DMMF datamodel this project reads. */
export interface Datamodel {
  models: DatamodelModel[];
  enums: DatamodelEnum[];
  indexes: DatamodelIndex[];
}

export interface DatamodelModel {
  name: string;
  /** The table name when the model has `@@map`, else null. */
  dbName: string | null;
  schema: string | null;
  fields: DatamodelField[];
  primaryKey: { name: string | null; fields: string[] } | null;
}

export interface DatamodelField {
  name: string;
  /** The column name when the field has `@map`, else absent or null. */
  dbName?: string | null;
  kind: 'scalar' | 'object' | 'enum' | 'unsupported';
  type: string;
  isList: boolean;
  isRequired: boolean;
  isId: boolean;
  isUnique: boolean;
  isUpdatedAt: boolean;
  hasDefaultValue: boolean;
  default?: unknown;
  nativeType?: [string, string[]] | null;
  relationName?: string;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
  relationOnUpdate?: string;
}

export interface DatamodelEnum {
  name: string;
  dbName: string | null;
  values: { name: string; dbName: string | null }[];
}

export interface DatamodelIndex {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  isDefinedOnField: boolean;
  name?: string;
  dbName?: string;
  fields: { name: string; sortOrder?: string; length?: number }[];
}
