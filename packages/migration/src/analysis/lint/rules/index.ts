import type { LintRule } from '../types';
import { addingRequiredField } from './adding-required-field';
import { changingColumnType } from './changing-column-type';
import { checkConstraintNotValid } from './check-constraint-not-valid';
import { concurrentIndexAloneInMigration } from './concurrent-index-alone-in-migration';
import { dropColumnWithoutBackup } from './drop-column-without-backup';
import { dropTableWithoutBackup } from './drop-table-without-backup';
import { enumAddValueUsedInSameTransaction } from './enum-add-value-used-in-same-transaction';
import { foreignKeyNotValid } from './foreign-key-not-valid';
import { identifierTooLong } from './identifier-too-long';
import { renameAsDropAndAdd } from './rename-as-drop-and-add';
import { requireConcurrentIndexCreation } from './require-concurrent-index-creation';
import { requireConcurrentIndexDeletion } from './require-concurrent-index-deletion';
import { requireLockTimeout } from './require-lock-timeout';
import { requiresNewerPostgresql } from './requires-newer-postgresql';
import { setNotNullWithoutValidatedCheck } from './set-not-null-without-validated-check';
import { uniqueIndexOnExistingData } from './unique-index-on-existing-data';
import { volatileDefault } from './volatile-default';

/** Every rule, in the order findings on one statement are listed. */
export const ALL_RULES: readonly LintRule[] = [
  requireLockTimeout,
  requireConcurrentIndexCreation,
  requireConcurrentIndexDeletion,
  concurrentIndexAloneInMigration,
  foreignKeyNotValid,
  checkConstraintNotValid,
  setNotNullWithoutValidatedCheck,
  addingRequiredField,
  changingColumnType,
  volatileDefault,
  dropColumnWithoutBackup,
  dropTableWithoutBackup,
  renameAsDropAndAdd,
  uniqueIndexOnExistingData,
  enumAddValueUsedInSameTransaction,
  identifierTooLong,
  requiresNewerPostgresql,
];
