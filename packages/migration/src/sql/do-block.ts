import { quoteLiteral } from './identifiers';

const TAG = '$forge$';

/** A PL/pgSQL `DO` block, dollar-quoted with a tag that no identifier or message of ours contains. */
export function doBlock(declarations: string[], body: string[]): string {
  const declare = declarations.length ? ['DECLARE', ...declarations.map((d) => `  ${d}`)] : [];
  const lines = [...declare, 'BEGIN', ...body.map((line) => `  ${line}`)];
  if (lines.some((line) => line.includes(TAG))) throw new Error(`A DO block body must not contain ${TAG}.`);
  return [`DO ${TAG}`, ...lines, `END ${TAG};`].join('\n');
}

/**
 * `RAISE EXCEPTION` with a readable message and a hint. In the message `{}` marks where each of
 * `args` goes (RAISE's `%`); a literal `%` is doubled. The hint is a plain string.
 */
export function raiseException(message: string, args: string[], hint: string, errcode?: string): string {
  const text = message.replace(/%/g, '%%').replace(/\{\}/g, '%');
  const code = errcode ? `ERRCODE = ${quoteLiteral(errcode)}, ` : '';
  return `RAISE EXCEPTION ${quoteLiteral(text)}${args.map((a) => `, ${a}`).join('')} USING ${code}HINT = ${quoteLiteral(hint)};`;
}
