import { covers } from '../../../probes/profiles/rules.ts';
import type { Severity } from '../../domain.ts';

/**
 * How bad a judged reading's fault is. Probes judge readings warning or critical (by the
 * profile's thresholds and enums and the device's overrides); the engine grades that into the
 * four alarm severities by what the reading means to a facility. A reading not listed keeps the
 * plain mapping: critical stays critical, warning stays warning.
 */
interface Grade {
  prefix: string;
  critical: Severity;
  warning: Severity;
}

const grades: Grade[] = [
  // No redundancy left, or no data at all: every suite on the array is at risk.
  { prefix: 'raid.status', critical: 'critical', warning: 'minor' },
  { prefix: 'nexis.director_state', critical: 'critical', warning: 'minor' },
  { prefix: 'nexis.disk_max_used_pct', critical: 'major', warning: 'warning' },
  // One disk or fan is a part to swap; the array or chassis carries on.
  { prefix: 'disk.status', critical: 'major', warning: 'minor' },
  { prefix: 'disk.state', critical: 'major', warning: 'minor' },
  { prefix: 'disk.failed', critical: 'major', warning: 'minor' },
  { prefix: 'disk.smart', critical: 'major', warning: 'minor' },
  { prefix: 'disk.health', critical: 'major', warning: 'minor' },
  { prefix: 'disk.temperature_c', critical: 'major', warning: 'minor' },
  { prefix: 'fan.cpu_status', critical: 'major', warning: 'minor' },
  { prefix: 'fan.system_status', critical: 'major', warning: 'minor' },
  { prefix: 'system.status', critical: 'major', warning: 'minor' },
  { prefix: 'power.status', critical: 'major', warning: 'minor' },
  { prefix: 'temperature_c', critical: 'major', warning: 'minor' },
  { prefix: 'volume.used_pct', critical: 'major', warning: 'warning' },
  { prefix: 'volume.days_until_full', critical: 'major', warning: 'warning' },
  // A suite's picture is wrong: the room cannot work until it is put right.
  { prefix: 'videohub.route', critical: 'major', warning: 'minor' },
  { prefix: 'if.oper_status', critical: 'major', warning: 'minor' },
  { prefix: 'if.in_errors_rate', critical: 'minor', warning: 'warning' },
  { prefix: 'if.out_errors_rate', critical: 'minor', warning: 'warning' },
  { prefix: 'cpu.load_pct', critical: 'minor', warning: 'warning' },
  { prefix: 'memory.used_pct', critical: 'minor', warning: 'warning' },
  { prefix: 'http.cert_days', critical: 'major', warning: 'warning' },
];

export function severityOf(reading: string, status: 'warning' | 'critical'): Severity {
  const grade = grades.find((g) => covers(g.prefix, reading));
  return grade ? grade[status] : status;
}
