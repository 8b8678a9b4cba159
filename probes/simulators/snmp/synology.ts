import { SimulatedSnmpAgent, type AgentOptions } from './agent.ts';
import { Interfaces } from './interfaces.ts';
import { counter64, T, type Mib } from './mib.ts';

// SYNOLOGY-DISK-MIB and SYNOLOGY-RAID-MIB enumerations, named as the profile words them.
export const diskStatuses = {
  normal: 1,
  initialized: 2,
  notInitialized: 3,
  systemPartitionFailed: 4,
  crashed: 5,
} as const;
export const diskHealths = { normal: 1, warning: 2, critical: 3, failing: 4 } as const;
export const raidStatuses = {
  normal: 1,
  repairing: 2,
  migrating: 3,
  expanding: 4,
  deleting: 5,
  creating: 6,
  syncing: 7,
  parityChecking: 8,
  assembling: 9,
  canceling: 10,
  degraded: 11,
  crashed: 12,
  dataScrubbing: 13,
  unknown: 21,
} as const;
export type DiskStatus = keyof typeof diskStatuses;
export type DiskHealth = keyof typeof diskHealths;
export type RaidStatus = keyof typeof raidStatuses;

export interface SynologyOptions extends AgentOptions {
  model?: string;
  disks?: number;
  /** The one storage pool over every disk. */
  raidName?: string;
  sizeTB?: number;
  usedPct?: number;
}

interface Disk {
  status: DiskStatus;
  health: DiskHealth;
  temperatureC: number;
}

const synology = '1.3.6.1.4.1.6574';
const tb = 1e12;
const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));

/**
 * A Synology NAS: a Linux agent (so its sysObjectID says net-snmp) with Synology's own MIB for
 * system health, disks and RAID. Disks are numbered from 1 as DSM shows them ("Disk 3"); the
 * MIB's diskIndex counts from 0.
 */
export class SynologyAgent extends SimulatedSnmpAgent {
  protected readonly sysDescr: string;
  protected readonly sysObjectID = '1.3.6.1.4.1.8072.3.2.10';
  readonly model: string;
  readonly raidName: string;
  readonly ports: Interfaces;
  private readonly disks: Disk[];
  private readonly sizeBytes: number;
  private usedBytes: number;
  private raidStatus: RaidStatus = 'normal';
  systemFailed = false;
  powerFailed = false;
  systemFanFailed = false;
  cpuFanFailed = false;
  temperatureC = 41;

  constructor(options: SynologyOptions = {}) {
    super(options);
    this.model = options.model ?? 'RS3621xs+';
    this.sysDescr = `Linux ${this.name} 4.4.302+ #72806 SMP Tue Mar 19 2024 x86_64 GNU/Linux synology_broadwellnk_${this.model}`;
    this.raidName = options.raidName ?? 'Volume 1';
    this.disks = Array.from({ length: options.disks ?? 8 }, (_, i) => ({
      status: 'normal',
      health: 'normal',
      temperatureC: 33 + (i % 4),
    }));
    this.sizeBytes = (options.sizeTB ?? 96) * tb;
    this.usedBytes = (this.sizeBytes * (options.usedPct ?? 58)) / 100;
    this.ports = new Interfaces(
      [
        { name: 'eth0', speedMbps: 10_000, inBps: 400_000_000, outBps: 900_000_000 },
        { name: 'eth1', speedMbps: 10_000, inBps: 380_000_000, outBps: 870_000_000 },
      ],
      1,
      this.uptimeTicks() / 100,
    );
  }

  private disk(number: number): Disk {
    const disk = this.disks[number - 1];
    if (!disk) throw new Error(`no Disk ${number}; this NAS has ${this.disks.length} disks`);
    return disk;
  }

  /** The disk crashes and its health reads failing; the pool runs degraded without it. */
  failDisk(number: number): void {
    Object.assign(this.disk(number), { status: 'crashed', health: 'failing' });
    this.raidStatus = 'degraded';
  }

  /** A new disk goes in: the pool repairs (rebuilds) onto it. */
  replaceDisk(number: number): void {
    Object.assign(this.disk(number), { status: 'normal', health: 'normal' });
    this.raidStatus = 'repairing';
  }

