import {
  NexisAgent,
  SwitchAgent,
  WorkstationAgent,
  type SimulatedSnmpAgent,
} from '../../probes/simulators/snmp-agent.ts';
import { VideohubSimulator } from '../../probes/simulators/videohub.ts';
import type { DeviceKind, SuiteKind } from '../domain.ts';
import { DemoNas, DisplayPanels, powerOnHoursOid, powerOnHoursReading } from './simulators.ts';

export const siteName = 'Demo facility';
export const routerName = 'MCR Videohub';
export const rooms = ['Edit floor', 'Grading', 'Dubbing', 'Machine room'] as const;
export type Room = (typeof rooms)[number];

export interface DemoSuite {
  name: string;
  kind: SuiteKind;
  room: Room;
  /** Router outputs this suite watches, numbered from 1 as on the panel: output -> input. */
  routes: Record<string, number>;
}

export const suites: DemoSuite[] = [
  { name: 'Edit 1', kind: 'edit', room: 'Edit floor', routes: { '1': 1, '2': 1 } },
  { name: 'Edit 2', kind: 'edit', room: 'Edit floor', routes: { '3': 2, '4': 2 } },
  { name: 'Grade 1', kind: 'grading', room: 'Grading', routes: { '5': 3, '6': 3, '7': 3 } },
  { name: 'Dub 1', kind: 'dubbing', room: 'Dubbing', routes: { '8': 4 } },
];

export interface DemoCheck {
  kind: 'snmp' | 'videohub' | 'http';
  config: Record<string, unknown>;
}

export interface DemoDevice {
  name: string;
  kind: DeviceKind;
  room: Room;
  suites: string[];
  notes: string;
  check: DemoCheck;
}

/** Grade 1's displays: what gets calibrated, and a projector whose lamp wears by the hour. */
export const displays = [
  { name: 'Grade 1 reference monitor', slug: 'bvm-g1', model: 'Sony BVM-HX3110 reference monitor' },
  { name: 'Grade 1 client monitor', slug: 'client-g1', model: 'LG 65" OLED client monitor' },
  { name: 'Grade 1 projector', slug: 'projector-g1', model: 'Christie D4K40-RGB projector' },
] as const;

export const community = 'public';
const snmp = (port: number): DemoCheck => ({
  kind: 'snmp',
  config: { version: '2c', community, port, profile: 'auto' },
});

const macPorts = [
  { name: 'lo0', speedMbps: 10, loopback: true, inBps: 20_000, outBps: 20_000 },
  { name: 'en0', alias: 'management', speedMbps: 1000, inBps: 900_000, outBps: 300_000 },
  { name: 'en1', alias: 'media (NAS)', speedMbps: 10_000, inBps: 210_000_000, outBps: 60_000_000 },
];

/**
 * The simulated machine room: a workstation per suite, a Synology NAS for grading and dubbing,
 * an Avid NEXIS for the edit suites, a core switch and a Videohub, each on its own loopback port.
 */
export class Facility {
  readonly workstations = new Map<string, WorkstationAgent>();
  readonly nas = new DemoNas({ name: 'NAS-1', sysLocation: 'Machine room, rack 2' }, 21_940);
  readonly nexis = new NexisAgent({ name: 'NEXIS-SD', sysLocation: 'Machine room, rack 1' });
  readonly coreSwitch = new SwitchAgent({
    name: 'core-sw',
    sysLocation: 'Machine room, rack 1',
    ports: [
      { alias: 'Edit 1 workstation' },
      { alias: 'Edit 2 workstation' },
      { alias: 'Grade 1 workstation' },
      { alias: 'Dub 1 workstation' },
      { alias: 'NAS-1', speedMbps: 10_000, inBps: 900_000_000, outBps: 400_000_000 },
      { alias: 'spare', adminUp: false },
    ],
  });
  readonly router = new VideohubSimulator({ model: 'Blackmagic Smart Videohub 12G 40x40' });
  routerPort = 0;
  readonly displays = new DisplayPanels(displays.map((d) => ({ slug: d.slug, model: d.model })));

