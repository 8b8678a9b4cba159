import { SimulatedSnmpAgent, type AgentOptions } from './agent.ts';
import { Interfaces, type PortSpec } from './interfaces.ts';
import { T, type Mib } from './mib.ts';

export interface VolumeSpec {
  mount: string;
  sizeGB: number;
  usedPct: number;
}

export interface WorkstationOptions extends AgentOptions {
  volumes?: VolumeSpec[];
  ports?: PortSpec[];
  cores?: number;
  memoryGB?: number;
  cpuLoadPct?: number;
  memoryUsedPct?: number;
  /** sysDescr; a Linux kernel line by default, which `auto` reads as a workstation. */
  sysDescr?: string;
}

/** An edit suite's Linux workstation with a local NVMe scratch volume and a 25G media NIC. */
export const editSuitePorts: PortSpec[] = [
  { name: 'lo', speedMbps: 10, loopback: true, inBps: 40_000, outBps: 40_000 },
  { name: 'eno1', alias: 'management', speedMbps: 1000, inBps: 1_800_000, outBps: 600_000 },
  {
    name: 'enp65s0f0',
    alias: 'media (NEXIS)',
    speedMbps: 25_000,
    inBps: 850_000_000,
    outBps: 120_000_000,
  },
  { name: 'enp65s0f1', speedMbps: 25_000, adminUp: false },
  { name: 'docker0', speedMbps: 10_000, linkUp: false },
];

export const editSuiteVolumes: VolumeSpec[] = [
  { mount: '/', sizeGB: 500, usedPct: 38 },
  { mount: '/boot/efi', sizeGB: 1, usedPct: 6 },
  { mount: '/home', sizeGB: 1000, usedPct: 22 },
  { mount: '/scratch', sizeGB: 7680, usedPct: 41 },
];

const hrStorageTypes = {
  other: '1.3.6.1.2.1.25.2.1.1',
  ram: '1.3.6.1.2.1.25.2.1.2',
  virtualMemory: '1.3.6.1.2.1.25.2.1.3',
  fixedDisk: '1.3.6.1.2.1.25.2.1.4',
};
const hrDeviceProcessor = '1.3.6.1.2.1.25.3.1.3';
const firstProcessor = 196_608; // where Linux snmpd numbers its processors in hrDeviceTable
const firstDisk = 31;
const gb = 1024 ** 3;

interface Volume {
  mount: string;
  sizeBytes: number;
  usedBytes: number;
  units: number;
}

interface StorageRow {
  descr: string;
  type: string;
  units: number;
  size: () => number;
  used: () => number;
}

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));

/**
 * A workstation as Linux snmpd shows it: HOST-RESOURCES (storage, processors), UCD memory and
 * load, IF-MIB ports. What the `workstation` profile reads, with the same OIDs and units.
 */
export class WorkstationAgent extends SimulatedSnmpAgent {
  protected readonly sysDescr: string;
  protected readonly sysObjectID = '1.3.6.1.4.1.8072.3.2.10'; // net-snmp on Linux
  readonly ports: Interfaces;
  private readonly volumes: Volume[];
  private readonly cores: number;
  private readonly memoryKB: number;
  private cpuLoadPct: number;
  private memoryUsedPct: number;

  constructor(options: WorkstationOptions = {}) {
    super(options);
    this.sysDescr =
      options.sysDescr ??
      `Linux ${this.name} 6.1.0-28-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22) x86_64`;
    this.ports = new Interfaces(options.ports ?? editSuitePorts, 1, this.uptimeTicks() / 100);
    this.volumes = (options.volumes ?? editSuiteVolumes).map((v) => {
      const sizeBytes = Math.round(v.sizeGB * gb);
      // hrStorageSize is an Integer32 of allocation units: bigger volumes get bigger units,
      // as snmpd does, so a 30 TB array still fits.
      let units = 4096;
      while (sizeBytes / units > 2 ** 31 - 1) units *= 2;
      return { mount: v.mount, sizeBytes, usedBytes: (sizeBytes * v.usedPct) / 100, units };
    });
    this.cores = options.cores ?? 16;
    this.memoryKB = (options.memoryGB ?? 128) * 1024 * 1024;
    this.cpuLoadPct = options.cpuLoadPct ?? 18;
    this.memoryUsedPct = options.memoryUsedPct ?? 46;
  }

