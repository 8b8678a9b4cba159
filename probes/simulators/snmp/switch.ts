import { SimulatedSnmpAgent, type AgentOptions } from './agent.ts';
import { Interfaces, type PortSpec } from './interfaces.ts';
import type { Mib } from './mib.ts';

export interface SwitchOptions extends AgentOptions {
  /** Ports in order from GigabitEthernet1/0/1; each names what it feeds (ifAlias). */
  ports?: Array<Omit<PortSpec, 'name' | 'speedMbps'> & { speedMbps?: number }>;
}

/**
 * A Cisco access switch: sysObjectID under Cisco's enterprise number (which `auto` reads as a
 * switch) and IF-MIB for its ports, numbered 10101 upwards as Catalyst switches do.
 */
export class SwitchAgent extends SimulatedSnmpAgent {
  protected readonly sysDescr =
    'Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E8, RELEASE SOFTWARE (fc3)';
  protected readonly sysObjectID = '1.3.6.1.4.1.9.1.2066';
  readonly ports: Interfaces;

  constructor(options: SwitchOptions = {}) {
    super(options);
    const ports = options.ports ?? [{ alias: 'uplink', inBps: 2e8, outBps: 2e8 }];
    this.ports = new Interfaces(
      ports.map((port, i) => ({
        speedMbps: 1000,
        inBps: 50_000_000,
        outBps: 20_000_000,
        ...port,
        name: `GigabitEthernet1/0/${i + 1}`,
      })),
      10_101,
      this.uptimeTicks() / 100,
    );
  }

  protected override onReboot(nowMs: number): void {
    this.ports.reset(nowMs);
  }

  protected build(mib: Mib): void {
    this.ports.register(mib);
  }
}
