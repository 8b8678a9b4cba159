import { readFileSync } from 'node:fs';
import type { Runner, RunnerLogger } from './runner.ts';

export interface HeartbeatReply {
  name: string;
  /** Seconds until the server expects the next heartbeat. */
  heartbeatS: number;
}

export type SendHeartbeat = (body: {
  version: string;
  stats: Record<string, number>;
}) => Promise<HeartbeatReply>;

export const probeVersion: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

/**
 * Tells the server this probe is alive, with its counters, as often as the server asks. A probe
 * whose heartbeats stop is shown down on the dashboard; a failed heartbeat is retried sooner.
 */
export class Heartbeat {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  intervalS = 15;
  name: string | null = null;

  constructor(
    private readonly send: SendHeartbeat,
    private readonly runner: Runner,
    private readonly logger: RunnerLogger,
    private readonly extraStats: () => Record<string, number> = () => ({}),
  ) {}

  async beat(): Promise<boolean> {
    const { checks, runs, failures, posted, dropped, pending } = this.runner.stats;
    try {
      const reply = await this.send({
        version: probeVersion,
        stats: { checks, runs, failures, posted, dropped, pending, ...this.extraStats() },
      });
      this.intervalS = reply.heartbeatS;
      this.name = reply.name;
      return true;
    } catch (error) {
      this.logger.warn({ err: error }, 'heartbeat failed; will retry');
      return false;
    }
  }

  start(): void {
    const loop = async () => {
      const ok = await this.beat();
      if (this.stopped) return;
      const delayS = ok ? this.intervalS : Math.min(5, this.intervalS);
      this.timer = setTimeout(() => void loop(), delayS * 1000);
      this.timer.unref();
    };
    void loop();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