  constructor() {
    for (const suite of suites) {
      const host = suite.name.toLowerCase().replace(/ /g, '') + '-ws';
      this.workstations.set(
        suite.name,
        suite.kind === 'dubbing'
          ? new WorkstationAgent({
              name: host,
              // A Pro Tools Mac: `auto` reads its Darwin sysDescr as a workstation too.
              sysDescr: `Darwin ${host} 23.6.0 Darwin Kernel Version 23.6.0: Mon Jul 29 21:14:30 PDT 2024; root:xnu-10063.141.2~1/RELEASE_ARM64_T6020 arm64`,
              ports: macPorts,
              volumes: [
                { mount: '/', sizeGB: 1000, usedPct: 52 },
                { mount: '/Volumes/Sessions', sizeGB: 4000, usedPct: 37 },
              ],
              cores: 12,
              memoryGB: 64,
              cpuLoadPct: 9,
              memoryUsedPct: 58,
            })
          : new WorkstationAgent({
              name: host,
              cpuLoadPct: suite.kind === 'grading' ? 34 : 18,
            }),
      );
    }
  }

  /** Every simulator, workstations first. */
  private simulators(): Array<SimulatedSnmpAgent | VideohubSimulator | DisplayPanels> {
    return [
      ...this.workstations.values(),
      this.nas,
      this.nexis,
      this.coreSwitch,
      this.router,
      this.displays,
    ];
  }

  async start(progress: (done: number, total: number) => void): Promise<void> {
    // Reference routing first, so the first look at the router finds every suite as it should be.
    for (const suite of suites) {
      for (const [output, input] of Object.entries(suite.routes))
        this.router.setRoute(Number(output) - 1, input - 1);
    }
    const all = this.simulators();
    for (const [i, simulator] of all.entries()) {
      if (simulator instanceof VideohubSimulator) this.routerPort = await simulator.start();
      else await simulator.start();
      progress(i + 1, all.length);
    }
  }

  async stop(): Promise<void> {
    await Promise.allSettled(
      this.simulators().map((s) =>
        s instanceof VideohubSimulator || s instanceof DisplayPanels ? s.close() : s.stop(),
      ),
    );
  }

  /** The facility as Suitewatch should know it, with the ports the simulators got this run. */
  devices(): DemoDevice[] {
    const ws = (suite: string) => this.workstations.get(suite)!;
    return [
      ...suites.map((suite) => ({
        name: `${suite.name} WS`,
        kind: 'workstation' as const,
        room: suite.room,
        suites: [suite.name],
        notes: `${suite.name} workstation (simulated)`,
        check: snmp(ws(suite.name).port),
      })),
      {
        name: 'NEXIS',
        kind: 'storage',
        room: 'Machine room',
        suites: ['Edit 1', 'Edit 2'],
        notes: 'Avid NEXIS E4 shared storage for the edit suites (simulated)',
        check: snmp(this.nexis.port),
      },
      {
        name: 'NAS-1',
        kind: 'storage',
        room: 'Machine room',
        suites: ['Grade 1', 'Dub 1'],
        notes: 'Synology RS3621xs+ for grading and dubbing (simulated)',
        check: {
          kind: 'snmp',
          config: {
            ...snmp(this.nas.port).config,
            // Disk 1's SMART power-on hours, the meter its disk check follows.
            extraReadings: [{ oid: powerOnHoursOid, name: powerOnHoursReading, unit: 'h' }],
          },
        },
      },
      {
        name: 'Core switch',
        kind: 'switch',
        room: 'Machine room',
        suites: [],
        notes: 'Catalyst 2960-X; each port is labelled with what it feeds (simulated)',
        check: snmp(this.coreSwitch.port),
      },
      // One router feeding every suite, in none of them: each suite holds the reference routing
      // of its own outputs, so a wrong route turns only that suite red.
      {
        name: routerName,
        kind: 'router',
        room: 'Machine room',
        suites: [],
        notes: 'Blackmagic Smart Videohub 12G 40x40 in the machine room (simulated)',
        check: { kind: 'videohub', config: { port: this.routerPort } },
      },
      ...displays.map((d) => ({
        name: d.name,
        kind: 'display' as const,
        room: 'Grading' as const,
        suites: ['Grade 1'],
        notes: `${d.model} (simulated status page)`,
        check: { kind: 'http' as const, config: { url: this.displays.url(d.slug) } },
      })),
    ];
  }
}
