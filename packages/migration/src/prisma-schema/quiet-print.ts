/**
 * Quiet diffs: a generator changes only the blocks it touches. prisma-ast prints a whole file its
 * own way (comments moved, blank lines added, `@unique()` shortened), so the edited file is not
 * taken as printed: the printer's output of the file before and after the edit are compared block
 * by block, and only blocks that differ are copied into the user's original text. Every other byte
 * (comments between blocks, blank lines, attribute spelling) stays as it was.
 */

const BLOCK_START = /^(model|enum|view|type|generator|datasource)\s+(\w+)\s*\{/;

export interface TopLevelBlock {
  /** `model User`, `enum Role`, … */
  key: string;
  kind: string;
  /** Offsets in the text: from the keyword to just after the closing brace's line. */
  start: number;
  end: number;
  text: string;
}

/**
 * The top-level blocks of a schema file, in order. A block opens with its keyword at the start of
 * a line and closes at the first line that is only `}` (as Prisma writes them). Null when the text
 * does not read that way (a block never closed), so that callers fall back to the printer's output.
 */
export function topLevelBlocks(text: string): TopLevelBlock[] | null {
  const blocks: TopLevelBlock[] = [];
  const masked = maskComments(text);
  const lines = masked.split('\n');
  let offset = 0;
  let open: { kind: string; name: string; start: number } | null = null;
  for (const line of lines) {
    const lineEnd = offset + line.length + 1;
    if (!open) {
      const match = BLOCK_START.exec(line);
      if (match) open = { kind: match[1], name: match[2], start: offset };
    } else if (/^\}\s*$/.test(line)) {
      const end = Math.min(lineEnd, text.length);
      blocks.push({ key: `${open.kind} ${open.name}`, kind: open.kind, start: open.start, end, text: text.slice(open.start, end) });
      open = null;
    }
    offset = lineEnd;
  }
  if (open) return null;
  return blocks;
}

/** `/* … *\/` and `//` comments replaced by spaces (newlines kept): offsets and lines stay where they were. */
export function maskComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:[^"\\\n]|\\.)*"/g, (m) => (m.startsWith('"') ? m : m.replace(/[^\n]/g, ' ')));
}

/** Only block comments masked: prisma-ast reads `//` and `///` comments, but not `/* … *\/`. */
export function maskBlockComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:[^"\\\n]|\\.)*"/g, (m) => (m.startsWith('/*') ? m.replace(/[^\n]/g, ' ') : m));
}

/**
 * The user's `original` text with the edit applied block by block: `before` and `after` are the
 * printer's (formatted) output for the file before and after the edit. Blocks equal in both keep
 * their original bytes; changed blocks take the printer's text in place; a renamed block (one
 * block gone and one new of the same kind) is replaced in place; removed blocks go with their
 * `///` documentation; new blocks go after the block the printer put them after. Null when the
 * blocks cannot be matched up.
 */
export function spliceChangedBlocks(original: string, before: string, after: string): string | null {
  const [orig, was, now] = [topLevelBlocks(original), topLevelBlocks(before), topLevelBlocks(after)];
  if (!orig || !was || !now) return null;
  if (orig.length !== was.length || orig.some((b, i) => b.key !== was[i].key)) return null;
  if (new Set(now.map((b) => b.key)).size !== now.length || new Set(was.map((b) => b.key)).size !== was.length) return null;

  const nowByKey = new Map(now.map((b) => [b.key, b]));
  const wasKeys = new Set(was.map((b) => b.key));
  const gone = was.filter((b) => !nowByKey.has(b.key));
  const added = now.filter((b) => !wasKeys.has(b.key));
  const renamedTo = new Map<string, TopLevelBlock>();
  if (gone.length === 1 && added.length === 1 && gone[0].kind === added[0].kind) renamedTo.set(gone[0].key, added[0]);

  const edits: { start: number; end: number; text: string }[] = [];
  const spanOf = new Map<string, TopLevelBlock>();
  was.forEach((block, i) => {
    const span = orig[i];
    const replacement = nowByKey.get(block.key) ?? renamedTo.get(block.key);
    if (!replacement) return edits.push(removal(original, span));
    spanOf.set(replacement.key, span);
    if (replacement.text !== block.text) edits.push({ start: span.start, end: span.end, text: ensureNewline(replacement.text) });
  });
  // New blocks go where the printer put them: after the block that precedes them in its output.
  let anchor = orig.length ? orig[0].start : original.length;
  let pending = '';
  const flush = () => {
    if (pending) edits.push({ start: anchor, end: anchor, text: anchor === (orig[0]?.start ?? -1) ? pending.slice(1) + '\n' : pending });
    pending = '';
  };
  for (const block of now) {
    const span = spanOf.get(block.key);
    if (span) {
      flush();
      anchor = span.end;
    } else {
      pending += `\n${documentation(after, block)}${ensureNewline(block.text)}`;
    }
  }
  flush();

  let result = original;
  for (const edit of edits.sort((a, b) => b.start - a.start || b.end - a.end)) result = result.slice(0, edit.start) + edit.text + result.slice(edit.end);
  return result;
}

/** A removed block's span, widened to its `///` documentation above and one blank line after. */
function removal(text: string, span: TopLevelBlock): { start: number; end: number; text: string } {
  let start = span.start;
  for (;;) {
    const previousLineStart = text.lastIndexOf('\n', start - 2) + 1;
    if (start === 0 || !/^\s*\/\/\/.*\n$/.test(text.slice(previousLineStart, start))) break;
    start = previousLineStart;
  }
  let end = span.end;
  const blank = /^[ \t]*\n/.exec(text.slice(end));
  if (blank) end += blank[0].length;
  return { start, end, text: '' };
}

/** The `///` lines right above a block in the printer's output (a new block's documentation). */
function documentation(text: string, block: TopLevelBlock): string {
  const lines = text.slice(0, block.start).split('\n');
  lines.pop();
  const docs: string[] = [];
  while (lines.length && /^\s*\/\/\//.test(lines[lines.length - 1])) docs.unshift(lines.pop()!);
  return docs.length ? `${docs.join('\n')}\n` : '';
}

function ensureNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
