import { readFileSync } from 'node:fs';
import type { Runner, RunnerLogger } from './runner.ts';

export interface HeartbeatReply {
  name: string;
  /** Seconds until the server expects the next heartbeat. */
  heartbeatS: number;
  serverTime: string;
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
  /** How far the server's clock is ahead of ours, in ms; results are stamped in server time. */
  clockOffsetMs = 0;

  constructor(
    private readonly send: SendHeartbeat,
    private readonly runner: Runner,
    private readonly logger: RunnerLogger,
    private readonly extraStats: () => Record<string, number> = () => ({}),
    /** An error the probe cannot recover from by retrying (its token was refused). */
    private readonly isFatal: (error: unknown) => boolean = () => false,
    private readonly onFatal: (error: unknown) => void = () => {},
  ) {}

  async beat(): Promise<boolean> {
    const { checks, runs, failures, posted, dropped, pending } = this.runner.stats;
    try {
      const sent = Date.now();
      const reply = await this.send({
        version: probeVersion,
        stats: { checks, runs, failures, posted, dropped, pending, ...this.extraStats() },
      });
      this.accept(reply, sent, Date.now());
      return true;
    } catch (error) {
      if (this.isFatal(error)) {
        this.onFatal(error);
        this.stopped = true;
        return false;
      }
      this.logger.warn({ err: error }, 'heartbeat failed; will retry');
      return false;
    }
  }

  /**
   * Takes the server's interval and clock. The offset is the server's time at the middle of the
   * round trip against ours; it is applied only past a second, so ordinary jitter changes nothing.
   */
  accept(reply: HeartbeatReply, sentMs: number, receivedMs: number): void {
    this.intervalS = reply.heartbeatS;
    this.name = reply.name;
    const server = Date.parse(reply.serverTime);
    if (!Number.isFinite(server)) return;
    const offset = server - (sentMs + receivedMs) / 2;
    const previous = this.clockOffsetMs;
    this.clockOffsetMs = Math.abs(offset) > 1000 ? Math.round(offset) : 0;
    if (Math.abs(this.clockOffsetMs - previous) > 1000) {
      this.logger.warn(
        { offsetMs: this.clockOffsetMs },
        "this machine's clock differs from the server's; stamping results in the server's time (set up NTP)",
      );
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
