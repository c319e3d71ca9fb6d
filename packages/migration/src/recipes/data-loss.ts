import { inputError } from '../errors';

/**
 * Data-loss changes are generated only with --confirmDataLoss. The refusal says what would be
 * lost and how the rollback gets it back, so the user confirms knowingly.
 */
export function requireDataLossConfirmation(confirmed: boolean | undefined, lost: string, restoredBy: string): void {
  if (confirmed) return;
  throw inputError(
    `This change removes data: ${lost}. Nothing was generated. ` +
      `The migration keeps what it removes: ${restoredBy}. ` +
      'Run again with --confirmDataLoss to generate it.',
  );
}
