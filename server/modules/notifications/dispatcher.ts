import type { Context } from '../../context.ts';
import { redacted } from '../../errors.ts';
import type { Rendered } from './render.ts';
import * as repo from './repository.ts';
import { deliver, failureReason, type Target } from './senders.ts';
import { openTarget, sendTimeoutMs } from './service.ts';

type Services = Pick<Context, 'db' | 'bus' | 'config' | 'secrets' | 'metrics'>;

/** Fastify's and pino's logger fit this. */
export interface DispatchLog {
  warn(details: object, message: string): void;
}

export interface DispatchOptions {
  log?: DispatchLog;
  /** One send's limit; 10 s unless a test wants it shorter. */
  timeoutMs?: number;
  batchSize?: number;
}

export interface DispatchResult {
  /** Messages taken from the outbox in this run. */
  claimed: number;
  sent: number;
  /** Failed this time, to be tried again later. */
  retrying: number;
  /** Failed for good: out of attempts, or their channel was switched off. */
  failed: number;
}

const defaultBatch = 20;
const firstRetryMs = 5_000;
const longestRetryMs = 15 * 60_000;

/** 5 s, 10 s, 20 s … up to 15 min after the n-th failed attempt. */
export const backoffMs = (attempts: number) =>
  Math.min(firstRetryMs * 2 ** Math.max(0, attempts - 1), longestRetryMs);

function count(ctx: Services, type: string, outcome: 'sent' | 'retrying' | 'failed') {
  ctx.metrics.notifications.inc({ type, outcome });
}

interface Lane {
  ctx: Services;
  channel: repo.ChannelRow;
  queue: repo.NotificationRow[];
  now: Date;
  timeoutMs: number;
  result: DispatchResult;
  log: DispatchLog | undefined;
}

async function failed(lane: Lane, row: repo.NotificationRow, error: string) {
  const { ctx, channel, now } = lane;
  const attempts = row.attempts + 1;
  const final = attempts >= ctx.config.notify.maxAttempts;
  const nextAttemptAt = final ? now : new Date(now.getTime() + backoffMs(attempts));
  await ctx.db.transaction((tx) =>
    repo.markFailedAttempt(tx, row, {
      state: final ? 'failed' : 'pending',
      nextAttemptAt,
      error,
      at: now,
    }),
  );
  lane.result[final ? 'failed' : 'retrying'] += 1;
  count(ctx, channel.type, final ? 'failed' : 'retrying');
  lane.log?.warn(
    { notificationId: row.id, channelId: channel.id, attempts, final, error },
    final
      ? `notification to channel '${channel.name}' failed for good after ${attempts} attempts: ${error}`
      : `notification to channel '${channel.name}' failed (attempt ${attempts}), retrying at ${nextAttemptAt.toISOString()}: ${error}`,
  );
}

/** One channel's share of a run, in order. Channels run side by side, so one slow receiver holds only its own lane. */
async function sendLane(lane: Lane) {
  const { ctx, channel, queue, now, timeoutMs } = lane;
  if (!channel.enabled) {
    for (const row of queue) {
      await repo.abandon(ctx.db, row.id, 'the channel was switched off before it was sent');
      lane.result.failed += 1;
    }
    return;
  }
  let target: Target;
  try {
    target = openTarget(ctx.secrets, channel);
  } catch {
    await failed(lane, queue[0]!, "its secrets were sealed with another server's key");
    await repo.release(
      ctx.db,
      queue.slice(1).map((r) => r.id),
      now,
    );
    return;
  }
  for (const [i, row] of queue.entries()) {
    try {
      await deliver(target, row.payload as Rendered, {
        publicUrl: ctx.config.publicUrl,
        sentAt: now,
        timeoutMs,
      });
    } catch (error) {
      await failed(lane, row, failureReason(error, target, timeoutMs));
      // The receiver just failed: the rest of its share waits behind this message instead of
      // each timing out in turn, and keeps its order.
      await repo.release(
        ctx.db,
        queue.slice(i + 1).map((r) => r.id),
        now,
      );
      return;
    }
    await ctx.db.transaction((tx) => repo.markSent(tx, row, now));
    lane.result.sent += 1;
    count(ctx, channel.type, 'sent');
  }
}

/**
 * Sends what is due in the outbox: a batch of the oldest pending messages whose time has come.
 * `now` is the run's clock (tests move it on instead of sleeping): it decides what is due, and
 * stamps sends, failures and the next attempt.
 */
export async function sendDue(
  ctx: Services,
  now = new Date(),
  options: DispatchOptions = {},
): Promise<DispatchResult> {
  const timeoutMs = options.timeoutMs ?? sendTimeoutMs;
  const batchSize = options.batchSize ?? defaultBatch;
  // Long enough for a whole batch to one slow channel, sent one after another.
  const leaseUntil = new Date(now.getTime() + batchSize * timeoutMs + 60_000);
  const rows = await repo.claimDue(ctx.db, now, leaseUntil, batchSize);
  const result: DispatchResult = { claimed: rows.length, sent: 0, retrying: 0, failed: 0 };
  if (rows.length === 0) return result;

  const queues = new Map<string, repo.NotificationRow[]>();
  for (const row of rows.sort((a, b) => a.id - b.id)) {
    const queue = queues.get(row.channelId) ?? [];
    queue.push(row);
    queues.set(row.channelId, queue);
  }
  const channels = await repo.channelsById(ctx.db, [...queues.keys()]);
  // A channel deleted since took its messages with it (the foreign key cascades).
  await Promise.all(
    channels.map((channel) =>
      sendLane({
        ctx,
        channel,
        queue: queues.get(channel.id) ?? [],
        now,
        timeoutMs,
        result,
        log: options.log,
      }),
    ),
  );
  for (const channel of channels)
    ctx.bus.publish({ type: 'changed', entity: 'notification-channel', id: channel.id });
  return result;
}

export interface Dispatcher {
  /** Run now (or right after the run under way), e.g. once the fault engine has committed. */
  kick(): void;
  /** No more runs; resolves once the run under way has finished. */
  stop(): Promise<void>;
}

/**
 * Runs `sendDue` every `notify.pollMs` and at once on `kick()` or a fault event (the engine
 * publishes after it commits, so its messages are in the outbox by then). Runs never overlap.
 */
export function startDispatcher(ctx: Services, options: DispatchOptions = {}): Dispatcher {
  const batchSize = options.batchSize ?? defaultBatch;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;

  async function loop() {
    do {
      again = false;
      try {
        const result = await sendDue(ctx, new Date(), options);
        // A full batch: more may be waiting.
        if (result.claimed >= batchSize) again = true;
      } catch (error) {
        options.log?.warn(
          { err: error instanceof Error ? redacted(error) : String(error) },
          'notification dispatch failed',
        );
      }
    } while (again && !stopped);
  }

  function kick() {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = loop().finally(() => {
      running = null;
    });
  }

  const timer = setInterval(kick, ctx.config.notify.pollMs);
  timer.unref();
  const unsubscribe = ctx.bus.subscribe((event) => {
    if (event.type === 'fault') kick();
  });
  return {
    kick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      unsubscribe();
      await running;
    },
  };
}
