import { parseLoaded, parsePlPgSqlLoaded, SqlSyntaxError, type ParsedStatement } from './parse';

type Node = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A statement a DO block runs. */
export interface BlockStatement {
  statement: ParsedStatement;
  /**
   * It runs only on some paths: inside IF / CASE / a loop / an exception handler, or after a
   * RETURN or EXIT that may have ended the block.
   */
  conditional: boolean;
}

/** What a DO block runs, as far as its text says. */
export interface BlockContents {
  statements: BlockStatement[];
  /**
   * What it runs that cannot be known before it runs: an `EXECUTE` of a string built from
   * variables, a body in another language. Each as written, for messages.
   */
  unknown: string[];
}

const cache = new WeakMap<object, BlockContents>();

/**
 * The SQL statements a `DO` block runs: the embedded statements of its PL/pgSQL body, the queries
 * of its conditions and assignments, and each `EXECUTE` whose string can be worked out from the
 * text (literals, `||`, `format()` with literal arguments, `quote_ident`, the branches of a CASE).
 * Needs the parser loaded (by parseMigration, which produced the DO statement).
 */
export function blockContents(doStmt: Node): BlockContents {
  const cached = cache.get(doStmt);
  if (cached) return cached;
  const args: Node[] = (doStmt.args ?? []).map((a: Node) => a.DefElem).filter(Boolean);
  const body = args.find((a) => a.defname === 'as')?.arg?.String?.sval as string | undefined;
  const language = (args.find((a) => a.defname === 'language')?.arg?.String?.sval as string | undefined) ?? 'plpgsql';
  const contents: BlockContents = { statements: [], unknown: [] };
  if (body === undefined || language.toLowerCase() !== 'plpgsql') {
    contents.unknown.push(`a DO block in ${language}`);
  } else {
    try {
      const tree = parsePlPgSqlLoaded(`CREATE FUNCTION forge_do_block() RETURNS void LANGUAGE plpgsql AS $forge_do$${body}$forge_do$;`) as Node;
      const action = tree.plpgsql_funcs?.[0]?.PLpgSQL_function?.action;
      new BlockReader(contents).statements([action], false);
    } catch (error) {
      contents.unknown.push(`a DO block PostgreSQL's PL/pgSQL parser rejects (${(error as Error).message})`);
    }
  }
  cache.set(doStmt, contents);
  return contents;
}

/** PL/pgSQL statements whose nested statements run on some paths only. */
const BRANCHING = /^PLpgSQL_stmt_(if|case|loop|while|fori|fors|forc|foreach_a|dynfors)$/;
/** Statements after which the rest of the block may not run. */
const LEAVING = /^PLpgSQL_stmt_(return|return_next|return_query|exit)$/;

class BlockReader {
  /** A RETURN or EXIT has been seen on some path: what follows may not run. */
  private mayHaveLeft = false;

  constructor(private readonly out: BlockContents) {}

  statements(list: Node[] | undefined, conditional: boolean): void {
    for (const item of list ?? []) {
      const [kind, node] = Object.entries(item ?? {})[0] ?? [];
      if (!kind || !node) continue;
      const here = conditional || this.mayHaveLeft;
      this.expressions(kind, node as Node, here);
      if (kind === 'PLpgSQL_stmt_block') {
        this.statements(node.body, here);
        for (const handler of node.exceptions?.PLpgSQL_exception_block?.exc_list ?? []) this.statements(handler.PLpgSQL_exception?.action, true);
      } else if (BRANCHING.test(kind)) {
        this.nested(node as Node);
      }
      if (LEAVING.test(kind)) this.mayHaveLeft = true;
    }
  }

  /** The statement lists inside a branching statement (then/elsif/else, case whens, loop bodies). */
  private nested(node: Node): void {
    const lists: Node[][] = [node.then_body, node.else_body, node.body, node.else_stmts];
    for (const elsif of node.elsif_list ?? []) lists.push(elsif.PLpgSQL_if_elsif?.stmts);
    for (const when of node.case_when_list ?? []) lists.push(when.PLpgSQL_case_when?.stmts);
    for (const list of lists) this.statements(list, true);
    for (const elsif of node.elsif_list ?? []) this.expression(elsif.PLpgSQL_if_elsif?.cond, true);
    for (const when of node.case_when_list ?? []) this.expression(when.PLpgSQL_case_when?.expr, true);
  }

  /** The SQL of the statement itself: its embedded query, EXECUTE string, condition or assigned value. */
  private expressions(kind: string, node: Node, conditional: boolean): void {
    if (kind === 'PLpgSQL_stmt_dynexecute' || kind === 'PLpgSQL_stmt_dynfors') {
      this.execute(node.query?.PLpgSQL_expr?.query, conditional);
      return;
    }
    for (const key of ['sqlstmt', 'expr', 'cond', 't_expr', 'query', 'lower', 'upper', 'step']) this.expression(node[key], conditional);
  }

  private expression(wrapped: Node | undefined, conditional: boolean): void {
    const expr = wrapped?.PLpgSQL_expr;
    if (!expr?.query) return;
    const sql = asStatement(expr.query, expr.parseMode);
    try {
      for (const statement of parseLoaded(sql)) this.out.statements.push({ statement, conditional });
    } catch (error) {
      if (!(error instanceof SqlSyntaxError)) throw error;
      this.out.unknown.push(expr.query);
    }
  }

