import { counter64, T, type Mib } from './mib.ts';

/** A counter that climbs at a rate with the clock, can be bumped, and starts again at a reboot. */
export class Counter {
  private base: number;
  private since: number;

  constructor(
    private perS = 0,
    uptimeS = 0,
    nowMs = Date.now(),
  ) {
    // A device that has been up a while has counted a while.
    this.base = perS * uptimeS;
    this.since = nowMs;
  }

  value(nowMs = Date.now()): number {
    return this.base + (this.perS * Math.max(0, nowMs - this.since)) / 1000;
  }

  get rate(): number {
    return this.perS;
  }

  setRate(perS: number, nowMs = Date.now()): void {
    this.base = this.value(nowMs);
    this.since = nowMs;
    this.perS = Math.max(0, perS);
  }

  add(count: number): void {
    this.base += Math.max(0, count);
  }

  reset(nowMs = Date.now()): void {
    this.base = 0;
    this.since = nowMs;
  }
}

export interface PortSpec {
  /** ifDescr and ifName, e.g. `enp65s0f0` or `GigabitEthernet1/0/3`. */
  name: string;
  /** ifAlias: what the port feeds, as an engineer labelled it. */
  alias?: string;
  speedMbps: number;
  loopback?: boolean;
  adminUp?: boolean;
  linkUp?: boolean;
  /** Traffic in bits per second while the link is up. */
  inBps?: number;
  outBps?: number;
}

export class Port {
  readonly index: number;
  readonly spec: PortSpec;
  adminUp: boolean;
  linkUp: boolean;
  private inBps: number;
  private outBps: number;
  readonly inOctets: Counter;
  readonly outOctets: Counter;
  readonly inErrors = new Counter();
  readonly outErrors = new Counter();

  constructor(index: number, spec: PortSpec, uptimeS: number) {
    this.index = index;
    this.spec = spec;
    this.adminUp = spec.adminUp ?? true;
    this.linkUp = this.adminUp && (spec.linkUp ?? true);
    this.inBps = spec.inBps ?? 0;
    this.outBps = spec.outBps ?? 0;
    this.inOctets = new Counter(this.flowing ? this.inBps / 8 : 0, uptimeS);
    this.outOctets = new Counter(this.flowing ? this.outBps / 8 : 0, uptimeS);
  }

  private get flowing(): boolean {
    return this.adminUp && this.linkUp;
  }

  /** ifOperStatus: 1 up, 2 down. */
  get operStatus(): number {
    return this.flowing ? 1 : 2;
  }

  setTraffic(inBps: number, outBps: number): void {
    this.inBps = inBps;
    this.outBps = outBps;
    this.applyRates();
  }

  setLink(up: boolean): void {
    this.linkUp = up;
    this.applyRates();
  }

  setAdmin(up: boolean): void {
    this.adminUp = up;
    this.applyRates();
  }

  private applyRates(): void {
    const now = Date.now();
    this.inOctets.setRate(this.flowing ? this.inBps / 8 : 0, now);
    this.outOctets.setRate(this.flowing ? this.outBps / 8 : 0, now);
  }

  reset(nowMs: number): void {
    for (const counter of [this.inOctets, this.outOctets, this.inErrors, this.outErrors])
      counter.reset(nowMs);
  }
}

const ifTable = '1.3.6.1.2.1.2.2.1';
const ifXTable = '1.3.6.1.2.1.31.1.1.1';

/** A stable, locally administered MAC per port, so a walk looks like real hardware. */
function mac(index: number, name: string): Buffer {
  let hash = index;
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return Buffer.from([0x02, 0x5a, (hash >>> 24) & 0xff, (hash >>> 16) & 0xff, hash >>> 8, hash]);
}

/** IF-MIB: ifNumber, ifTable and ifXTable for a set of ports. */
export class Interfaces {
  private readonly ports: Port[];

  constructor(specs: PortSpec[], firstIndex: number, uptimeS: number) {
    this.ports = specs.map((spec, i) => new Port(firstIndex + i, spec, uptimeS));
  }

