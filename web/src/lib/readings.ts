import { severity } from './status.ts';
import type { Reading, Status } from './types.ts';

export const families = [
  'System',
  'CPU/memory',
  'Disks',
  'RAID',
  'Volumes',
  'Ports/interfaces',
  'Router',
  'Other',
] as const;
export type Family = (typeof families)[number];

// By the reading name's first segment; the probes' profiles share these names across vendors.
const familyByPrefix: Record<string, Family> = {
  uptime_s: 'System',
  system: 'System',
  power: 'System',
  fan: 'System',
  temperature_c: 'System',
  nexis: 'System',
  cpu: 'CPU/memory',
  memory: 'CPU/memory',
  load: 'CPU/memory',
  disk: 'Disks',
  raid: 'RAID',
  volume: 'Volumes',
  if: 'Ports/interfaces',
  videohub: 'Router',
};

/** One reading on the page: `disk.status[Disk_1]` is metric `status` of instance `Disk_1`. */
export interface ReadingRow extends Reading {
  /** The key in the device detail, also the history name: `volume.used_pct[/data]`, `x#2`. */
  key: string;
  /** The name without its instance: `volume.used_pct`. */
  base: string;
  instance: string | null;
}

export interface InstanceRow {
  instance: string;
  cells: Record<string, ReadingRow>;
  status: Status | null;
}

export interface ReadingGroup {
  family: Family;
  /** Readings with no instance, one row each. */
  singles: ReadingRow[];
  /** Instance tables: one column per metric, one row per disk, port, volume… */
  columns: string[];
  instances: InstanceRow[];
  /** The worst judged status in the group; null when nothing in it is judged. */
  status: Status | null;
  count: number;
}

const nameParts = /^([^[#]+)(?:\[(.*)\])?(#\d+)?$/;

export function parseName(key: string): { base: string; instance: string | null } {
  const match = nameParts.exec(key);
  if (!match) return { base: key, instance: null };
  const [, base = key, instance, duplicate = ''] = match;
  // A second check's same-named reading (`http.latency_ms#2`) keeps its mark in the base.
  return { base: `${base}${duplicate}`, instance: instance ?? null };
}

export function familyOf(base: string): Family {
  return familyByPrefix[base.split('.')[0] ?? ''] ?? 'Other';
}

/** Codes and states: a sparkline of "1, 1, 1, 11" says less than the word beside it. */
const discrete =
  /(status|state|health|smart|failed|connected|present|route|status_code|inputs|outputs)(#\d+)?$/;

export function isMeasure(base: string): boolean {
  return !discrete.test(base);
}

// Status columns first, so trouble is at the left; then the quantities people compare.
const metricOrder = [
  'status',
  'state',
  'health',
  'oper_status',
  'smart',
  'failed',
  'used_pct',
  'used_bytes',
  'size_bytes',
  'days_until_full',
  'temperature_c',
  'in_bps',
  'out_bps',
  'in_errors_rate',
  'out_errors_rate',
  'route',
];

const metricLabels: Record<string, string> = {
  oper_status: 'Link',
  used_pct: 'Used %',
  used_bytes: 'Used',
  size_bytes: 'Size',
  days_until_full: 'Full in',
  temperature_c: 'Temperature',
  in_bps: 'In',
  out_bps: 'Out',
  in_errors_rate: 'In errors',
  out_errors_rate: 'Out errors',
  route: 'Shows input',
  load_pct: 'Load',
};

/** The metric of a base name within its family: `disk.temperature_c` → `temperature_c`. */
export function metricOf(base: string): string {
  const dot = base.indexOf('.');
  return dot === -1 ? base : base.slice(dot + 1);
}

export function metricLabel(metric: string): string {
  const known = metricLabels[metric];
  if (known) return known;
  const words = metric.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

function rank(metric: string): number {
  const index = metricOrder.indexOf(metric);
  return index === -1 ? metricOrder.length : index;
}

export function worse(a: Status | null, b: Status | null): Status | null {
  if (a === null) return b;
  if (b === null) return a;
  return severity(b) > severity(a) ? b : a;
}

/** Readings grouped by family, in the families' order; empty families are left out. */
export function groupReadings(readings: Record<string, Reading>): ReadingGroup[] {
  const byFamily = new Map<Family, ReadingGroup>();
  const instanceMaps = new Map<Family, Map<string, InstanceRow>>();
  const columnSets = new Map<Family, Set<string>>();
  for (const [key, reading] of Object.entries(readings)) {
    const { base, instance } = parseName(key);
    const family = familyOf(base);
    let group = byFamily.get(family);
    if (!group) {
      group = { family, singles: [], columns: [], instances: [], status: null, count: 0 };
      byFamily.set(family, group);
      instanceMaps.set(family, new Map());
      columnSets.set(family, new Set());
    }
    const row: ReadingRow = { ...reading, key, base, instance };
    group.count += 1;
    group.status = worse(group.status, reading.status);
    if (instance === null) {
      group.singles.push(row);
      continue;
    }
    const metric = metricOf(base);
    columnSets.get(family)!.add(metric);
    const rows = instanceMaps.get(family)!;
    let instanceRow = rows.get(instance);
    if (!instanceRow) {
      instanceRow = { instance, cells: {}, status: null };
      rows.set(instance, instanceRow);
    }
    instanceRow.cells[metric] = row;
    instanceRow.status = worse(instanceRow.status, reading.status);
  }
  const groups: ReadingGroup[] = [];
  for (const family of families) {
    const group = byFamily.get(family);
    if (!group) continue;
    group.singles.sort((a, b) => collator.compare(a.base, b.base));
    group.columns = [...columnSets.get(family)!].sort(
      (a, b) => rank(a) - rank(b) || collator.compare(a, b),
    );
    group.instances = [...instanceMaps.get(family)!.values()].sort((a, b) =>
      collator.compare(a.instance, b.instance),
    );
    groups.push(group);
  }
  return groups;
}
