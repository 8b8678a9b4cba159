import type { Reading } from '../types.ts';
import type { Finding, Threshold } from './types.ts';

export type Overrides = Record<string, { warning?: number; critical?: number }>;

/** Whether a rule for `prefix` covers the reading: `volume.used_pct` covers `volume.used_pct[/]`. */
export const covers = (prefix: string, name: string) =>
  name === prefix || name.startsWith(`${prefix}[`);

/** Applies each threshold (or its per-device override) to the readings it covers. */
export function applyThresholds(
  readings: Reading[],
  thresholds: Threshold[],
  overrides: Overrides = {},
): Finding[] {
  const findings: Finding[] = [];
  for (const reading of readings) {
    const rule = thresholds.find((t) => covers(t.prefix, reading.name));
    if (!rule) continue;
    const warning = overrides[rule.prefix]?.warning ?? rule.warning;
    const critical = overrides[rule.prefix]?.critical ?? rule.critical;
    // "Fewer than 3 days left" reads naturally as strictly below; "95% full" as reached.
    const beyond = (limit: number) => (rule.below ? reading.value < limit : reading.value >= limit);
    const status = beyond(critical) ? 'critical' : beyond(warning) ? 'warning' : null;
    if (status) {
      findings.push({
        status,
        message: rule.describe(reading.name, reading.value),
        reading: reading.name,
      });
    }
  }
  return findings;
}

/** The instance inside a reading's brackets: `volume.used_pct[/home]` gives `/home`. */
export const instanceOf = (name: string) => /\[(.*)\]$/.exec(name)?.[1] ?? name;

/** A NAS's chassis and disks: drives past 55 °C wear fast; past 65 °C they fail. */
export const nasTemperatures: Threshold[] = [
  {
    prefix: 'temperature_c',
    warning: 60,
    critical: 70,
    describe: (_n, v) => `system at ${v} °C`,
  },
  {
    prefix: 'disk.temperature_c',
    warning: 55,
    critical: 65,
    describe: (n, v) => `disk ${instanceOf(n)} at ${v} °C`,
  },
];
