import { setTimeout as sleep } from 'node:timers/promises';
import type { Facility } from './facility.ts';

/** Something that goes wrong in the facility, and later puts itself right. */
export interface Incident {
  /** Makes it go wrong; returns what to tell the audience. */
  begin(): string;
  /** Halfway through: a disk replaced, a workstation back up. */
  midway?(): string;
  /** Every couple of seconds while it lasts: a volume filling. */
  tick?(): void;
  recover(): string;
}

export type Event = 'incident' | 'update' | 'recovered';

const tickMs = 2000;

/** The incidents, in the order the demo plays them, then round again. */
export function incidents(facility: Facility, holdS: number): Incident[] {
  const { nas, nexis, router, coreSwitch } = facility;
  const ws = (suite: string) => facility.workstations.get(suite)!;
  const scratch = { mount: '/scratch', start: ws('Edit 2').volumeUsedPct('/scratch') };
  // Critical (95%) a little past halfway, so that the 10 s polls catch it full before it clears.
  const step = (97 - scratch.start) / ((holdS * 0.6 * 1000) / tickMs);
  const dubPort = coreSwitch.ports.port('GigabitEthernet1/0/4');
  return [
    {
      begin: () => {
        nas.failDisk(5);
        return 'NAS-1: Disk 5 crashed and RAID Volume 1 is degraded; Grade 1 and Dub 1 go red';
      },
      midway: () => {
        nas.replaceDisk(5);
        return 'NAS-1: Disk 5 replaced; Volume 1 is rebuilding onto it';
      },
      recover: () => {
        nas.restore();
        return 'NAS-1: Volume 1 rebuilt, every disk normal';
      },
    },
    {
      begin: () => {
        router.setRoute(2, 8);
        return "MCR Videohub: output 3 (Edit 2's monitor) switched to input 9, away from its reference input 2";
      },
      recover: () => {
        router.setRoute(2, 1);
        return 'MCR Videohub: output 3 back on input 2';
      },
    },
    {
      begin: () => `Edit 2 WS: a render is filling /scratch (${Math.round(scratch.start)}% now)`,
      tick: () => {
        const edit2 = ws('Edit 2');
        edit2.setVolumeUsedPct(
          scratch.mount,
          Math.min(97, edit2.volumeUsedPct(scratch.mount) + step),
        );
      },
      recover: () => {
        ws('Edit 2').setVolumeUsedPct(scratch.mount, scratch.start);
        return `Edit 2 WS: render cache cleared, /scratch back to ${Math.round(scratch.start)}%`;
      },
    },
    {
      begin: () => {
        nexis.setState('offline');
        return 'NEXIS: System Director offline; Edit 1 and Edit 2 lose their media';
      },
      recover: () => {
        nexis.setState('online');
        return 'NEXIS: System Director back online';
      },
    },
    {
      begin: () => {
        ws('Grade 1').setReachable(false);
        return 'Grade 1 WS: rebooting, not answering';
      },
      midway: () => {
        ws('Grade 1').reboot();
        ws('Grade 1').setReachable(true);
        return 'Grade 1 WS: back up with its uptime at zero; the next poll notes the restart';
      },
      recover: () => 'Grade 1 WS: running normally',
    },
    {
      begin: () => {
        dubPort.setLink(false);
        ws('Dub 1').setReachable(false);
        return 'Core switch: GigabitEthernet1/0/4 (Dub 1 workstation) link down; Dub 1 WS unreachable';
      },
      recover: () => {
        dubPort.setLink(true);
        ws('Dub 1').setReachable(true);
        return 'Core switch: GigabitEthernet1/0/4 link back up; Dub 1 WS reachable';
      },
    },
  ];
}

export interface ScenarioOptions {
  /** Quiet time before each incident. */
  everyS: number;
  /** How long an incident lasts before it recovers. */
  holdS: number;
  report(event: Event, text: string): void;
}

/** Plays incidents one at a time: quiet, something goes wrong, it recovers, quiet again. */
export class Scenario {
  private readonly abort = new AbortController();
  private loop: Promise<void> | null = null;

  constructor(
    private readonly incidents: Incident[],
    private readonly options: ScenarioOptions,
  ) {}

  start(): void {
    this.loop = this.run().catch((error: unknown) => {
      if (!this.abort.signal.aborted) throw error;
    });
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    const { signal } = this.abort;
    const wait = (seconds: number) => sleep(seconds * 1000, undefined, { signal });
    for (let n = 0; ; n += 1) {
      await wait(this.options.everyS);
      const incident = this.incidents[n % this.incidents.length]!;
      this.options.report('incident', incident.begin());
      const ticker = incident.tick ? setInterval(() => incident.tick?.(), tickMs) : undefined;
      try {
        if (incident.midway) {
          await wait(this.options.holdS / 2);
          this.options.report('update', incident.midway());
          await wait(this.options.holdS / 2);
        } else {
          await wait(this.options.holdS);
        }
      } finally {
        clearInterval(ticker);
      }
      this.options.report('recovered', incident.recover());
    }
  }
}
