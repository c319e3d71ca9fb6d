import type { SchemaFile } from '../engine/schema-engine';
import { inputError } from '../errors';
import { didYouMean } from '../suggest';
import { findEnum, findModel, parseSchema, printSchema, type Enum, type Model, type Schema } from './ast';
import { formatSchemaFiles } from './prisma-fmt';
import { maskBlockComments, spliceChangedBlocks } from './quiet-print';

/**
 * A Prisma schema split over one or more files, edited through the AST. Only the blocks an edit
 * changed are re-printed (quiet-print.ts); the formatter sees all files so cross-file relations
 * format correctly.
 */
export class PrismaSchemaDocument {
  private readonly asts = new Map<string, Schema>();
  private readonly edited = new Set<string>();

  constructor(readonly files: readonly SchemaFile[]) {}

  ast(path: string): Schema {
    let schema = this.asts.get(path);
    if (!schema) {
      const file = this.files.find((f) => f.path === path);
      if (!file) throw new Error(`No schema file ${path}`);
      // prisma-ast does not read /* … */ comments, which Prisma accepts; they stay in the file (see toFiles).
      schema = parseSchema(maskBlockComments(file.content));
      this.asts.set(path, schema);
    }
    return schema;
  }

  /** The file that declares model `name`, and the model's AST node. */
  locateModel(name: string): { path: string; model: Model } | undefined {
    for (const file of this.files) {
      if (!new RegExp(`\\bmodel\\s+${name}\\s*\\{`).test(file.content) && !this.asts.has(file.path)) continue;
      const model = findModel(this.ast(file.path), name);
      if (model) return { path: file.path, model };
    }
    return undefined;
  }

  locateEnum(name: string): { path: string; enum: Enum } | undefined {
    for (const file of this.files) {
      if (!new RegExp(`\\benum\\s+${name}\\s*\\{`).test(file.content) && !this.asts.has(file.path)) continue;
      const found = findEnum(this.ast(file.path), name);
      if (found) return { path: file.path, enum: found };
    }
    return undefined;
  }

  /** The model, or an error that lists the models that do exist. */
  requireModel(name: string, option = 'targetTable'): { path: string; model: Model } {
    const located = this.locateModel(name);
    if (located) return located;
    const known = this.modelNames();
    throw inputError(
      `Unknown model ${JSON.stringify(name)} (--${option}). ${didYouMean(name, known)}` +
        `Models in the schema: ${known.join(', ') || '(none)'}.`,
    );
  }

  modelNames(): string[] {
    return this.files.flatMap((f) => [...f.content.matchAll(/^\s*model\s+(\w+)\s*\{/gm)].map((m) => m[1]));
  }

  /** Edits the AST of one file; it is re-printed by `toFiles()`. */
  edit(path: string, change: (schema: Schema) => void): void {
    change(this.ast(path));
    this.edited.add(path);
  }

  /** The main file (the one with the datasource), where new top-level blocks go. */
  mainFile(): string {
    return (this.files.find((f) => /^\s*datasource\s+\w+\s*\{/m.test(f.content)) ?? this.files[0]).path;
  }

  /**
   * The edited schema: in edited files, the blocks the edit changed as Prisma formats them, every
   * other byte as the user wrote it; other files unchanged.
   */
  toFiles(): SchemaFile[] {
    const print = (f: SchemaFile, schema: () => Schema) => (this.edited.has(f.path) ? { path: f.path, content: printSchema(schema()) } : f);
    const after = formatSchemaFiles(this.files.map((f) => print(f, () => this.ast(f.path))));
    const before = formatSchemaFiles(this.files.map((f) => print(f, () => parseSchema(maskBlockComments(f.content)))));
    return after.map((f, i) => {
      if (!this.edited.has(f.path)) return this.files[i];
      return { path: f.path, content: spliceChangedBlocks(this.files[i].content, before[i].content, f.content) ?? f.content };
    });
  }

  changedPaths(): string[] {
    return [...this.edited];
  }
}
