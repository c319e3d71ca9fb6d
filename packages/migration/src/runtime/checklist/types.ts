import type { MigrationFolder, MigrationsDirectory } from '../../engine/migrations';
import type { PrismaProjectLayout } from '../../workspace/prisma-project';
import type { DataMigrationRunner } from '../project-target';

export type ChecklistPhase = 'before' | 'after';
export type ItemStatus = 'pass' | 'fail' | 'manual' | 'skip';

/** One line of the checklist. `required` items that fail make the checklist fail (non-zero exit). */
export interface ChecklistItem {
  id: string;
  title: string;
  phase: ChecklistPhase;
  status: ItemStatus;
  required: boolean;
  detail: string;
}

export interface ChecklistInput {
  projectName: string;
  workspaceRoot: string;
  layout: PrismaProjectLayout;
  directory: MigrationsDirectory;
  /** The target database (what `migrate` deploys to). */
  url: string;
  dataMigrations: DataMigrationRunner;
  /** `both` (default): the after items are skipped while migrations are pending. */
  phase?: ChecklistPhase | 'both';
  /** Acknowledges the maintenance window the impact table asks for. */
  window?: boolean;
  /** Run when a pending migration drops data; must exit 0. */
  backupCommand?: string;
  /** A file a backup job writes; must exist and be newer than backupEvidenceMaxAgeMs. */
  backupEvidence?: string;
  backupEvidenceMaxAgeMs?: number;
  /** Run after the deploy; must exit 0. */
  healthCheck?: string;
  /** migrate-prune's retention, to check it keeps the rollback ready (default 24 h). */
  retentionMs?: number;
  /** Longest run of a command (backup, health check) before it counts as failed. */
  commandTimeoutMs?: number;
  now?: Date;
}

export interface AppliedFolder {
  name: string;
  appliedAt: Date;
  /** Null when the database has it but the folder is not on disk. */
  folder: MigrationFolder | null;
}

/** What every item may look at, read once. */
export interface ChecklistState {
  input: ChecklistInput;
  now: Date;
  /** On disk, not applied on the target database (failed attempts included), in order. */
  pending: MigrationFolder[];
  applied: AppliedFolder[];
  /** Applied within the rollback-ready period (24 h): the deploy the after items look at. */
  recent: AppliedFolder[];
}

/** The seed's promise: a rollback stays possible for 24 hours after a deploy. */
export const ROLLBACK_READY_MS = 24 * 3_600_000;
export const DEFAULT_RETENTION_MS = ROLLBACK_READY_MS;

/** An item's identity, and how it reports. */
export interface ItemDefinition {
  id: string;
  title: string;
  phase: ChecklistPhase;
  required: boolean;
  result(status: ItemStatus, detail: string, required?: boolean): ChecklistItem;
}

export function defineItem(id: string, title: string, phase: ChecklistPhase, required: boolean): ItemDefinition {
  return { id, title, phase, required, result: (status, detail, req = required) => ({ id, title, phase, status, required: req, detail }) };
}
