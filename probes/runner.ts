import {
  BatchRejected,
  maxFactLength,
  maxFacts,
  maxMessageLength,
  maxNoteLength,
  type CheckResult,
  type CheckSpec,
  type ProbeKind,
  type ProbeTransport,
  type Reading,
  type Status,
} from './types.ts';

export interface RunnerLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface RunnerOptions {
  kinds: Record<string, ProbeKind>;
  logger: RunnerLogger;
  /** Checks running at once, across all devices. */
  concurrency?: number;
  /** Results per posted batch, and the longest a result waits to be posted. */
  batchSize?: number;
  batchWaitMs?: number;
  /** How often the check list is fetched again. */
  syncIntervalMs?: number;
  /** Results kept while the server cannot be reached; the oldest go first past this. */
  bufferLimit?: number;
  /** How long stop() lets running checks finish before aborting them. */
  stopGraceMs?: number;
  /** Spread the first runs over each check's interval (default true) so they do not all fire together. */
  spreadFirstRuns?: boolean;
  /** Checks added after start run within this many ms (default 1000). */
  newCheckDelayMs?: number;
  /** The clock results are stamped with: a remote probe corrects its own by the server's. */
  now?: () => number;
}

interface Scheduled {
  spec: CheckSpec;
  signature: string;
  timer: NodeJS.Timeout | null;
  nextAt: number;
  running: AbortController | null;
  state: Map<string, unknown>;
}

export interface RunnerStats {
  checks: number;
  runs: number;
  failures: number;
  posted: number;
  dropped: number;
  pending: number;
}

const maxTimeoutMs = 30_000;

export function timeoutFor(spec: CheckSpec): number {
  const configured = spec.config.timeoutMs;
  if (typeof configured === 'number' && configured > 0) return configured;
  return Math.min(10_000, spec.intervalS * 800, maxTimeoutMs);
}

/**
 * Runs each check on its interval with jitter, caps concurrency, and posts results in batches.
 * A check that throws or times out becomes a critical result; nothing a check does can stop it.
 */