  private execute(expression: string | undefined, conditional: boolean): void {
    if (!expression) return;
    const candidates = staticStrings(expression);
    if (!candidates) {
      this.out.unknown.push(`EXECUTE ${expression}`);
      return;
    }
    for (const sql of candidates) {
      try {
        for (const statement of parseLoaded(sql)) this.out.statements.push({ statement, conditional: conditional || candidates.length > 1 });
      } catch (error) {
        if (!(error instanceof SqlSyntaxError)) throw error;
        this.out.unknown.push(`EXECUTE ${expression}`);
      }
    }
  }
}

/**
 * A PL/pgSQL expression as a statement the SQL parser takes: embedded statements are SQL already
 * (parse mode 0); an expression becomes `SELECT <expression>`; an assignment keeps its value.
 */
function asStatement(query: string, parseMode: number | undefined): string {
  if (!parseMode) return query;
  const value = parseMode >= 3 ? query.replace(/^[^:=]*:?=/, '') : query;
  return `SELECT ${value}`;
}

const MAX_CANDIDATES = 16;

/**
 * The strings an expression can evaluate to, when its text says (null when a part is only known at
 * run time: a variable, a function other than the few below). `current_schema()` stands for the
 * schema migrations run in, which the analysis names without a prefix.
 */
export function staticStrings(expression: string): string[] | null {
  let parsed: ParsedStatement[];
  try {
    parsed = parseLoaded(`SELECT ${expression}`);
  } catch {
    return null;
  }
  const target = (parsed[0]?.node as Node | undefined)?.targetList;
  if (parsed.length !== 1 || target?.length !== 1) return null;
  return evaluate(target[0].ResTarget?.val);
}

function evaluate(node: Node | undefined): string[] | null {
  if (!node) return null;
  if (node.A_Const) return typeof node.A_Const.sval?.sval === 'string' ? [node.A_Const.sval.sval] : null;
  if (node.TypeCast) return evaluate(node.TypeCast.arg);
  if (node.SQLValueFunction?.op === 'SVFOP_CURRENT_SCHEMA') return ['public'];
  if (node.A_Expr?.kind === 'AEXPR_OP' && node.A_Expr.name?.[0]?.String?.sval === '||') return product([evaluate(node.A_Expr.lexpr), evaluate(node.A_Expr.rexpr)], (parts) => parts.join(''));
  if (node.CaseExpr) {
    const branches = [...(node.CaseExpr.args ?? []).map((w: Node) => w.CaseWhen?.result), node.CaseExpr.defresult].filter(Boolean).map(evaluate);
    if (branches.some((b: string[] | null) => b === null)) return null;
    return limit([...new Set((branches as string[][]).flat())]);
  }
  if (node.FuncCall) return call(node.FuncCall);
  return null;
}

function call(fn: Node): string[] | null {
  const name = String((fn.funcname ?? []).map((n: Node) => n.String?.sval).pop() ?? '').toLowerCase();
  const args: (string[] | null)[] = (fn.args ?? []).map(evaluate);
  switch (name) {
    case 'current_schema':
      return ['public'];
    case 'quote_ident':
      return product(args, ([value]) => quoteIdent(value));
    case 'quote_literal':
      return product(args, ([value]) => `'${value.replace(/'/g, "''")}'`);
    case 'concat':
      return product(args, (parts) => parts.join(''));
    case 'format':
      return product(args, ([pattern, ...values]) => format(pattern, values));
    default:
      return null;
  }
}

/** Every combination of the arguments' possible values through `combine`; null when one is unknown or a format is not understood. */
function product(args: (string[] | null)[], combine: (values: string[]) => string | null): string[] | null {
  if (args.some((a) => a === null)) return null;
  let combos: string[][] = [[]];
  for (const values of args as string[][]) combos = combos.flatMap((combo) => values.map((v) => [...combo, v]));
  const out: string[] = [];
  for (const combo of combos) {
    const value = combine(combo);
    if (value === null) return null;
    out.push(value);
  }
  return limit([...new Set(out)]);
}

function limit(values: string[]): string[] | null {
  return values.length <= MAX_CANDIDATES ? values : null;
}

/** PostgreSQL's format(): %s, %I, %L and %%, positional (%1$I) or in order. */
function format(pattern: string, values: string[]): string | null {
  let next = 0;
  let failed = false;
  const text = pattern.replace(/%(?:(\d+)\$)?([sIL%])/g, (_, position: string | undefined, type: string) => {
    if (type === '%') return '%';
    const value = values[position ? Number(position) - 1 : next++];
    if (value === undefined) {
      failed = true;
      return '';
    }
    return type === 'I' ? quoteIdent(value) : type === 'L' ? `'${value.replace(/'/g, "''")}'` : value;
  });
  return failed ? null : text;
}

/** Always quoted: the same identifier as quote_ident's output, whether or not it needed quotes. */
function quoteIdent(value: string): string {
  return `"${value.replace(/"/g, '""')}"`;
}
