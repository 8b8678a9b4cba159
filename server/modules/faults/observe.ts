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
}

export const unreachable = 'unreachable';
export const noData = 'no_data';

const statusRank: Record<Status, number> = { ok: 0, unknown: 0, warning: 1, critical: 2 };

/**
 * What one result says, condition by condition. A run that read nothing and failed says the
 * device is unreachable, and nothing about its readings: their faults stay as they were, folded
 * under the unreachable one. Otherwise each judged reading that is not ok is a bad observation,
 * every condition this check has open and did not report bad is a good one, and a failure no
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
  if (result.status === 'unknown' && result.readings.length === 0) {
    return openConditions.has(noData) ? [good(noData)] : [];
  }
  const failed = result.status === 'warning' || result.status === 'critical';
  if (failed && result.readings.length === 0) {
    const observed: Observation[] = [
      { ...base, condition: unreachable, severity: 'critical', message: result.message },
    ];
    if (openConditions.has(noData)) observed.push(good(noData));
    return observed;
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
  for (const condition of openConditions) {
    if (!bad.has(condition)) observed.push(good(condition));
  }
  return observed;
}