  setDisk(
    number: number,
    state: { status?: DiskStatus; health?: DiskHealth; temperatureC?: number },
  ): void {
    Object.assign(this.disk(number), state);
  }

  setRaid(status: RaidStatus): void {
    this.raidStatus = status;
  }

  get raid(): RaidStatus {
    return this.raidStatus;
  }

  /** Every disk, the pool, fans and power back to normal. */
  restore(): void {
    for (const disk of this.disks) Object.assign(disk, { status: 'normal', health: 'normal' });
    this.raidStatus = 'normal';
    this.systemFailed = this.powerFailed = this.systemFanFailed = this.cpuFanFailed = false;
  }

  get usedPct(): number {
    return (this.usedBytes / this.sizeBytes) * 100;
  }

  setUsedPct(pct: number): void {
    this.usedBytes = (this.sizeBytes * clamp(pct, 0, 100)) / 100;
  }

  fillVolume(pct: number): void {
    this.setUsedPct(this.usedPct + pct);
  }

  protected override onReboot(nowMs: number): void {
    this.ports.reset(nowMs);
  }

  protected build(mib: Mib): void {
    const status = (failed: () => boolean) => () => (failed() ? 2 : 1);
    mib.scalar(
      'systemStatus',
      `${synology}.1.1.0`,
      T.Integer,
      status(() => this.systemFailed),
    );
    mib.scalar('temperature', `${synology}.1.2.0`, T.Integer, () => this.temperatureC);
    mib.scalar(
      'powerStatus',
      `${synology}.1.3.0`,
      T.Integer,
      status(() => this.powerFailed),
    );
    mib.scalar(
      'systemFanStatus',
      `${synology}.1.4.1.0`,
      T.Integer,
      status(() => this.systemFanFailed),
    );
    mib.scalar(
      'cpuFanStatus',
      `${synology}.1.4.2.0`,
      T.Integer,
      status(() => this.cpuFanFailed),
    );
    mib.scalar('modelName', `${synology}.1.5.1.0`, T.OctetString, () => this.model);
    mib.scalar('serialNumber', `${synology}.1.5.2.0`, T.OctetString, () => '2150SBRDN7X41');
    mib.scalar('version', `${synology}.1.5.3.0`, T.OctetString, () => 'DSM 7.2-64570 Update 3');

    const diskAt = (index: number) => this.disk(index + 1);
    const disks = mib.table(
      'diskTable',
      `${synology}.2.1.1`,
      [
        { number: 1, name: 'diskIndex', type: T.Integer },
        { number: 2, name: 'diskID', type: T.OctetString },
        { number: 3, name: 'diskModel', type: T.OctetString },
        { number: 4, name: 'diskType', type: T.OctetString },
        { number: 5, name: 'diskStatus', type: T.Integer },
        { number: 6, name: 'diskTemperature', type: T.Integer },
        { number: 13, name: 'diskHealthStatus', type: T.Integer },
      ],
      (column, index) => {
        const disk = diskAt(index);
        switch (column) {
          case 2:
            return `Disk ${index + 1}`;
          case 3:
            return 'HAT5300-16T';
          case 4:
            return 'SATA';
          case 5:
            return diskStatuses[disk.status];
          case 6:
            return disk.temperatureC;
          case 13:
            return diskHealths[disk.health];
          default:
            throw new Error(`no diskTable column ${column}`);
        }
      },
    );
    this.disks.forEach((_, i) => disks.addRow(i));

    const raids = mib.table(
      'raidTable',
      `${synology}.3.1.1`,
      [
        { number: 1, name: 'raidIndex', type: T.Integer },
        { number: 2, name: 'raidName', type: T.OctetString },
        { number: 3, name: 'raidStatus', type: T.Integer },
        { number: 4, name: 'raidFreeSize', type: T.Counter64 },
        { number: 5, name: 'raidTotalSize', type: T.Counter64 },
      ],
      (column) => {
        switch (column) {
          case 2:
            return this.raidName;
          case 3:
            return raidStatuses[this.raidStatus];
          case 4:
            return counter64(Math.round(this.sizeBytes - this.usedBytes));
          case 5:
            return counter64(this.sizeBytes);
          default:
            throw new Error(`no raidTable column ${column}`);
        }
      },
    );
    raids.addRow(0);
    this.ports.register(mib);
  }
}
