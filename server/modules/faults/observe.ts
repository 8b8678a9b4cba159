import type { Reading, Status } from '../../../probes/types.ts';
import type { Severity } from '../../domain.ts';
import type { Observation } from './engine.ts';
import { severityOf } from './severity.ts';

/** A stored check result, as the engine reads it. */
export interface ResultForFaults {
  checkId: string;
  deviceId: string;
  kind: string;
  intervalS: number;
  status: Status;
  message: string;
  readings: Reading[];
  atMs: number;
  /** The check's newest result before this batch: an older result cannot speak for now. */
  lastRunAtMs?: number | null;
}

export const unreachable = 'unreachable';
export const noData = 'no_data';

const statusRank: Record<Status, number> = { ok: 0, unknown: 0, warning: 1, critical: 2 };

/**
 * What one result says, condition by condition. A run that read nothing and failed says the
 * device is unreachable, and nothing about its readings: their faults stay as they were, folded
 * under the unreachable one. Otherwise each judged reading that is not ok is a bad observation,
 * every condition this check has open whose reading came back ok is a good one, and a failure no
 * reading explains (an HTTP 500, a reboot) is the check's own condition.
 * `openConditions` are the conditions of this check's open faults.
 */
export function observationsOf(
  result: ResultForFaults,
  openConditions: ReadonlySet<string>,
  holdDownIntervals: number,
): Observation[] {
  const base = {
    deviceId: result.deviceId,
    checkId: result.checkId,
    source: 'check' as const,
    atMs: result.atMs,
    holdDownS: holdDownIntervals * result.intervalS,
  };
  const good = (condition: string): Observation => ({
    ...base,
    condition,
    severity: null,
    message: '',
  });
  // Unknown says nothing either way: a check whose secret no longer opens, say.
  if (result.status === 'unknown' && result.readings.length === 0) return [];
  const failed = result.status === 'warning' || result.status === 'critical';
  if (failed && result.readings.length === 0) {
    return [{ ...base, condition: unreachable, severity: 'critical', message: result.message }];
  }

  const bad = new Map<string, Observation>();
  let explained = 0;
  for (const reading of result.readings) {
    if (reading.status !== 'warning' && reading.status !== 'critical') continue;
    explained = Math.max(explained, statusRank[reading.status]);
    const severity: Severity = severityOf(reading.name, reading.status);
    bad.set(reading.name, {
      ...base,
      condition: reading.name,
      severity,
      message: reading.note ?? `${reading.name} is ${reading.value}${reading.unit}`,
    });
  }
  if (statusRank[result.status] > explained) {
    const condition = `check.${result.kind}`;
    bad.set(condition, {
      ...base,
      condition,
      severity: result.status === 'critical' ? 'major' : 'warning',
      message: result.message,
    });
  }
  const observed = [...bad.values()];
  const present = new Set(result.readings.map((r) => r.name));
  for (const condition of openConditions) {
    if (bad.has(condition)) continue;
    // A reading that is missing says nothing: a failed disk that dropped out of the table, or a
    // walk cut short, must not clear its fault. Silence is the clock's to judge, not a result's.
    const readingGone =
      !present.has(condition) && condition !== unreachable && !condition.startsWith('check.');
    if (readingGone || condition === noData) continue;
    observed.push(good(condition));
  }
  return observed;
}
