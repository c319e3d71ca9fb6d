import { inputError } from '../../errors';
import { clipped, didYouMean } from '../../suggest';

/** More text than any change needs: a bigger option is a mistake (a file pasted in), refused before parsing. */
export const MAX_JSON_CHARACTERS = 100_000;
/** Deeper than any change's shape (an array of objects of lists): deeper nesting is refused, not recursed into. */
export const MAX_JSON_DEPTH = 8;

/**
 * Refuses JSON input too large or too deeply nested to be a change, with a message saying so,
 * before anything walks it recursively (which would end in "Maximum call stack size exceeded").
 */
export function assertJsonBounds(option: string, value: unknown, text?: string): void {
  if (text !== undefined && text.length > MAX_JSON_CHARACTERS) {
    throw inputError(`--${option} is ${text.length.toLocaleString('en-US')} characters long; a change takes at most ${MAX_JSON_CHARACTERS.toLocaleString('en-US')}. Give the change itself, not a file or a data set.`);
  }
  if (text !== undefined && textDepth(text) > MAX_JSON_DEPTH) throw tooDeep(option);
  // Iterative: the depth of what a user typed must not decide the depth of our stack.
  const pending: [unknown, number][] = [[value, 1]];
  while (pending.length) {
    const [node, depth] = pending.pop()!;
    if (!node || typeof node !== 'object') continue;
    if (depth > MAX_JSON_DEPTH) throw tooDeep(option);
    for (const child of Object.values(node)) pending.push([child, depth + 1]);
  }
}

function tooDeep(option: string): Error {
  return inputError(`--${option} is nested more than ${MAX_JSON_DEPTH} levels deep; no change has that shape. Check the brackets.`);
}

/** The deepest bracket nesting of JSON text, strings skipped (the parser itself may recurse on it). */
function textDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '[' || ch === '{') deepest = Math.max(deepest, ++depth);
    else if (ch === ']' || ch === '}') depth--;
  }
  return deepest;
}

/**
 * Refuses keys an item of a JSON array option does not take — a typo such as "uniqe" would
 * otherwise be ignored, and the change made without what it asked for. The message shows the
 * expected shape and the closest key.
 */
export function assertItemKeys(option: string, items: readonly object[], keys: readonly string[]): void {
  items.forEach((item, i) => {
    const unknown = Object.keys(item).find((key) => !keys.includes(key));
    if (unknown !== undefined) {
      throw inputError(
        `--${option}[${i}] has an unknown key ${clipped(unknown, 40)}. ${didYouMean(unknown, keys)}` +
          `Each item takes: ${keys.map((k) => JSON.stringify(k)).join(', ')}.`,
      );
    }
  });
}

/** What each JSON array option's items take (their TypeScript specs: ColumnSpec, RelationSpec, TableIndexSpec). */
export const COLUMN_KEYS = ['name', 'type', 'optional', 'list', 'default', 'dbType', 'unique', 'map', 'backfillValue', 'backfillSql'] as const;
export const RELATION_KEYS = ['field', 'references', 'fields', 'referencedFields', 'optional', 'onDelete', 'onUpdate', 'relationName', 'backRelationField', 'index'] as const;
export const INDEX_KEYS = ['fields', 'unique', 'name'] as const;
export const ID_KEYS = ['name', 'type', 'default', 'dbType'] as const;
