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
  /** How many times it has looked in the outbox (`sendDue` runs); tests count them. */
  readonly runs: number;
  /** When the timer will next start a run; null while a run is under way, or once stopped. */
  readonly nextRunAt: Date | null;
}

export interface DispatcherOptions extends DispatchOptions {
  /**
   * The longest it sleeps with nothing due sooner (at least `notify.pollMs`): messages another
   * server queued on a shared database are found by then. 30 s unless a test wants it shorter.
   */
  backstopMs?: number;
}

const defaultBackstopMs = 30_000;

/**
 * Runs `sendDue` at once on `kick()` (the fault engine's, once it has committed messages to the
 * outbox), and on a timer set after each run for when the next pending message is due: a retry
 * after its backoff, or a lease running out. The timer waits at least `notify.pollMs` and at most
 * `backstopMs` (30 s): an idle dispatcher looks twice a minute, not every `pollMs`, and still finds
 * messages another server queued on a shared database (that server's dispatcher is kicked for
 * them; this is the fallback). Runs never overlap.
 *
 * Fault events do not wake it: only the engine's tick fills the outbox, and it kicks; most fault
 * changes queue nothing, and a storm of traps would otherwise cost a run per event.
 */
export function startDispatcher(ctx: Services, options: DispatcherOptions = {}): Dispatcher {
  const batchSize = options.batchSize ?? defaultBatch;
  const pollMs = ctx.config.notify.pollMs;
  const longestWaitMs = Math.max(pollMs, options.backstopMs ?? defaultBackstopMs);
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  let runs = 0;
  let timer: NodeJS.Timeout | undefined;
  let nextRunAt: Date | null = null;

  const warn = (error: unknown, message: string) =>
    options.log?.warn({ err: error instanceof Error ? redacted(error) : String(error) }, message);

  /** How long to sleep once the outbox holds nothing due now. */
  async function untilNextDue(): Promise<number> {
    try {
      const next = await repo.nextDue(ctx.db);
      if (!next) return longestWaitMs;
      return Math.min(Math.max(next.getTime() - Date.now(), pollMs), longestWaitMs);
    } catch (error) {
      warn(error, 'notification dispatch failed');
      return pollMs;
    }
  }

  /** Runs until nothing more is due now; returns how long to sleep. */
  async function loop(): Promise<number> {
    for (;;) {
      again = false;
      let waitMs = pollMs;
      try {
        const result = await sendDue(ctx, new Date(), options);
        // A full batch: more may be waiting.
        if (result.claimed >= batchSize) again = true;
      } catch (error) {
        warn(error, 'notification dispatch failed');
      } finally {
        runs += 1;
      }
      if (stopped) return waitMs;
      if (!again) waitMs = await untilNextDue();
      // A kick while it looked: what it found may already be out of date.
      if (!again || stopped) return waitMs;
    }
  }

  function wakeIn(ms: number) {
    clearTimeout(timer);
    const at = Date.now() + ms;
    nextRunAt = new Date(at);
    // Timers keep the event loop's clock, which can be a few ms behind: one that fires early
    // would find a retry not yet due, so it waits out the rest instead.
    const wake = () => {
      const early = at - Date.now();
      if (early > 0) timer = setTimeout(wake, early).unref();
      else kick();
    };
    timer = setTimeout(wake, ms).unref();
  }

  function kick() {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    clearTimeout(timer);
    timer = undefined;
    nextRunAt = null;
    running = loop()
      // Only a throwing logger gets here.
      .catch(() => pollMs)
      .then((waitMs) => {
        running = null;
        if (stopped) return;
        // Kicked after the loop's last look.
        if (again) kick();
        else wakeIn(waitMs);
      });
  }

  // The first look (messages left from before a restart) after one poll interval, as before.
  wakeIn(pollMs);
  return {
    kick,
    get runs() {
      return runs;
    },
    get nextRunAt() {
      return nextRunAt;
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
      nextRunAt = null;
      await running;
    },
  };
}
