import { SimulatedSnmpAgent, type AgentOptions } from './agent.ts';
import { T, type Mib } from './mib.ts';

export const directorStates = { online: 0, offline: 1, standby: 2, unknown: 3 } as const;
export type DirectorState = keyof typeof directorStates;

export interface NexisOptions extends AgentOptions {
  totalTB?: number;
  usedPct?: number;
  clients?: number;
  maxClients?: number;
}

const nexis = '1.3.6.1.4.1.526.20';
const mbPerTB = 1_000_000;
const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));

/**
 * An Avid NEXIS System Director: director state, capacity in MB, throughput in MB/s and
 * connected clients, as the `nexis` profile reads them. Offline, it still answers SNMP (the
 * agent lives on) but serves no clients.
 */
export class NexisAgent extends SimulatedSnmpAgent {
  protected readonly sysDescr = 'Avid NEXIS E4 System Director';
  protected readonly sysObjectID = nexis;
  private readonly totalMB: number;
  private usedMB: number;
  state: DirectorState = 'online';
  clients: number;
  readonly maxClients: number;
  redistributingWorkspaces = 0;

  constructor(options: NexisOptions = {}) {
    super(options);
    this.totalMB = Math.round((options.totalTB ?? 480) * mbPerTB);
    this.usedMB = (this.totalMB * (options.usedPct ?? 62)) / 100;
    this.clients = options.clients ?? 27;
    this.maxClients = options.maxClients ?? 80;
  }

  setState(state: DirectorState): void {
    this.state = state;
  }

  get usedPct(): number {
    return (this.usedMB / this.totalMB) * 100;
  }

  setUsedPct(pct: number): void {
    this.usedMB = (this.totalMB * clamp(pct, 0, 100)) / 100;
  }

  fillVolume(pct: number): void {
    this.setUsedPct(this.usedPct + pct);
  }

  /** Clients reading and writing media: about 65 MB/s each, a quarter of it writes. */
  private throughput(): { read: number; write: number } {
    if (this.state !== 'online') return { read: 0, write: 0 };
    const wobble = 1 + 0.08 * Math.sin(Date.now() / 15_000);
    const total = this.clients * 65 * wobble;
    return { read: Math.round(total * 0.75), write: Math.round(total * 0.25) };
  }

  protected build(mib: Mib): void {
    const online = () => this.state === 'online';
    mib.scalar('directorState', `${nexis}.2.1.0`, T.Integer, () => directorStates[this.state]);
    mib.scalar('redistributing', `${nexis}.2.4.0`, T.Integer, () => this.redistributingWorkspaces);
    mib.scalar('throughputTotal', `${nexis}.3.1.0`, T.Integer, () => {
      const { read, write } = this.throughput();
      return read + write;
    });
    mib.scalar('throughputRead', `${nexis}.3.2.0`, T.Integer, () => this.throughput().read);
    mib.scalar('throughputWrite', `${nexis}.3.3.0`, T.Integer, () => this.throughput().write);
    mib.scalar('activeClients', `${nexis}.3.6.0`, T.Integer, () => (online() ? this.clients : 0));
    mib.scalar('maxClients', `${nexis}.3.7.0`, T.Integer, () => this.maxClients);
    // Data spreads over every disk, so the fullest one runs a little ahead of the average.
    mib.scalar('diskMaxUsedPct', `${nexis}.4.1.0`, T.Integer, () =>
      Math.min(100, Math.round(this.usedPct + 4)),
    );
    mib.scalar('totalMB', `${nexis}.4.2.0`, T.Integer, () => this.totalMB);
    mib.scalar('allocatedMB', `${nexis}.4.3.0`, T.Integer, () =>
      Math.round(Math.min(this.totalMB, this.usedMB * 1.3)),
    );
    mib.scalar('usedMB', `${nexis}.4.4.0`, T.Integer, () => Math.round(this.usedMB));
  }
}
