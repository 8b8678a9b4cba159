import type { SnmpSession } from '../snmp/session.ts';
import type { Finding, Reading } from '../types.ts';

export type { Finding };

export interface Collected {
  readings: Reading[];
  findings: Finding[];
}

export interface ProfileContext {
  session: SnmpSession;
  /** Kept between runs of one check: counters for rates, the last uptime for reboots. */
  state: Map<string, unknown>;
  nowMs: number;
}

/** A threshold on every reading whose name starts with `prefix` (`volume.used_pct` matches `volume.used_pct[/]`). */
export interface Threshold {
  prefix: string;
  warning: number;
  critical: number;
  /** Lower is worse (days until a volume is full): alarms when the value falls below a limit. */
  below?: boolean;
  /** What the number is, for the message: "volume / is 91% full". */
  describe: (name: string, value: number) => string;
}

/** A device profile: what to read from one kind of device and when to worry. */
export interface Profile {
  name: string;
  description: string;
  /**
   * For `auto`: OIDs only this vendor's agent answers (Synology's model name, say); any one
   * answering picks the profile. Several where a vendor has a MIB tree per product family.
   */
  detectOids?: readonly string[];
  /** For `auto`, when no vendor OID answered: whether this profile fits the agent. */
  matches(sysObjectID: string, sysDescr: string): boolean;
  thresholds: Threshold[];
  /**
   * Prefixes of readings that the profile's own checks judge (a disk or RAID state): such a
   * reading with no finding against it is ok, so the dashboard can colour it green.
   */
  judged?: string[];
  collect(context: ProfileContext): Promise<Collected>;
}

/** A reading name carries its instance in brackets; characters outside the allowed set become `_`. */
export function instanceName(base: string, instance: string): string {
  return `${base}[${instance.replace(/[^A-Za-z0-9_.:/-]/g, '_').slice(0, 100)}]`;
}
