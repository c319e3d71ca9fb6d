import type * as TsMorph from 'ts-morph';
import { inputError } from '../errors';
import { loadTsMorph } from './ts-morph';

/**
 * The registry with `'{folder}': () => import('./{name}.js')` added to its `dataMigrations` object,
 * comments, order and the rest of the file kept as they are. The `.js` specifier is what TypeScript
 * requires under module node16/nodenext (and accepts under bundler and commonjs) for `./{name}.ts`;
 * the runtime's loader maps it back to the source.
 *
 * A registry in the shape the generators write is edited as text, exactly as ts-morph would edit it
 * (loading the TypeScript compiler costs ~0.5 s per `nx g`); any other shape is edited through the
 * TypeScript AST.
 */
export function registerInIndex(source: string, indexFile: string, folder: string, name: string): string {
  return registerInCanonicalIndex(source, indexFile, folder, name) ?? registerThroughAst(source, indexFile, folder, name);
}

const ENTRY = `'{folder}': () => import('./{name}.js')`;
const entryText = (folder: string, name: string) => ENTRY.replace('{folder}', folder).replace('{name}', name);

/** A line of the registry as the generators write it: `  '{folder}': () => import('./{name}.js')` and a comma unless last. */
const CANONICAL_ENTRY = /^ {2}('\d{14}_\w+': \(\) => import\('\.\/[a-z][a-z0-9_]*\.js'\))(,?)$/;
/** What may precede the registry in the canonical shape: line comments, single-line imports, blank lines. */
const CANONICAL_PREAMBLE = /^(?:(?:\/\/[^\n]*|import [^\n;]*;|[ \t]*)\n)*$/;
const DECLARATION = /export const dataMigrations(?:: DataMigrationRegistry)? = \{/;

/**
 * The edit of a registry in exactly the shape `init` and the generators write (a preamble of
 * comments and imports, then `export const dataMigrations… = {…};` with one canonical entry per
 * line, and nothing after), or undefined when the file has any other shape.
 */
export function registerInCanonicalIndex(source: string, indexFile: string, folder: string, name: string): string | undefined {
  const declaration = DECLARATION.exec(source);
  if (!declaration || !CANONICAL_PREAMBLE.test(source.slice(0, declaration.index))) return undefined;
  const open = declaration.index + declaration[0].length;
  const close = source.indexOf('};', open);
  if (close < 0 || source.slice(close + 2).trim() !== '') return undefined;
  const body = source.slice(open, close);
  const added = entryText(folder, name);
  if (body === '') return `${source.slice(0, open)}\n  ${added}\n${source.slice(close)}`;
  if (!body.startsWith('\n') || !body.endsWith('\n')) return undefined;
  const lines = body.slice(1, -1).split('\n');
  const entries: string[] = [];
  for (const [i, line] of lines.entries()) {
    const match = CANONICAL_ENTRY.exec(line);
    // Every entry but the last ends with a comma; the last has none.
    if (!match || (match[2] === ',') !== (i < lines.length - 1)) return undefined;
    entries.push(match[1]);
  }
  const existing = entries.find((entry) => entry.startsWith(`'${folder}':`));
  if (existing) throw alreadyRegistered(folder, indexFile, existing);
  return `${source.slice(0, close - 1)},\n  ${added}\n${source.slice(close)}`;
}

/** The edit through the TypeScript AST, for registries of any shape. */
export function registerThroughAst(source: string, indexFile: string, folder: string, name: string): string {
  const { Node, Project, QuoteKind, IndentationText } = loadTsMorph();
  const project = new Project({
    useInMemoryFileSystem: true,
    manipulationSettings: { quoteKind: QuoteKind.Single, indentationText: IndentationText.TwoSpaces },
  });
  const index = project.createSourceFile('index.ts', source);
  const declaration = index.getVariableDeclaration('dataMigrations');
  let registry = declaration?.getInitializer();
  // Look through `{…} as const`, `{…} satisfies DataMigrationRegistry` and parentheses.
  while (registry && (Node.isAsExpression(registry) || Node.isSatisfiesExpression(registry) || Node.isParenthesizedExpression(registry))) {
    registry = registry.getExpression();
  }
  if (!declaration?.isExported() || !Node.isObjectLiteralExpression(registry)) {
    throw inputError(
      `${indexFile} must export the registry as an object literal: export const dataMigrations: DataMigrationRegistry = { … }; ` +
        'Fix the file (or delete it to have it created), then run the generator again.',
    );
  }
  for (const property of registry.getProperties()) {
    if (keyOf(Node, property) === folder) throw alreadyRegistered(folder, indexFile, property.getText());
  }
  registry.addPropertyAssignment({ name: `'${folder}'`, initializer: `() => import('./${name}.js')` });
  return index.getFullText();
}

function keyOf(Node: typeof TsMorph.Node, property: TsMorph.ObjectLiteralElementLike): string | undefined {
  const key = Node.isPropertyAssignment(property) || Node.isShorthandPropertyAssignment(property) || Node.isMethodDeclaration(property) ? property.getNameNode() : undefined;
  return key && (Node.isStringLiteral(key) || Node.isNoSubstitutionTemplateLiteral(key) ? key.getLiteralText() : key.getText());
}

function alreadyRegistered(folder: string, indexFile: string, entry: string): Error {
  return inputError(
    `${folder} already has a data migration in ${indexFile} (${entry}). ` +
      'One data migration runs after each SQL migration: put both steps in one file, or remove the old entry.',
  );
}