  private volume(mount: string): Volume {
    const volume = this.volumes.find((v) => v.mount === mount);
    if (!volume)
      throw new Error(
        `no volume ${mount}; volumes: ${this.volumes.map((v) => v.mount).join(', ')}`,
      );
    return volume;
  }

  volumeUsedPct(mount: string): number {
    const volume = this.volume(mount);
    return (volume.usedBytes / volume.sizeBytes) * 100;
  }

  setVolumeUsedPct(mount: string, pct: number): void {
    const volume = this.volume(mount);
    volume.usedBytes = (volume.sizeBytes * clamp(pct, 0, 100)) / 100;
  }

  /** Fills (or, negative, empties) a volume by `pct` of its size, never past full or empty. */
  fillVolume(mount: string, pct: number): void {
    this.setVolumeUsedPct(mount, this.volumeUsedPct(mount) + pct);
  }

  setCpuLoad(pct: number): void {
    this.cpuLoadPct = clamp(pct, 0, 100);
  }

  setMemoryUsed(pct: number): void {
    this.memoryUsedPct = clamp(pct, 0, 100);
  }

  protected override onReboot(nowMs: number): void {
    this.ports.reset(nowMs);
  }

  /** Per-core load wobbles around the set load (phases spread so the mean stays put). */
  private coreLoad(core: number): number {
    const amplitude = Math.min(6, this.cpuLoadPct, 100 - this.cpuLoadPct);
    const phase = (2 * Math.PI * core) / this.cores;
    return Math.round(
      clamp(this.cpuLoadPct + amplitude * Math.sin(Date.now() / 20_000 + phase), 0, 100),
    );
  }

  /** Memory split as Linux reports it: used by programs, buffers, page cache, free. */
  private memory() {
    const used = (this.memoryKB * this.memoryUsedPct) / 100;
    const rest = this.memoryKB - used;
    return { used, buffer: rest * 0.05, cached: rest * 0.6, free: rest * 0.35 };
  }

  protected build(mib: Mib): void {
    this.buildStorage(mib);
    this.buildProcessors(mib);
    this.buildUcd(mib);
    this.ports.register(mib);
  }

  private buildStorage(mib: Mib): void {
    const rows = new Map<number, StorageRow>();
    const memoryRow = (descr: string, type: string, used: () => number) => ({
      descr,
      type,
      units: 1024,
      size: () => this.memoryKB,
      used,
    });
    rows.set(
      1,
      memoryRow('Physical memory', hrStorageTypes.ram, () => this.memoryKB - this.memory().free),
    );
    rows.set(
      3,
      memoryRow(
        'Virtual memory',
        hrStorageTypes.virtualMemory,
        () => this.memoryKB - this.memory().free,
      ),
    );
    rows.set(
      6,
      memoryRow('Memory buffers', hrStorageTypes.other, () => this.memory().buffer),
    );
    rows.set(
      7,
      memoryRow('Cached memory', hrStorageTypes.other, () => this.memory().cached),
    );
    this.volumes.forEach((volume, i) =>
      rows.set(firstDisk + i, {
        descr: volume.mount,
        type: hrStorageTypes.fixedDisk,
        units: volume.units,
        size: () => Math.floor(volume.sizeBytes / volume.units),
        used: () => Math.floor(volume.usedBytes / volume.units),
      }),
    );
    const table = mib.table(
      'hrStorageTable',
      '1.3.6.1.2.1.25.2.3.1',
      [
        { number: 1, name: 'hrStorageIndex', type: T.Integer },
        { number: 2, name: 'hrStorageType', type: T.OID },
        { number: 3, name: 'hrStorageDescr', type: T.OctetString },
        { number: 4, name: 'hrStorageAllocationUnits', type: T.Integer },
        { number: 5, name: 'hrStorageSize', type: T.Integer },
        { number: 6, name: 'hrStorageUsed', type: T.Integer },
        { number: 7, name: 'hrStorageAllocationFailures', type: T.Counter },
      ],
      (column, index) => {
        const row = rows.get(index);
        if (!row) throw new Error(`no storage ${index}`);
        return [0, 0, row.type, row.descr, row.units, row.size(), row.used(), 0][column] ?? 0;
      },
    );
    for (const index of rows.keys()) table.addRow(index);
  }

