import { defineItem, type ChecklistItem, type ChecklistState } from './types';

export const monitoringItem = defineItem('monitoring', 'Monitoring during and after the run', 'before', false);

/** A person watches; the checklist says what to watch and how. */
export function checkMonitoring(state: ChecklistState): ChecklistItem {
  const watch = [
    `lock waits: SELECT pid, now() - query_start AS waiting, left(query, 80) FROM pg_stat_activity WHERE wait_event_type = 'Lock';`,
    `long transactions that would hold a migration's lock: SELECT pid, now() - xact_start AS open, state FROM pg_stat_activity WHERE xact_start < now() - interval '1 minute';`,
    `replication lag: SELECT client_addr, replay_lag FROM pg_stat_replication; (or your replicas' lag metric)`,
    `the application's error rate and latency, from the start of the run until well after it (a removed column breaks a version that still reads it)`,
  ];
  const who = state.pending.length ? `While the ${state.pending.length} pending migration(s) run, watch:` : 'While migrations run, watch:';
  return monitoringItem.result('manual', [who, ...watch.map((w) => `  • ${w}`)].join('\n'));
}