  /** The port named `name`; an unknown name is a mistake in the caller, so it throws. */
  port(name: string): Port {
    const port = this.ports.find((p) => p.spec.name === name);
    if (!port) throw new Error(`no port ${name}; ports: ${this.names().join(', ')}`);
    return port;
  }

  names(): string[] {
    return this.ports.map((p) => p.spec.name);
  }

  reset(nowMs: number): void {
    for (const port of this.ports) port.reset(nowMs);
  }

  register(mib: Mib): void {
    const byIndex = new Map(this.ports.map((p) => [p.index, p]));
    const at = (index: number) => {
      const port = byIndex.get(index);
      if (!port) throw new Error(`no interface ${index}`);
      return port;
    };
    mib.scalar('ifNumber', '1.3.6.1.2.1.2.1.0', T.Integer, () => this.ports.length);
    const table = mib.table(
      'ifTable',
      ifTable,
      [
        { number: 1, name: 'ifIndex', type: T.Integer },
        { number: 2, name: 'ifDescr', type: T.OctetString },
        { number: 3, name: 'ifType', type: T.Integer },
        { number: 4, name: 'ifMtu', type: T.Integer },
        { number: 5, name: 'ifSpeed', type: T.Gauge },
        { number: 6, name: 'ifPhysAddress', type: T.OctetString },
        { number: 7, name: 'ifAdminStatus', type: T.Integer },
        { number: 8, name: 'ifOperStatus', type: T.Integer },
        { number: 9, name: 'ifLastChange', type: T.TimeTicks },
        { number: 10, name: 'ifInOctets', type: T.Counter },
        { number: 14, name: 'ifInErrors', type: T.Counter },
        { number: 16, name: 'ifOutOctets', type: T.Counter },
        { number: 20, name: 'ifOutErrors', type: T.Counter },
      ],
      (column, index) => {
        const port = at(index);
        const { spec } = port;
        switch (column) {
          case 2:
            return spec.name;
          case 3:
            return spec.loopback ? 24 : 6; // softwareLoopback, ethernetCsmacd
          case 4:
            return spec.loopback ? 65_536 : 9000;
          case 5:
            return spec.speedMbps * 1_000_000; // Gauge32: sticks at 4,294,967,295 past 4 Gbit/s
          case 6:
            return spec.loopback ? Buffer.alloc(0) : mac(index, spec.name);
          case 7:
            return port.adminUp ? 1 : 2;
          case 8:
            return port.operStatus;
          case 9:
            return 0;
          case 10:
            return port.inOctets.value(); // Counter32: wraps, as real ones do
          case 14:
            return port.inErrors.value();
          case 16:
            return port.outOctets.value();
          case 20:
            return port.outErrors.value();
          default:
            throw new Error(`no ifTable column ${column}`);
        }
      },
    );
    const extended = mib.table(
      'ifXTable',
      ifXTable,
      [
        { number: 1, name: 'ifName', type: T.OctetString },
        { number: 6, name: 'ifHCInOctets', type: T.Counter64 },
        { number: 10, name: 'ifHCOutOctets', type: T.Counter64 },
        { number: 15, name: 'ifHighSpeed', type: T.Gauge },
        { number: 18, name: 'ifAlias', type: T.OctetString },
      ],
      (column, index) => {
        const port = at(index);
        switch (column) {
          case 1:
            return port.spec.name;
          case 6:
            return counter64(Math.floor(port.inOctets.value()));
          case 10:
            return counter64(Math.floor(port.outOctets.value()));
          case 15:
            return port.spec.speedMbps;
          case 18:
            return port.spec.alias ?? '';
          default:
            throw new Error(`no ifXTable column ${column}`);
        }
      },
      { table: 'ifTable', column: 'ifIndex' },
    );
    for (const port of this.ports) {
      table.addRow(port.index);
      extended.addRow(port.index);
    }
  }
}
