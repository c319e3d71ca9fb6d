import type * as TsMorph from 'ts-morph';
import { inputError } from '../errors';
import { parseCanonicalRegistry } from '../runtime/data-migrations/canonical-registry';
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

const entryText = (folder: string, name: string) => `'${folder}': () => import('./${name}.js')`;

/** The edit of a registry in the shape `init` and the generators write, or undefined for any other shape. */
export function registerInCanonicalIndex(source: string, indexFile: string, folder: string, name: string): string | undefined {
  const registry = parseCanonicalRegistry(source);
  if (!registry) return undefined;
  const { open, close, entries } = registry;
  const added = entryText(folder, name);
  if (entries.length === 0) return `${source.slice(0, open)}\n  ${added}\n${source.slice(close)}`;
  const existing = entries.find((entry) => entry.folder === folder);
  if (existing) throw alreadyRegistered(folder, indexFile, existing.text);
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

/** The files the registry imports (`() => import('./{name}.js')`), by name. */
export function registeredFiles(source: string): Set<string> {
  const canonical = parseCanonicalRegistry(source);
  if (canonical) return new Set(canonical.entries.map((entry) => entry.file));
  const { Node, Project, SyntaxKind } = loadTsMorph();
  const index = new Project({ useInMemoryFileSystem: true }).createSourceFile('index.ts', source);
  const names = new Set<string>();
  for (const call of index.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const [specifier] = call.getArguments();
    if (call.getExpression().getKind() !== SyntaxKind.ImportKeyword || !specifier || !Node.isStringLiteral(specifier)) continue;
    const name = /^\.\/(.+)\.js$/.exec(specifier.getLiteralText())?.[1];
    if (name) names.add(name);
  }
  return names;
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
