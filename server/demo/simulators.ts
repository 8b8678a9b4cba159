// The demo's own simulators, beside the project's: display status pages, and a NAS that also
// answers its disks' SMART power-on hours.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { T, type Mib } from '../../probes/simulators/snmp/mib.ts';
import { SynologyAgent, type SynologyOptions } from '../../probes/simulators/snmp-agent.ts';

export interface DisplayPanel {
  /** The path segment of its status page: `/<slug>/status`. */
  slug: string;
  model: string;
}

/**
 * The grading room's displays as the network sees them: a reference monitor, a client monitor
 * and a projector each serve a small status page, as their web panels do. One loopback HTTP
 * server answers for all of them; Suitewatch watches each with an HTTP check.
 */
export class DisplayPanels {
  port = 0;
  private server: Server | null = null;

  constructor(readonly panels: DisplayPanel[]) {}

  async start(): Promise<number> {
    const bySlug = new Map(this.panels.map((p) => [p.slug, p]));
    const server = createServer((request, response) => {
      const slug = /^\/([^/]+)\/status$/.exec(request.url ?? '')?.[1] ?? '';
      const panel = bySlug.get(slug);
      if (!panel) {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('no such display');
        return;
      }
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ model: panel.model, state: 'ok' }));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this.port;
  }

  url(slug: string): string {
    return `http://127.0.0.1:${this.port}/${slug}/status`;
  }

  close(): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    return new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  }
}

// SYNOLOGY-SMART-MIB's diskSMARTTable: one row per disk here, for attribute 9 (Power_On_Hours).
const smartEntry = '1.3.6.1.4.1.6574.5.1.1';
/** diskSMARTAttrRaw of Disk 1's row: the demo reads it as the NAS's power-on hours meter. */
export const powerOnHoursOid = `${smartEntry}.8.1`;
export const powerOnHoursReading = 'disk.power_on_hours';

const hourMs = 3_600_000;

/**
 * The demo's Synology, which also answers its disks' SMART power-on hours. They count on with
 * the wall clock from where a two-and-a-half-year-old array would be.
 */
export class DemoNas extends SynologyAgent {
  private readonly startedMs = Date.now();
  private readonly diskCount: number;

  constructor(
    options: SynologyOptions,
    /** Disk 1's hours when the demo starts; the others a few hours apart. */
    readonly hoursAtStart: number,
  ) {
    super(options);
    this.diskCount = options.disks ?? 8;
  }

  powerOnHours(disk: number, nowMs = Date.now()): number {
    return Math.floor(this.hoursAtStart - (disk - 1) * 3 + (nowMs - this.startedMs) / hourMs);
  }

  protected override build(mib: Mib): void {
    super.build(mib);
    const smart = mib.table(
      'diskSMARTTable',
      smartEntry,
      [
        { number: 1, name: 'diskSMARTInfoIndex', type: T.Integer },
        { number: 2, name: 'diskSMARTInfoDevName', type: T.OctetString },
        { number: 3, name: 'diskSMARTAttrName', type: T.OctetString },
        { number: 4, name: 'diskSMARTAttrId', type: T.Integer },
        { number: 8, name: 'diskSMARTAttrRaw', type: T.Integer },
      ],
      (column, index) => {
        switch (column) {
          case 2:
            return `Disk ${index}`;
          case 3:
            return 'Power_On_Hours';
          case 4:
            return 9;
          case 8:
            return this.powerOnHours(index);
          default:
            throw new Error(`no diskSMARTTable column ${column}`);
        }
      },
    );
    for (let disk = 1; disk <= this.diskCount; disk += 1) smart.addRow(disk);
  }
}
