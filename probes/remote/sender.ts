import type { RunnerLogger } from '../runner.ts';
import { BatchRejected, type CheckResult } from '../types.ts';
import { TokenRefused } from './http-transport.ts';
import type { Spool } from './spool.ts';

export interface Delivery {
  accepted: number;
  duplicates: number;
}

export interface SenderStats {
  delivered: number;
  duplicates: number;
  rejected: number;
}

const firstBackoffMs = 1000;
const maxBackoffMs = 30_000;

/**
 * Sends spooled batches to the server one at a time, oldest first, so results arrive in the
 * order they were made. While the server is unreachable it waits with backoff; the spool keeps
 * the batches meanwhile. The server recognises a batch it already stored (its reply was lost).
 */
export class Sender {
  readonly stats: SenderStats = { delivered: 0, duplicates: 0, rejected: 0 };
  private draining: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private stopped = false;
  private backoffMs = firstBackoffMs;
  /** Whether the last attempt reached the server; for logging changes only once. */
  private reachable = true;

  constructor(
    private readonly spool: Spool,
    private readonly send: (results: CheckResult[]) => Promise<Delivery>,
    private readonly logger: RunnerLogger,
    private readonly onRefused: (error: TokenRefused) => void = () => {},
  ) {}

  /** The runner's postResults: durable on disk when it resolves, delivered later. */
  async post(results: CheckResult[]): Promise<void> {
    await this.spool.append(results);
    // Starts a drain if none runs; a drain waiting out its backoff keeps waiting, so a down
    // server is not asked again with every new batch.
    this.kick();
  }

  kick(): void {
    if (this.draining || this.stopped) return;
    this.draining = this.drain().finally(() => {
      this.draining = null;
    });
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      const batch = await this.spool.oldest();
      if (!batch) return;
      try {
        const delivery = await this.send(batch.results);
        await this.spool.remove(batch.name);
        this.stats.delivered += delivery.accepted;
        this.stats.duplicates += delivery.duplicates;
        this.backoffMs = firstBackoffMs;
        if (!this.reachable) {
          this.reachable = true;
          this.logger.info(
            { waiting: this.spool.results },
            'server reachable again; replaying spooled results in order',
          );
        }
      } catch (error) {
        if (error instanceof TokenRefused) {
          // A revoked token or a deleted probe: retrying cannot help. The batches stay spooled.
          this.onRefused(error);
          return;
        }
        if (error instanceof BatchRejected) {
          await this.spool.reject(batch.name);
          this.stats.rejected += batch.results.length;
          this.logger.warn(
            { err: error, results: batch.results.length, dir: this.spool.dir },
            'server refused a batch for its content; kept it in the spool rejected/ folder',
          );
          continue;
        }
        if (this.reachable) {
          this.reachable = false;
          this.logger.warn(
            { err: error, waiting: this.spool.results },
            'cannot deliver results; spooling them to disk until the server is back',
          );
        }
        await this.pause(this.backoffMs);
        this.backoffMs = Math.min(maxBackoffMs, this.backoffMs * 2);
      }
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }

  /** Keeps delivering until the spool is empty or the time is up; what is left stays on disk. */
  async finish(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    this.backoffMs = Math.min(this.backoffMs, 500);
    while (this.spool.batches > 0 && Date.now() < deadline) {
      this.wake?.();
      this.kick();
      const running = this.draining;
      if (!running) break;
      await Promise.race([
        running,
        new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline - Date.now()))),
      ]);
    }
    this.stopped = true;
    this.wake?.();
    await this.draining;
  }
}
