import { inputError } from '../errors';
import type { Ask } from '../generators/migration/change-questions';
import type { Classification, RenameCandidate, RenameDecisions } from './classify';

/** `Order.note=comment` (a field) or `Order=Purchase` (a model) → decisions; `--dropAndAdd Order.note` → drop + add. */
export function renameDecisions(renames: string[], dropAndAdd: string[]): RenameDecisions {
  const decisions: RenameDecisions = new Map();
  for (const entry of renames) {
    const match = /^\s*([A-Za-z][\w]*(?:\.[A-Za-z][\w]*)?)\s*=\s*([A-Za-z][\w]*)\s*$/.exec(entry);
    if (!match) throw inputError(`Invalid --rename ${JSON.stringify(entry)}: write Model.oldField=newField (or OldModel=NewModel), e.g. --rename Order.note=comment.`);
    decisions.set(match[1], match[2]);
  }
  for (const entry of dropAndAdd) decisions.set(entry.trim(), '');
  return decisions;
}

/** `User.plan=free` or `User.plan=sql:lower(name)` → the backfill of each required field. */
export function backfillValues(entries: string[]): Map<string, string> {
  const values = new Map<string, string>();
  for (const entry of entries) {
    const at = entry.indexOf('=');
    const key = entry.slice(0, at).trim();
    if (at < 0 || !/^[A-Za-z]\w*\.[A-Za-z]\w*$/.test(key)) {
      throw inputError(`Invalid --backfill ${JSON.stringify(entry)}: write Model.field=value or Model.field=sql:<expression>, e.g. --backfill User.plan=free.`);
    }
    values.set(key, entry.slice(at + 1));
  }
  return values;
}

/** `--map 'Order.status={"pending":"PENDING"}'` and `--cast 'Order.total=round(total)::int'` of type changes. */
export function conversions(maps: string[], casts: string[]): { maps: Map<string, Record<string, string>>; casts: Map<string, string> } {
  const split = (entry: string, flag: string, example: string): [string, string] => {
    const at = entry.indexOf('=');
    const key = entry.slice(0, at).trim();
    if (at < 0 || !/^[A-Za-z]\w*\.[A-Za-z]\w*$/.test(key)) throw inputError(`Invalid --${flag} ${JSON.stringify(entry)}: write Model.field=<${flag === 'map' ? 'JSON' : 'SQL'}>, e.g. --${flag} '${example}'.`);
    return [key, entry.slice(at + 1)];
  };
  const result = { maps: new Map<string, Record<string, string>>(), casts: new Map<string, string>() };
  for (const entry of maps) {
    const [key, json] = split(entry, 'map', 'Order.status={"pending":"PENDING"}');
    try {
      result.maps.set(key, JSON.parse(json) as Record<string, string>);
    } catch (error) {
      throw inputError(`--map ${key}=… is not valid JSON (${(error as Error).message}). Example: --map 'Order.status={"pending":"PENDING"}'.`);
    }
  }
  for (const entry of casts) result.casts.set(...split(entry, 'cast', 'Order.totalCents=round("totalCents")::int'));
  return result;
}

/** A --rename or --dropAndAdd that names no candidate pair is a typo: say which pairs there are. */
export function assertDecisionsUsed(decisions: RenameDecisions, candidates: RenameCandidate[]): void {
  for (const [from, to] of decisions) {
    if (candidates.some((c) => c.from === from && (to === '' || c.to === to))) continue;
    throw inputError(
      `--${to ? 'rename' : 'dropAndAdd'} ${from}${to ? `=${to}` : ''} names no field or model that disappeared while ${to || 'another'} appeared. ` +
        (candidates.length ? `Candidates: ${candidates.map(flag).join(', ')}.` : 'No rename is possible between the two schemas.'),
    );
  }
}

/** Asks "rename or drop + add?" for each pair, in a terminal; each field or model is decided once. */
export async function askRenames(classification: Classification, decisions: RenameDecisions, ask: Ask): Promise<RenameDecisions> {
  const next = new Map(decisions);
  for (const candidate of classification.undecided) {
    if (next.has(candidate.from)) continue;
    const answer = await ask({
      kind: 'select',
      key: candidate.from,
      message: `${candidate.from} is gone and ${candidate.to} appeared: rename or drop + add?`,
      choices: [
        { value: candidate.to, label: `rename ${candidate.from} → ${candidate.to} (values kept)` },
        { value: '', label: `drop ${candidate.from} and add ${candidate.to} (values of ${candidate.from} removed)` },
      ],
    });
    if (answer !== '') next.set(candidate.from, String(answer));
  }
  // Pairs answered "drop + add" are decided too.
  for (const candidate of classification.undecided) if (!next.has(candidate.from)) next.set(candidate.from, '');
  return next;
}

/** The refusal of a non-interactive run: every pair and the flags that decide them. */
export function renameRefusal(candidates: RenameCandidate[]): Error {
  return inputError(
    `Nothing was generated: dev cannot tell a rename from a drop + add.\n` +
      candidates.map((c) => `  ${c.from} disappeared and ${c.to} appeared: rename (--rename ${flag(c)}) or drop + add (--dropAndAdd ${c.from})?`).join('\n') +
      '\nPass one flag per pair (or run dev in a terminal to be asked).',
  );
}

function flag(candidate: RenameCandidate): string {
  return `${candidate.from}=${candidate.to}`;
}
