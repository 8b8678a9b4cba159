import type { Context } from '../../context.ts';
import { evaluateTraps, type TrapForFaults } from './evaluate.ts';
import { publishFaults } from './service.ts';

/**
 * Link traps waiting for the engine. Each trap is stored and published on its own at once; its
 * fault joins the next batch, so a storm of linkDowns costs one evaluation per batch rather than
 * one per trap, and the console's traps stay prompt.
 */
const gatherMs = 25;

class TrapBatch {
  private pending: Array<{ trap: TrapForFaults; done: () => void; failed: (e: unknown) => void }> =
    [];
  private running = false;

  constructor(private readonly ctx: Context) {}

  /** Resolves once the trap's fault (if any) is stored and published. */
  add(trap: TrapForFaults): Promise<void> {
    return new Promise((done, failed) => {
      this.pending.push({ trap, done, failed });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.pending.length > 0) {
      // A storm's traps are a few ms apart: gathering them for a moment makes one evaluation of
      // many, and lets their own inserts (and so their live events) go first.
      await new Promise((resolve) => setTimeout(resolve, gatherMs));
      const batch = this.pending.splice(0, 500);
      try {
        const changed = await this.ctx.db.transaction((tx) =>
          evaluateTraps(
            tx,
            this.ctx.config.faults,
            batch.map((b) => b.trap),
            new Date(),
          ),
        );
        await publishFaults(this.ctx, changed);
        for (const b of batch) b.done();
      } catch (error) {
        for (const b of batch) b.failed(error);
      }
    }
    this.running = false;
  }
}

const batches = new WeakMap<Context, TrapBatch>();

export function trapFaults(ctx: Context): TrapBatch {
  let batch = batches.get(ctx);
  if (!batch) batches.set(ctx, (batch = new TrapBatch(ctx)));
  return batch;
}
