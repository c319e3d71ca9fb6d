import type { Node, ParseResult } from 'libpg-query';

/** One statement of a migration as PostgreSQL's own parser sees it. */
export interface ParsedStatement {
  /** The statement's text as written (without the trailing semicolon). */
  text: string;
  /** Node type, e.g. `AlterTableStmt`, `IndexStmt`. */
  type: string;
  /** The node's fields (libpg-query's JSON AST). */
  node: Record<string, unknown>;
  /** 1-based line where the statement starts, for messages. */
  line: number;
}

type LibPgQuery = typeof import('libpg-query');
let parser: Promise<LibPgQuery> | undefined;
let loaded: LibPgQuery | undefined;

/**
 * PostgreSQL's parser (libpg_query, the server's own grammar, compiled to WebAssembly). Loaded on
 * first use, once per process.
 */
function loadParser(): Promise<LibPgQuery> {
  parser ??= (async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module = require('libpg-query') as LibPgQuery;
    await module.loadModule();
    loaded = module;
    return module;
  })();
  return parser;
}

/** A migration PostgreSQL cannot parse: the message says where. */
export class SqlSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SqlSyntaxError';
  }
}

/** Loads PostgreSQL's parser for the synchronous readers (parseLoaded, user SQL checks). */
export async function loadSqlParser(): Promise<void> {
  await loadParser();
}

/** Parses a migration script into its statements (comments and empty statements dropped). */
export async function parseMigration(sql: string): Promise<ParsedStatement[]> {
  await loadParser();
  return parseLoaded(sql);
}

/**
 * The same, for code that runs after a parseMigration() call has loaded the parser: the SQL inside
 * a DO block, a statement EXECUTE builds. Throws SqlSyntaxError as parseMigration() does.
 */
export function parseLoaded(sql: string): ParsedStatement[] {
  const { parseSync } = loadedParser();
  let result: ParseResult;
  try {
    result = parseSync(sql);
  } catch (error) {
    const details = (error as { sqlDetails?: { cursorPosition?: number } }).sqlDetails;
    const line = details?.cursorPosition !== undefined ? lineAt(Buffer.from(sql), details.cursorPosition) : undefined;
    throw new SqlSyntaxError(`${(error as Error).message}${line ? ` (line ${line})` : ''}`);
  }
  const bytes = Buffer.from(sql); // locations are byte offsets into the UTF-8 text
  return (result.stmts ?? []).flatMap((raw) => {
    if (!raw.stmt) return [];
    const [type, node] = Object.entries(raw.stmt as Node)[0] as [string, Record<string, unknown>];
    const start = raw.stmt_location ?? 0;
    const end = raw.stmt_len ? start + raw.stmt_len : bytes.length;
    const slice = bytes.subarray(start, end).toString('utf8').replace(/;\s*$/, '');
    const prefix = LEADING_COMMENTS.exec(slice)?.[0] ?? '';
    const line = lineAt(bytes, start) + (prefix.match(/\n/g)?.length ?? 0);
    return [{ text: slice.slice(prefix.length).trim(), type, node, line }];
  });
}

/** libpg_query's PL/pgSQL parser: the function body as a tree of PLpgSQL_stmt_* nodes. */
export function parsePlPgSqlLoaded(sql: string): ParseResult {
  return loadedParser().parsePlPgSQLSync(sql);
}

export function loadedParser(): LibPgQuery {
  if (!loaded) throw new Error('The SQL parser is not loaded yet: call parseMigration() first.');
  return loaded;
}

function lineAt(bytes: Buffer, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < bytes.length; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

/** libpg_query's statement ranges include the comments before a statement; messages want the SQL. */
const LEADING_COMMENTS = /^(\s*(--[^\n]*\n|\/\*[\s\S]*?\*\/))*\s*/;
