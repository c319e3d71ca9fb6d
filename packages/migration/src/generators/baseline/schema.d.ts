import type { ChangeGeneratorOptions } from '../shared/options';

export interface BaselineGeneratorSchema extends ChangeGeneratorOptions {
  /** Write the baseline even though migrations exist (to squash the history into one). */
  force?: boolean;
}