export class Runner {
  private readonly scheduled = new Map<string, Scheduled>();
  private readonly queue: Scheduled[] = [];
  private readonly running = new Set<Promise<void>>();
  private pending: CheckResult[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  private syncTimer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private syncing: Promise<void> | null = null;
  private stopped = false;
  private resync = false;
  private started = false;
  readonly stats: RunnerStats = {
    checks: 0,
    runs: 0,
    failures: 0,
    posted: 0,
    dropped: 0,
    pending: 0,
  };
  private readonly concurrency: number;
  private readonly batchSize: number;
  private readonly batchWaitMs: number;
  private readonly syncIntervalMs: number;
  private readonly bufferLimit: number;
  private readonly stopGraceMs: number;

  constructor(
    private readonly transport: ProbeTransport,
    private readonly options: RunnerOptions,
  ) {
    this.concurrency = options.concurrency ?? 64;
    this.batchSize = options.batchSize ?? 500;
    this.batchWaitMs = options.batchWaitMs ?? 1000;
    this.syncIntervalMs = options.syncIntervalMs ?? 30_000;
    this.bufferLimit = options.bufferLimit ?? 50_000;
    this.stopGraceMs = options.stopGraceMs ?? 2000;
  }

  async start(): Promise<void> {
    this.started = true;
    await this.sync();
    this.syncTimer = setInterval(() => void this.sync(), this.syncIntervalMs);
    this.syncTimer.unref();
  }

  /** Fetches the check list and reschedules what changed. Safe to call at any time. */
  sync(): Promise<void> {
    // A change that lands while a sync is under way gets a sync of its own right after.
    if (this.syncing) {
      this.resync = true;
      return this.syncing;
    }
    this.syncing = this.doSync().finally(() => {
      this.syncing = null;
      if (this.resync && !this.stopped) {
        this.resync = false;
        void this.sync();
      }
    });
    return this.syncing;
  }

  private async doSync(): Promise<void> {
    let specs: CheckSpec[];
    try {
      specs = await this.transport.fetchChecks();
    } catch (error) {
      this.options.logger.warn(
        { err: error },
        'could not fetch the check list; keeping the current one',
      );
      return;
    }
    if (this.stopped) return;
    const first = this.scheduled.size === 0 && this.stats.runs === 0;
    const seen = new Set<string>();
    for (const spec of specs) {
      if (!this.options.kinds[spec.kind]) continue;
      seen.add(spec.id);
      const signature = JSON.stringify([spec.kind, spec.intervalS, spec.config, spec.host]);
      const existing = this.scheduled.get(spec.id);
      if (existing && existing.signature === signature) continue;
      if (existing) this.unschedule(existing);
      const entry: Scheduled = {
        spec,
        signature,
        timer: null,
        nextAt: 0,
        running: null,
        state: new Map(),
      };
      this.scheduled.set(spec.id, entry);
      // At start-up, spread the checks over their interval so they do not all fire together;
      // a check added or changed later runs within a second so its user sees it at once.
      const delay =
        first && (this.options.spreadFirstRuns ?? true)
          ? Math.random() * spec.intervalS * 1000
          : Math.random() * (this.options.newCheckDelayMs ?? 1000);
      this.schedule(entry, Date.now() + delay);
    }
    for (const entry of [...this.scheduled.values()]) {
      if (!seen.has(entry.spec.id)) {
        this.unschedule(entry);
        this.scheduled.delete(entry.spec.id);
      }
    }
    this.stats.checks = this.scheduled.size;
  }

  private schedule(entry: Scheduled, at: number): void {
    if (this.stopped) return;
    entry.nextAt = at;
    entry.timer = setTimeout(() => this.due(entry), Math.max(0, at - Date.now()));
  }

  private unschedule(entry: Scheduled): void {
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = null;
  }

  private due(entry: Scheduled): void {
    entry.timer = null;
    if (this.scheduled.get(entry.spec.id) !== entry) return;
    // Fixed rate from the planned time, so runs do not drift by their own duration; a run that
    // is still going when the next is due skips that turn rather than piling up.
    const intervalMs = entry.spec.intervalS * 1000;
    let next = entry.nextAt + intervalMs;
    if (next < Date.now()) next = Date.now() + intervalMs;
    this.schedule(entry, next);
    if (entry.running || this.queue.includes(entry)) return;
    this.queue.push(entry);
    this.pump();
  }

  private pump(): void {
    while (!this.stopped && this.running.size < this.concurrency && this.queue.length > 0) {
      const entry = this.queue.shift();
      if (!entry) break;
      const run = this.runOne(entry).finally(() => {
        this.running.delete(run);
        this.pump();
      });
      this.running.add(run);
    }
  }

  private async runOne(entry: Scheduled): Promise<void> {
    const { spec } = entry;
    const kind = this.options.kinds[spec.kind];
    if (!kind) return;
    const controller = new AbortController();
    entry.running = controller;
    const timeoutMs = timeoutFor(spec);
    const at = new Date(this.options.now?.() ?? Date.now());
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    let status: Status;
    let message: string;
    let readings: CheckResult['readings'] = [];
    let facts: CheckResult['facts'];
    try {
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          controller.abort();
          reject(new Error(`timed out after ${timeoutMs} ms`));
        }, timeoutMs);
      });
      const outcome = await Promise.race([
        kind.run(spec.config as never, {
          signal: controller.signal,
          timeoutMs,
          host: spec.host,
          state: entry.state,
        }),
        timedOut,
      ]);
      ({ status, message } = outcome);
      readings = outcome.readings.map(withStorableNote);
      facts = outcome.facts && trimFacts(outcome.facts);
    } catch (error) {
      if (this.stopped && controller.signal.aborted) return;
      status = 'critical';
      message = describeError(error);
      this.stats.failures += 1;
    } finally {
      clearTimeout(timer);
      entry.running = null;
    }
    this.stats.runs += 1;
    const durationMs = Math.round((performance.now() - started) * 10) / 10;
    message = storable(message);
    if (message.length > maxMessageLength) message = `${message.slice(0, maxMessageLength - 1)}…`;
    const result: CheckResult = {
      checkId: spec.id,
      status,
      message,
      readings,
      durationMs,
      at: at.toISOString(),
    };
    if (facts) result.facts = facts;
    this.enqueue(result);
  }

  private enqueue(result: CheckResult): void {
    this.pending.push(result);
    if (this.pending.length > this.bufferLimit) {
      const excess = this.pending.length - this.bufferLimit;
      this.pending.splice(0, excess);
      this.stats.dropped += excess;
    }
    this.stats.pending = this.pending.length;
    if (this.pending.length >= this.batchSize) void this.flush();
    else if (!this.flushTimer) {
      this.flushTimer = setTimeout(() => {
        this.flushTimer = null;
        void this.flush();
      }, this.batchWaitMs);
    }
  }

  /**
   * Posts what is pending, a batch at a time. A batch the server could not take for now stays
   * queued for the next flush; one it refused for its content is dropped and counted.
   */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (this.pending.length === 0) return;
    const batch = this.pending.splice(0, this.batchSize);
    let retry = false;
    this.flushing = this.transport
      .postResults(batch)
      .then(() => {
        this.stats.posted += batch.length;
      })
      .catch((error: unknown) => {
        if (error instanceof BatchRejected) {
          this.stats.dropped += batch.length;
          this.options.logger.warn(
            { err: error, dropped: batch.length },
            'server refused a batch of results; dropped it',
          );
          return;
        }
        this.pending.unshift(...batch);
        retry = true;
        this.options.logger.warn(
          { err: error, pending: this.pending.length },
          'could not post results; will retry',
        );
      })
      .finally(() => {
        this.flushing = null;
        this.stats.pending = this.pending.length;
      });
    await this.flushing;
    if (retry) {
      if (!this.stopped && !this.flushTimer) {
        this.flushTimer = setTimeout(
          () => {
            this.flushTimer = null;
            void this.flush();
          },
          Math.max(this.batchWaitMs, 2000),
        );
      }
      return;
    }
    // More than one batch was waiting (a backlog, or shutdown): keep going until it is empty.
    if (this.pending.length >= this.batchSize || (this.stopped && this.pending.length > 0)) {
      await this.flush();
    }
  }

  /** Stops scheduling, lets running checks finish briefly, then posts what is left once. */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.stopped = true;
    if (this.syncTimer) clearInterval(this.syncTimer);
    for (const entry of this.scheduled.values()) this.unschedule(entry);
    this.queue.length = 0;
    const grace = new Promise((resolve) => setTimeout(resolve, this.stopGraceMs).unref());
    await Promise.race([Promise.allSettled([...this.running]), grace]);
    for (const entry of this.scheduled.values()) entry.running?.abort();
    await Promise.allSettled([...this.running]);
    await this.flush();
    if (this.flushTimer) clearTimeout(this.flushTimer);
  }
}

