import type { Reading } from '../types.ts';
import type { Finding, Threshold } from './types.ts';

export type Overrides = Record<string, { warning?: number; critical?: number }>;

/** Applies each threshold (or its per-device override) to the readings it covers. */
export function applyThresholds(
  readings: Reading[],
  thresholds: Threshold[],
  overrides: Overrides = {},
): Finding[] {
  const findings: Finding[] = [];
  for (const reading of readings) {
    const rule = thresholds.find(
      (t) => reading.name === t.prefix || reading.name.startsWith(`${t.prefix}[`),
    );
    if (!rule) continue;
    const warning = overrides[rule.prefix]?.warning ?? rule.warning;
    const critical = overrides[rule.prefix]?.critical ?? rule.critical;
    if (reading.value >= critical) {
      findings.push({ status: 'critical', message: rule.describe(reading.name, reading.value) });
    } else if (reading.value >= warning) {
      findings.push({ status: 'warning', message: rule.describe(reading.name, reading.value) });
    }
  }
  return findings;
}

/** The instance inside a reading's brackets: `volume.used_pct[/home]` gives `/home`. */
export const instanceOf = (name: string) => /\[(.*)\]$/.exec(name)?.[1] ?? name;