  private buildProcessors(mib: Mib): void {
    const core = (index: number) => {
      const n = index - firstProcessor;
      if (n < 0 || n >= this.cores) throw new Error(`no processor ${index}`);
      return n;
    };
    const devices = mib.table(
      'hrDeviceTable',
      '1.3.6.1.2.1.25.3.2.1',
      [
        { number: 1, name: 'hrDeviceIndex', type: T.Integer },
        { number: 2, name: 'hrDeviceType', type: T.OID },
        { number: 3, name: 'hrDeviceDescr', type: T.OctetString },
        { number: 4, name: 'hrDeviceID', type: T.OID },
        { number: 5, name: 'hrDeviceStatus', type: T.Integer },
        { number: 6, name: 'hrDeviceErrors', type: T.Counter },
      ],
      (column, index) => {
        core(index);
        const cells = [
          0,
          0,
          hrDeviceProcessor,
          'GenuineIntel: Intel(R) Xeon(R) w5-2455X',
          '0.0',
          2,
          0,
        ];
        return cells[column] ?? 0;
      },
    );
    const processors = mib.table(
      'hrProcessorTable',
      '1.3.6.1.2.1.25.3.3.1',
      [
        { number: 1, name: 'hrProcessorFrwID', type: T.OID },
        { number: 2, name: 'hrProcessorLoad', type: T.Integer },
      ],
      (column, index) => (column === 1 ? '0.0' : this.coreLoad(core(index))),
      { table: 'hrDeviceTable', column: 'hrDeviceIndex' },
    );
    for (let i = 0; i < this.cores; i += 1) {
      devices.addRow(firstProcessor + i);
      processors.addRow(firstProcessor + i);
    }
  }

  /** UCD-SNMP-MIB as Linux snmpd answers it: memory in kB, load averages as text. */
  private buildUcd(mib: Mib): void {
    const ucd = '1.3.6.1.4.1.2021';
    const kb = (value: () => number) => () => Math.round(value());
    mib.scalar('memTotalSwap', `${ucd}.4.3.0`, T.Integer, () => 8 * 1024 * 1024);
    mib.scalar('memAvailSwap', `${ucd}.4.4.0`, T.Integer, () => 8 * 1024 * 1024);
    mib.scalar('memTotalReal', `${ucd}.4.5.0`, T.Integer, () => this.memoryKB);
    mib.scalar(
      'memAvailReal',
      `${ucd}.4.6.0`,
      T.Integer,
      kb(() => this.memory().free),
    );
    mib.scalar(
      'memTotalFree',
      `${ucd}.4.11.0`,
      T.Integer,
      kb(() => this.memory().free + 8 * 1024 * 1024),
    );
    mib.scalar(
      'memBuffer',
      `${ucd}.4.14.0`,
      T.Integer,
      kb(() => this.memory().buffer),
    );
    mib.scalar(
      'memCached',
      `${ucd}.4.15.0`,
      T.Integer,
      kb(() => this.memory().cached),
    );
    mib.scalar('ssCpuIdle', `${ucd}.11.11.0`, T.Integer, () => Math.round(100 - this.cpuLoadPct));
    // Load average follows the CPU: busy cores are runnable threads. Longer windows lag behind.
    const load = (index: number) => {
      const running = (this.cores * this.cpuLoadPct) / 100;
      return running * [1, 1, 0.9, 0.8][index]!;
    };
    const table = mib.table(
      'laTable',
      `${ucd}.10.1`,
      [
        { number: 1, name: 'laIndex', type: T.Integer },
        { number: 2, name: 'laNames', type: T.OctetString },
        { number: 3, name: 'laLoad', type: T.OctetString },
        { number: 4, name: 'laConfig', type: T.OctetString },
        { number: 5, name: 'laLoadInt', type: T.Integer },
      ],
      (column, index) => {
        if (index < 1 || index > 3) throw new Error(`no load average ${index}`);
        const value = load(index);
        const cells = [
          0,
          0,
          `Load-${[0, 1, 5, 15][index]}`,
          value.toFixed(2),
          `${this.cores}.00`,
          Math.round(value * 100),
        ];
        return cells[column] ?? 0;
      },
    );
    for (const index of [1, 2, 3]) table.addRow(index);
  }
}
