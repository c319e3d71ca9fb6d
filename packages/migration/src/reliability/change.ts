import fc from 'fast-check';
import type { SchemaState } from './schema-state';

export type GeneratorName =
  | 'add-column'
  | 'remove-column'
  | 'modify-column'
  | 'add-index'
  | 'remove-index'
  | 'add-table'
  | 'remove-table'
  | 'add-relation'
  | 'remove-relation'
  | 'rename';

/** One generator call: what a user would type as `nx g @forge/migration:<generator> --<option> …`. */
export interface Change {
  generator: GeneratorName;
  options: Record<string, string | number | boolean>;
}

/** A change and the schema state it leads to. */
export interface Step {
  change: Change;
  next: SchemaState;
}

/** The changes of one kind that are valid on `state`, or undefined when there is none. */
export type StepArbitrary = (state: SchemaState) => fc.Arbitrary<Step> | undefined;

/** Picks one of a finite list of valid steps (fast-check shrinks towards the first). */
export function oneOfSteps(steps: Step[]): fc.Arbitrary<Step> | undefined {
  return steps.length ? fc.constantFrom(...steps) : undefined;
}

export function step(generator: GeneratorName, options: Change['options'], next: SchemaState): Step {
  return { change: { generator, options }, next };
}

/** The change as a command line, so a counter-example can be replayed by hand. */
export function describeChange({ generator, options }: Change): string {
  const flags = Object.entries(options).map(([key, value]) => (value === true ? `--${key}` : `--${key}=${shellQuote(String(value))}`));
  return `nx g @forge/migration:${generator} ${flags.join(' ')}`;
}

function shellQuote(value: string): string {
  return /^[\w.,:-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