/** Facts within what the server stores, so one chatty device cannot get a whole batch refused. */
export function trimFacts(facts: Record<string, string>): Record<string, string> {
  const entries = Object.entries(facts).slice(0, maxFacts);
  return Object.fromEntries(
    entries.map(([key, value]) => [
      storable(key).slice(0, 100),
      storable(String(value)).slice(0, maxFactLength),
    ]),
  );
}

function withStorableNote(reading: Reading): Reading {
  if (reading.note === undefined) return reading;
  const note = storable(reading.note);
  return {
    ...reading,
    note: note.length > maxNoteLength ? `${note.slice(0, maxNoteLength - 1)}…` : note,
  };
}

/**
 * Text PostgreSQL can store: no NUL (agents pad sysDescr with them) and no unpaired surrogate.
 * The server refuses such text, and with it the whole batch, so it is cleaned here at the source.
 */
export function storable(text: string): string {
  return text
    .replaceAll('\u0000', '')
    .replace(/[\uD800-\uDFFF]/g, (ch, index: number, all: string) => {
      const code = ch.charCodeAt(0);
      const paired =
        code < 0xdc00
          ? /[\uDC00-\uDFFF]/.test(all[index + 1] ?? '')
          : /[\uD800-\uDBFF]/.test(all[index - 1] ?? '');
      return paired ? ch : '\uFFFD';
    });
}

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    if (typeof code === 'string' && !error.message.includes(code))
      return `${code}: ${error.message}${cause}`;
    return `${error.message}${cause}`;
  }
  return String(error);
}
