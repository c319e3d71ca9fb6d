import type { ChecklistReport } from './run-checklist';
import type { ChecklistItem, ItemStatus } from './types';

const MARK: Record<ItemStatus, string> = { pass: '✓', fail: '✗', manual: 'manual', skip: '–' };

/** The checklist for a terminal: one mark per item, its detail indented below. */
export function renderChecklist(report: ChecklistReport): string {
  const lines = [
    '',
    `Deploy checklist of ${report.project}: ${report.pending.length ? `${report.pending.length} migration(s) pending` : 'nothing pending'}` +
      `${report.recent.length ? `, ${report.recent.length} applied in the last 24 h` : ''}.`,
  ];
  for (const [phase, heading] of [['before', 'Before running'], ['after', 'After running']] as const) {
    const items = report.items.filter((i) => i.phase === phase);
    if (!items.length) continue;
    lines.push('', heading);
    for (const item of items) lines.push(...renderItem(item));
  }
  const failed = report.items.filter((i) => i.required && i.status === 'fail');
  lines.push(
    '',
    failed.length
      ? `✗ ${failed.length} required item(s) failed: ${failed.map((i) => i.id).join(', ')}.`
      : `✓ every required automatic item passed${report.items.some((i) => i.status === 'manual') ? '; do the manual items' : ''}.`,
  );
  return lines.join('\n');
}

/** A one-line detail follows the title; a longer one goes below it, indented. */
function renderItem(item: ChecklistItem): string[] {
  const lines = item.detail.split('\n');
  const head = `  ${MARK[item.status]} ${item.title}`;
  return lines.length === 1 ? [`${head}: ${lines[0]}`] : [head, ...lines.map((l) => `      ${l}`)];
}
