export interface MigrateLintExecutorSchema {
  /** Migration folder(s) to lint: full names or the part after the timestamp; comma-separated or a list. Default: all. */
  migration?: string | string[];
  /** table (default) or json */
  format?: 'table' | 'json';
  /** Also fail when there are more warnings than this (errors always fail). */
  maxWarnings?: number;
  /** Print the rules and exit. */
  listRules?: boolean;
}
